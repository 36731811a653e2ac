import { useEffect, useId, useRef, useState } from 'react';
import type { LeadProblem } from './lead-api';
import type { LinkComponent } from '../../ui/plain-link';
import { LeadProblemMessage } from './lead-problem';
import { useTabletsMessages } from './messages';

type RevokeTabletProps = {
  name: string;
  /** Revokes the tablet on the server; resolves to null once it is done, or to why it is not. */
  onRevoke: () => Promise<LeadProblem | null>;
  link: LinkComponent;
};

/**
 * Revoking a lost tablet. Everywhere else a mistake is met with Undo, not "Are you sure?"; a
 * revocation cannot be undone (the tablet must enrol again), so here the lead is asked a second
 * time, with what it does said plainly.
 */
export function RevokeTablet({ name, onRevoke, link }: RevokeTabletProps) {
  const m = useTabletsMessages();
  const titleId = useId();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<LeadProblem | null>(null);
  const sending = useRef(false);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const revokeRef = useRef<HTMLButtonElement>(null);
  // Set once the lead has answered "keep", so focus goes back where they were, not on first render.
  const returnFocus = useRef(false);

  useEffect(() => {
    if (asking) titleRef.current?.focus();
    else if (returnFocus.current) revokeRef.current?.focus();
  }, [asking]);

  const revoke = async () => {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setProblem(null);
    try {
      // Done: the list is read again and this tablet's row shows it revoked, without this.
      setProblem(await onRevoke());
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  if (!asking) {
    return (
      <button ref={revokeRef} type="button" className="button danger" aria-label={m('revokeThis', { name })} onClick={() => setAsking(true)}>
        {m('revoke')}
      </button>
    );
  }

  return (
    <section className="revoke-confirm" aria-labelledby={titleId}>
      <h4 id={titleId} ref={titleRef} tabIndex={-1}>
        {m('revokeTitle', { name })}
      </h4>
      <p>{m('revokeWhat', { name })}</p>
      <p>{m('revokeKeeps')}</p>
      <p className="revoke-no-undo">{m('revokeNoUndo')}</p>
      {problem && <LeadProblemMessage problem={problem} link={link} />}
      <div className="actions">
        <button type="button" className="button danger primary" disabled={busy} onClick={() => void revoke()}>
          {busy ? m('revoking') : m('revokeConfirm', { name })}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            returnFocus.current = true;
            setProblem(null);
            setAsking(false);
          }}
        >
          {m('revokeCancel')}
        </button>
      </div>
    </section>
  );
}
