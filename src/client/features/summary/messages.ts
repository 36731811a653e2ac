import { defineMessages } from '../../i18n/define-messages';

/** Every sentence of the summary and report screens, in each language the app speaks. */
export const useSummaryMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});
