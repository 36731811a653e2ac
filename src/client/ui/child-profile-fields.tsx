import { useMemo } from 'react';
import { AGE_BANDS, type AgeBand, type Gender } from '../../shared/schema';
import { useI18n } from '../i18n/i18n';
import { fallbackNames, formatLocale } from '../i18n/locale';
import { useUiMessages, type UiMessages } from './messages';
import { ChoiceGroup, ToggleGroup } from './choice-group';

/** Languages most often spoken at the centre; the full list comes with the settings screen. */
export const COMMON_LANGUAGES = ['ar', 'ckb', 'kmr', 'fa', 'ps', 'ti', 'am', 'so', 'ur', 'en', 'fr'] as const;

export const genderLabel = (gender: Gender, t: UiMessages): string =>
  ({ girl: t('genderGirl'), boy: t('genderBoy'), other: t('genderOther'), unspecified: t('genderUnspecified') })[gender];

/** A language's name in the tablet's language ("Arabic", "arabe", "عەرەبی"), its code when nobody has a name for it. */
export function useLanguageName(): (code: string) => string {
  const { language } = useI18n();
  return useMemo(() => {
    const names = new Intl.DisplayNames([formatLocale(language)], { type: 'language', fallback: 'code' });
    // Sorani's own names where the browser has none (it would answer in English).
    const own = fallbackNames(language)?.languages ?? {};
    return (code: string) => own[code] ?? names.of(code) ?? code;
  }, [language]);
}

type ChildProfileFieldsProps = {
  ageBand: AgeBand | null;
  gender: Gender | null;
  languages: readonly string[];
  onAgeBand: (ageBand: AgeBand) => void;
  onGender: (gender: Gender) => void;
  onLanguages: (languages: string[]) => void;
  /** Shown once someone tried to save without an answer. */
  missing?: { ageBand: boolean; gender: boolean };
};

/** What a child's record holds besides the code: age band, gender, languages. Never a name. */
export function ChildProfileFields({ ageBand, gender, languages, onAgeBand, onGender, onLanguages, missing }: ChildProfileFieldsProps) {
  const t = useUiMessages();
  const languageName = useLanguageName();
  // Languages the record already holds stay offered, even when not among the common ones.
  const languageChoices = [...new Set([...COMMON_LANGUAGES, ...languages])].map((value) => ({ value, label: languageName(value) }));
  return (
    <>
      <ChoiceGroup
        legend={t('ageBand')}
        choices={AGE_BANDS.map((band) => ({ value: band, label: band }))}
        value={ageBand}
        onChange={onAgeBand}
        error={missing?.ageBand ? t('chooseAgeBand') : undefined}
      />
      <ChoiceGroup
        legend={t('gender')}
        choices={(['girl', 'boy', 'other', 'unspecified'] as const).map((value) => ({ value, label: genderLabel(value, t) }))}
        value={gender}
        onChange={onGender}
        error={missing?.gender ? t('chooseGender') : undefined}
      />
      <ToggleGroup legend={t('languages')} choices={languageChoices} values={languages} onChange={onLanguages} />
    </>
  );
}
