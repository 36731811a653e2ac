import { useId } from 'react';

type DayFieldProps = {
  label: string;
  value: string;
  onChange: (day: string) => void;
  max?: string;
  error?: string;
};

/** A labelled date field; the browser's own picker on a tablet. Its value is a centre day. */
export function DayField({ label, value, onChange, max, error }: DayFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="day-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value}
        max={max}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
