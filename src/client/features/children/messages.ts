import { defineMessages } from '../../i18n/define-messages';

/** The lead's Children screen: codes given to two children, and finding and correcting a child. */
export const useChildrenMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type ChildrenMessages = ReturnType<typeof useChildrenMessages>;
