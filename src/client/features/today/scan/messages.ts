import { defineMessages } from '../../../i18n/define-messages';

/** The card scanner's sentences: loaded with the scanner, after Today's first screen. */
export const useScanMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});
