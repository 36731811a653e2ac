import { useId } from 'react';
import { useTabletsMessages } from './messages';

export const MIN_USES = 1;
export const MAX_USES = 100;

/** The number typed, when it is one the server takes (sync-protocol.md: 1 to 100); null otherwise. */
export function usesOf(typed: string): number | null {
  if (!/^\d{1,3}$/.test(typed.trim())) return null;
  const uses = Number(typed.trim());
  return uses >= MIN_USES && uses <= MAX_USES ? uses : null;
}

type UsesFieldProps = { value: string; onChange: (value: string) => void; error: boolean };

/**
 * How many tablets one code may enrol: a number to type, with big − and + beside it for a finger, which stop at 1 and 100
 * (a number input's own arrows are too small to hit on a tablet).
 */
export function UsesField({ value, onChange, error }: UsesFieldProps) {
  const m = useTabletsMessages();
  const id = useId();
  const uses = usesOf(value);
  const step = (by: number) => onChange(String(Math.min(MAX_USES, Math.max(MIN_USES, (uses ?? MIN_USES) + by))));
  return (
    <div className="field uses-field">
      <label htmlFor={id}>{m('usesLabel')}</label>
      <p id={`${id}-hint`} className="hint">
        {m('usesHint')}
      </p>
      <div className="uses-row">
        <button type="button" className="button uses-step" aria-label={m('usesFewer')} onClick={() => step(-1)}>
          −
        </button>
        <input
          id={id}
          className="uses-input"
          inputMode="numeric"
          autoComplete="off"
          maxLength={3}
          value={value}
          onChange={(event) => onChange(event.target.value.replace(/\D/g, ''))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        />
        <button type="button" className="button uses-step" aria-label={m('usesMore')} onClick={() => step(1)}>
          +
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {m('usesInvalid')}
        </p>
      )}
    </div>
  );
}
