import { defineMessages } from '../../i18n/define-messages';

/** The Shifts screen's sentences. French uses neutral turns of phrase: volunteers are of any gender. */
export const useShiftsMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type ShiftsMessages = ReturnType<typeof useShiftsMessages>;
