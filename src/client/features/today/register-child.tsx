import { useMemo, useState, type FormEvent } from 'react';
import { AGE_BANDS, type AgeBand, type Gender } from '../../../shared/schema';
import { formatCodeForReading } from '../../../shared/codes';
import type { ChildProfile } from '../../db/repositories/children';
import { useI18n } from '../../i18n/i18n';
import { ChoiceGroup, ToggleGroup } from '../../ui/choice-group';

/** Languages most often spoken at the centre; the full list comes with the settings screen. */
const COMMON_LANGUAGES = ['ar', 'ckb', 'kmr', 'fa', 'ps', 'ti', 'am', 'so', 'ur', 'en', 'fr'] as const;

type RegisterChildProps = {
  /** The code typed, or null when the app will issue a new one. */
  code: string | null;
  onRegister: (profile: ChildProfile) => Promise<void>;
  onCancel: () => void;
};

/** Registration in at most three taps: age band, gender, register. Languages are optional. */
export function RegisterChild({ code, onRegister, onCancel }: RegisterChildProps) {
  const { t, language } = useI18n();
  const [ageBand, setAgeBand] = useState<AgeBand | null>(null);
  const [gender, setGender] = useState<Gender | null>(null);
  const [languages, setLanguages] = useState<string[]>([]);
  const [tried, setTried] = useState(false);

  const languageChoices = useMemo(() => {
    const names = new Intl.DisplayNames([language], { type: 'language', fallback: 'code' });
    return COMMON_LANGUAGES.map((value) => ({ value, label: names.of(value) ?? value }));
  }, [language]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!ageBand || !gender) return;
    await onRegister({ ageBand, gender, languages });
  };

  return (
    <form className="panel register-child" aria-labelledby="register-title" onSubmit={(event) => void submit(event)} noValidate>
      <h2 id="register-title">{t('registerTitle')}</h2>
      <p className="lead-text">{code ? t('registerCode', { code: formatCodeForReading(code) }) : null}</p>
      <ChoiceGroup
        legend={t('ageBand')}
        choices={AGE_BANDS.map((band) => ({ value: band, label: band }))}
        value={ageBand}
        onChange={setAgeBand}
        error={tried && !ageBand ? t('chooseAgeBand') : undefined}
      />
      <ChoiceGroup
        legend={t('gender')}
        choices={[
          { value: 'girl', label: t('genderGirl') },
          { value: 'boy', label: t('genderBoy') },
          { value: 'other', label: t('genderOther') },
          { value: 'unspecified', label: t('genderUnspecified') },
        ]}
        value={gender}
        onChange={setGender}
        error={tried && !gender ? t('chooseGender') : undefined}
      />
      <ToggleGroup legend={t('languages')} choices={languageChoices} values={languages} onChange={setLanguages} />
      <div className="actions">
        <button type="submit" className="button primary">
          {t('registerAndCheckIn')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
