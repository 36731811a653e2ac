import { defineMessages } from '../../i18n/define-messages';

/** The lead's Code cards screen: cards for chosen children or for codes issued ahead, on A4. */
export const useCardsMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type CardsMessages = ReturnType<typeof useCardsMessages>;
