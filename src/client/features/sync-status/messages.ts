import { defineMessages } from '../../i18n/define-messages';

/** The sync status bar's sentences: short, because the bar sits in the header on every screen. */
export const useSyncStatusMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type SyncStatusMessages = ReturnType<typeof useSyncStatusMessages>;
