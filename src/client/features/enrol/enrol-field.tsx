import { useId, type InputHTMLAttributes, type Ref } from 'react';

type EnrolFieldProps = {
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  inputRef: Ref<HTMLInputElement>;
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'inputMode' | 'autoCapitalize' | 'autoComplete' | 'maxLength' | 'spellCheck'>;

/** One labelled field of the enrolment form, its hint, and its problem said at the field. */
export function EnrolField({ label, hint, value, onChange, error, inputRef, ...input }: EnrolFieldProps) {
  const id = useId();
  return (
    <div className="field enrol-field">
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
      <input
        {...input}
        id={id}
        ref={inputRef}
        className="enrol-input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
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
