import { useId } from 'react';
import { DISPLAY_NAME_MAX } from '../../../shared/shifts';
import { useShiftsMessages } from './messages';

type NameFieldProps = {
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  autoFocus?: boolean;
};

/** The one field a volunteer fills in: a first name or nickname, with its problem said at the field. */
export function NameField({ value, onChange, error, autoFocus }: NameFieldProps) {
  const m = useShiftsMessages();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{m('nameLabel')}</label>
      <p id={`${id}-hint`} className="hint">
        {m('nameHint')}
      </p>
      <input
        id={id}
        className="name-input"
        dir="auto"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        autoCapitalize="words"
        spellCheck={false}
        enterKeyHint="done"
        // Exactly the schema's limit: the field never takes a name its check would then refuse.
        maxLength={DISPLAY_NAME_MAX}
        autoFocus={autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
