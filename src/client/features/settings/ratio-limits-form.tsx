import { useId, useState } from 'react';
import type { SettingValue } from '../../../shared/schema';
import { useSettingsMessages } from './messages';
import { describedBy, FieldError, SettingsForm, type SaveSetting } from './settings-form';

type RatioLimits = SettingValue<'ratioLimits'>;
type Draft = { max: string; warnWithNoVolunteer: boolean };

type RatioLimitsFormProps = { stored: RatioLimits; readOnly: boolean; save: SaveSetting };

/** The number of children one volunteer may look after, and the no-volunteer warning. */
export function RatioLimitsForm({ stored, readOnly, save }: RatioLimitsFormProps) {
  const m = useSettingsMessages();
  const ids = { max: useId(), warn: useId() };
  // Null until edited: the form follows the stored value (a change synced from another tablet).
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const value = draft ?? { max: String(stored.maxChildrenPerVolunteer), warnWithNoVolunteer: stored.requireVolunteerWhenChildrenPresent };

  const submit = async () => {
    const max = /^\d{1,2}$/.test(value.max.trim()) ? Number(value.max) : Number.NaN;
    if (!(max >= 1 && max <= 50)) {
      setError(m('maxChildrenBad'));
      return;
    }
    setError(null);
    const saved = await save('ratioLimits', { maxChildrenPerVolunteer: max, requireVolunteerWhenChildrenPresent: value.warnWithNoVolunteer }, m('ratioSaved'));
    if (saved) setDraft(null);
  };

  return (
    <SettingsForm title={m('ratioTitle')} readOnly={readOnly} onSave={() => void submit()}>
      <div className="field">
        <label htmlFor={ids.max}>{m('maxChildren')}</label>
        <p id={`${ids.max}-hint`} className="hint">
          {m('maxChildrenHint')}
        </p>
        <input
          id={ids.max}
          type="number"
          inputMode="numeric"
          min={1}
          max={50}
          step={1}
          className="settings-input number-input"
          value={value.max}
          onChange={(event) => {
            setDraft({ ...value, max: event.target.value });
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(`${ids.max}-hint`, `${ids.max}-error`, error)}
        />
        <FieldError id={`${ids.max}-error`} error={error} />
      </div>
      <div className="check-field">
        <input
          id={ids.warn}
          type="checkbox"
          checked={value.warnWithNoVolunteer}
          onChange={(event) => setDraft({ ...value, warnWithNoVolunteer: event.target.checked })}
        />
        <label htmlFor={ids.warn}>{m('noVolunteerWarning')}</label>
      </div>
    </SettingsForm>
  );
}
