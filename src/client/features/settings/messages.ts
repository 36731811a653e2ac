import { defineMessages } from '../../i18n/define-messages';

/** Every sentence of the settings screen, in each language the app speaks. */
export const useSettingsMessages = defineMessages({
  en: () => import('./messages/en'),
  fr: () => import('./messages/fr'),
  ar: () => import('./messages/ar'),
  ckb: () => import('./messages/ckb'),
  fa: () => import('./messages/fa'),
});

export type SettingsMessages = ReturnType<typeof useSettingsMessages>;
