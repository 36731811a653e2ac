import { useCallback } from 'react';
import { DEFAULT_SETTINGS, type CentreSettings } from '../../shared/schema';
import { useI18n, type Language } from '../i18n/i18n';

/**
 * An activity's name on screen. The default activities are named in the tablet's language until
 * a lead renames them (product.md): a label still equal to the default English one is shown
 * translated; a name a lead typed is shown as typed, in any language.
 */
const DEFAULT_NAMES: Record<Language, Record<string, string>> = {
  en: Object.fromEntries(DEFAULT_SETTINGS.activityTypes.map((type) => [type.id, type.label])),
  fr: { art: 'Arts plastiques', football: 'Football', music: 'Musique', reading: 'Lecture', games: 'Jeux', 'free-play': 'Jeu libre' },
  ar: { art: 'رسم وأشغال يدوية', football: 'كرة القدم', music: 'موسيقى', reading: 'قراءة', games: 'ألعاب', 'free-play': 'لعب حر' },
  ckb: { art: 'هونەر', football: 'تۆپی پێ', music: 'مۆسیقا', reading: 'خوێندنەوە', games: 'یاری', 'free-play': 'یاری ئازاد' },
  fa: { art: 'نقاشی و کاردستی', football: 'فوتبال', music: 'موسیقی', reading: 'کتاب‌خوانی', games: 'بازی', 'free-play': 'بازی آزاد' },
};
const ENGLISH_DEFAULTS = DEFAULT_NAMES.en;

type ActivityType = CentreSettings['activityTypes'][number];

export function activityName(type: Pick<ActivityType, 'id' | 'label'>, language: Language): string {
  if (ENGLISH_DEFAULTS[type.id] !== type.label) return type.label;
  return DEFAULT_NAMES[language][type.id] ?? type.label;
}

/** The name of the activity `id` among the centre's types (switched off ones too); the id itself when it is none of them. */
export function useActivityLabel(types: readonly ActivityType[]): (id: string | undefined) => string {
  const { language } = useI18n();
  return useCallback(
    (id: string | undefined) => {
      const type = types.find((each) => each.id === id);
      return type ? activityName(type, language) : (id ?? '');
    },
    [types, language],
  );
}
