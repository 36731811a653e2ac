import { useId, useState } from 'react';
import { settingSchemas } from '../../../shared/schema';
import { useSettingsMessages } from './messages';
import { describedBy, FieldError, SettingsForm, type SaveSetting } from './settings-form';

/**
 * The bounds of `settingSchemas.retentionMonths`, said to the lead. zod/mini keeps them in no
 * property we could read, so they are written here; the schema still checks every value saved.
 */
const MONTHS = { min: 1, max: 120 } as const;

type RetentionFormProps = { stored: number; readOnly: boolean; save: SaveSetting };

/**
 * How long row-level records stay (sync-protocol.md, Retention): every tablet and the server
 * delete older days by themselves, and the days keep their figures.
 */
export function RetentionForm({ stored, readOnly, save }: RetentionFormProps) {
  const m = useSettingsMessages();
  const id = useId();
  // Null until edited: the form follows the stored value (a change synced from another tablet).
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const value = draft ?? String(stored);

  const submit = async () => {
    const typed = value.trim();
    const parsed = settingSchemas.retentionMonths.safeParse(/^\d{1,3}$/.test(typed) ? Number(typed) : Number.NaN);
    if (!parsed.success) {
      setError(m('retentionBad', MONTHS));
      return;
    }
    setError(null);
    const confirmation = m('retentionSaved', { n: parsed.data });
    if (await save('retentionMonths', parsed.data, confirmation)) setDraft(null);
  };

  return (
    <SettingsForm title={m('retentionTitle')} readOnly={readOnly} onSave={() => void submit()}>
      <div className="field">
        <label htmlFor={id}>{m('retentionMonths')}</label>
        <p id={`${id}-hint`} className="hint">
          {m('retentionHint')} {m('retentionRange', MONTHS)}
        </p>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={MONTHS.min}
          max={MONTHS.max}
          step={1}
          className="settings-input number-input"
          value={value}
          onChange={(event) => {
            setDraft(event.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(`${id}-hint`, `${id}-error`, error)}
        />
        <FieldError id={`${id}-error`} error={error} />
      </div>
    </SettingsForm>
  );
}
