import { defineMessages } from '../../i18n/define-messages';

/** The Sessions screen's sentences. Activity labels come from the centre's settings, as written there. */
export const useSessionsMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type SessionsMessages = ReturnType<typeof useSessionsMessages>;
