import { useState, type FormEvent } from 'react';
import type { AgeBand, Gender } from '../../../shared/schema';
import { formatCodeForReading } from '../../../shared/codes';
import type { ChildProfile } from '../../db/repositories/children';
import { useTodayMessages } from './messages';
import { ChildProfileFields } from '../../ui/child-profile-fields';

type RegisterChildProps = {
  /** The code typed, or null when the app will issue a new one. */
  code: string | null;
  onRegister: (profile: ChildProfile) => Promise<void>;
  onCancel: () => void;
};

/** Registration in at most three taps: age band, gender, register. Languages are optional. */
export function RegisterChild({ code, onRegister, onCancel }: RegisterChildProps) {
  const t = useTodayMessages();
  const [ageBand, setAgeBand] = useState<AgeBand | null>(null);
  const [gender, setGender] = useState<Gender | null>(null);
  const [languages, setLanguages] = useState<string[]>([]);
  const [tried, setTried] = useState(false);

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
      <ChildProfileFields
        ageBand={ageBand}
        gender={gender}
        languages={languages}
        onAgeBand={setAgeBand}
        onGender={setGender}
        onLanguages={setLanguages}
        missing={{ ageBand: tried && !ageBand, gender: tried && !gender }}
      />
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
