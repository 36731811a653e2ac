import { useEffect, useId, useRef, useState } from 'react';
import { useChildrenMessages } from './messages';

type EraseChildProps = {
  /** The child's code as read aloud ("4173 KL"). */
  code: string;
  /** Erases the child; resolves once the write is done or refused (the notice says which). */
  onErase: () => Promise<void>;
};

/**
 * Erasing a child (product.md, Data protection). Everywhere else a mistake is met with Undo, not
 * "Are you sure?"; an erasure cannot be undone, so here, and only here, the lead is asked a
 * second time, with what goes and what stays said plainly.
 */
export function EraseChild({ code, onErase }: EraseChildProps) {
  const m = useChildrenMessages();
  const titleId = useId();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const eraseRef = useRef<HTMLButtonElement>(null);
  // Set once the lead has answered "keep", so focus goes back where they were, not on first render.
  const returnFocus = useRef(false);

  useEffect(() => {
    // A screen reader starts at the question, not on the button that is gone.
    if (asking) titleRef.current?.focus();
    else if (returnFocus.current) eraseRef.current?.focus();
  }, [asking]);

  const erase = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await onErase();
    } finally {
      setBusy(false);
    }
  };

  if (!asking) {
    return (
      <div className="erase-child">
        <p className="hint">{m('eraseHint')}</p>
        <button ref={eraseRef} type="button" className="button danger" onClick={() => setAsking(true)}>
          {m('erase')}
        </button>
      </div>
    );
  }

  return (
    <section className="erase-child erase-confirm" aria-labelledby={titleId}>
      <h3 id={titleId} ref={titleRef} tabIndex={-1}>
        {m('eraseConfirmTitle', { code })}
      </h3>
      <p>{m('eraseGoes')}</p>
      <ul className="erase-list">
        <li>{m('eraseGoesRecord', { code })}</li>
        <li>{m('eraseGoesVisits')}</li>
        <li>{m('eraseGoesSessions')}</li>
      </ul>
      <p>{m('eraseStays')}</p>
      <p className="erase-no-undo">{m('eraseNoUndo')}</p>
      <div className="actions">
        <button type="button" className="button danger primary" disabled={busy} onClick={() => void erase()}>
          {m('eraseConfirm', { code })}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            returnFocus.current = true;
            setAsking(false);
          }}
        >
          {m('eraseCancel')}
        </button>
      </div>
    </section>
  );
}
