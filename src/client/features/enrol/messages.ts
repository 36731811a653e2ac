import { defineMessages } from '../../i18n/define-messages';

/** The enrolment screen's sentences. French uses neutral turns of phrase for people. */
export const useEnrolMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type EnrolMessages = ReturnType<typeof useEnrolMessages>;
