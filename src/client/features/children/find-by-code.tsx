import { useId, useState, type FormEvent, type Ref } from 'react';
import { useChildrenMessages } from './messages';

type FindByCodeProps = {
  /** Resolves to an error to show at the field, or null when a child was found. */
  onFind: (typed: string) => Promise<string | null>;
  /** The code field, for the screen to bring focus back to (after an erasure). */
  inputRef?: Ref<HTMLInputElement>;
  /** Hears every keystroke: the list of children below filters by it. */
  onTyping?: (typed: string) => void;
};

/** The lead types a child's code (forgiving, as on Today) to open their record. */
export function FindByCode({ onFind, inputRef, onTyping }: FindByCodeProps) {
  const m = useChildrenMessages();
  const id = useId();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(await onFind(typed));
  };

  return (
    <form className="panel find-by-code" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)} noValidate>
      <h2 id={`${id}-title`}>{m('findTitle')}</h2>
      <div className="field">
        <label htmlFor={id}>{m('codeLabel')}</label>
        <div className="code-row">
          <input
            ref={inputRef}
            id={id}
            className="code-input"
            value={typed}
            onChange={(event) => {
              setTyped(event.target.value);
              setError(null);
              onTyping?.(event.target.value);
            }}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={24}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <button type="submit" className="button primary">
            {m('find')}
          </button>
        </div>
        {error && (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
