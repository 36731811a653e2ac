import { useId } from 'react';
import './count-field.css';

type CountFieldProps = {
  label: string;
  hint: string;
  /** What is typed, digits only (the field drops anything else). */
  value: string;
  /** The count `value` reads as, when it is one the caller takes; null otherwise. */
  count: number | null;
  /** Where − and + start from when what is typed is no count. */
  startFrom: number;
  onChange: (value: string) => void;
  /** Said under the field when what is typed is not a count the caller takes; null otherwise. */
  error: string | null;
  min: number;
  max: number;
  /** How far − and + move the count. */
  step: number;
  fewerLabel: string;
  moreLabel: string;
};

/**
 * A count to type, with big − and + beside it for a finger, which stop at `min` and `max` (a
 * number input's own arrows are too small to hit on a tablet). How many tablets a code enrols,
 * how many codes to issue ahead.
 */
export function CountField({ label, hint, value, count, startFrom, onChange, error, min, max, step, fewerLabel, moreLabel }: CountFieldProps) {
  const id = useId();
  const move = (by: number) => onChange(String(Math.min(max, Math.max(min, (count ?? startFrom) + by))));
  return (
    <div className="field count-field">
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
      <div className="count-row">
        <button type="button" className="button count-step" aria-label={fewerLabel} onClick={() => move(-step)}>
          −
        </button>
        <input
          id={id}
          className="count-input"
          inputMode="numeric"
          autoComplete="off"
          maxLength={String(max).length}
          value={value}
          onChange={(event) => onChange(event.target.value.replace(/\D/g, ''))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        />
        <button type="button" className="button count-step" aria-label={moreLabel} onClick={() => move(step)}>
          +
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
