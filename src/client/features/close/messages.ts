import { defineMessages } from '../../i18n/define-messages';

/** Every sentence of the close-the-day screen, in each language the app speaks. */
export const useCloseMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type CloseMessages = ReturnType<typeof useCloseMessages>;
