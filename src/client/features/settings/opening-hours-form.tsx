import { useId, useState } from 'react';
import type { SettingValue } from '../../../shared/schema';
import { useSettingsMessages } from './messages';
import { describedBy, FieldError, SettingsForm, type SaveSetting } from './settings-form';

type OpeningHours = SettingValue<'openingHours'>;
type Problems = { opens: string | null; closes: string | null };

type OpeningHoursFormProps = { stored: OpeningHours; readOnly: boolean; save: SaveSetting };

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** When the centre opens and closes: closing the day defaults to the closing time. */
export function OpeningHoursForm({ stored, readOnly, save }: OpeningHoursFormProps) {
  const m = useSettingsMessages();
  const ids = { opens: useId(), closes: useId() };
  const [draft, setDraft] = useState<OpeningHours | null>(null);
  const [problems, setProblems] = useState<Problems>({ opens: null, closes: null });
  const value = draft ?? stored;

  const submit = async () => {
    const found: Problems = {
      opens: HHMM.test(value.opens) ? null : m('timeBad'),
      closes: HHMM.test(value.closes) ? null : m('timeBad'),
    };
    // 'HH:mm' strings compare as times do.
    if (!found.opens && !found.closes && value.opens >= value.closes) found.closes = m('closesBeforeOpens');
    setProblems(found);
    if (found.opens || found.closes) return;
    if (await save('openingHours', value, m('hoursSaved'))) setDraft(null);
  };

  const field = (which: 'opens' | 'closes') => {
    const id = ids[which];
    const error = problems[which];
    return (
      <div className="field">
        <label htmlFor={id}>{m(which)}</label>
        <input
          id={id}
          type="time"
          className="settings-input time-input"
          value={value[which]}
          onChange={(event) => {
            setDraft({ ...value, [which]: event.target.value });
            setProblems({ opens: null, closes: null });
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(null, `${id}-error`, error)}
        />
        <FieldError id={`${id}-error`} error={error} />
      </div>
    );
  };

  return (
    <SettingsForm title={m('hoursTitle')} readOnly={readOnly} onSave={() => void submit()}>
      <div className="field-row">
        {field('opens')}
        {field('closes')}
      </div>
    </SettingsForm>
  );
}
