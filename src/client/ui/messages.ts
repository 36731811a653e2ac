import { defineMessages } from '../i18n/define-messages';

/**
 * The sentences of the app's frame (navigation, update prompt, page not found) and of the
 * controls every screen shares (confirmations, a child's age band and gender, character counts),
 * once each in each language. Why a write was refused is in problem-sentences.ts, fetched when a
 * refusal first happens (it is rare, and Today's first load has a budget).
 */
export const useUiMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type UiMessages = ReturnType<typeof useUiMessages>;
export type UiMessageKey = Parameters<UiMessages>[0];
