import { defineMessages } from '../../i18n/define-messages';

/** Every sentence of the Today screen: checking children in and out, the headcount, registering. */
export const useTodayMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type TodayMessages = ReturnType<typeof useTodayMessages>;
export type TodayMessageKey = Parameters<TodayMessages>[0];
