import { defineMessages } from '../../i18n/define-messages';

/** The lead's Tablets screen: adding a tablet with a code, the centre's tablets, revoking one. French uses neutral turns of phrase for people. */
export const useTabletsMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type TabletsMessages = ReturnType<typeof useTabletsMessages>;
export type TabletsMessageKey = Parameters<TabletsMessages>[0];
