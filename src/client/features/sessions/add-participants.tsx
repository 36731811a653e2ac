import { useState, type FormEvent } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import { useSessionsMessages } from './messages';
import { useFocusHeading } from './use-focus-heading';

/** A child who could join: present, not in this session; `elsewhere` names their running activity. */
export type Candidate = { child: Stored<'children'>; elsewhere?: string };

type AddParticipantsProps = {
  activity: string;
  candidates: readonly Candidate[];
  onAdd: (children: Stored<'children'>[]) => Promise<void>;
  onCancel: () => void;
};

/** Several children at once: big checkable tiles with each child's code, then one Add. */
export function AddParticipants({ activity, candidates, onAdd, onCancel }: AddParticipantsProps) {
  const m = useSessionsMessages();
  const heading = useFocusHeading<HTMLHeadingElement>();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);

  const toggle = (childId: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (!next.delete(childId)) next.add(childId);
      return next;
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const children = candidates.filter((c) => chosen.has(c.child.id)).map((c) => c.child);
    if (children.length === 0 || busy) return;
    setBusy(true);
    try {
      await onAdd(children);
    } finally {
      setBusy(false);
    }
  };

  const missing = tried && chosen.size === 0;
  return (
    <form className="panel add-participants" aria-labelledby="add-title" onSubmit={(event) => void submit(event)} noValidate>
      <h2 id="add-title" ref={heading} tabIndex={-1}>
        {m('addTitle', { activity })}
      </h2>
      {candidates.length === 0 ? (
        <p className="empty">{m('addNobody')}</p>
      ) : (
        <fieldset className="choice-group" aria-describedby={missing ? 'add-hint add-error' : 'add-hint'}>
          <legend>{m('addLegend')}</legend>
          <p id="add-hint" className="hint">
            {m('addHint')}
          </p>
          <ul className="tiles check-tiles">
            {candidates.map(({ child, elsewhere }) => (
              <li key={child.id}>
                <label className="check-tile">
                  <input type="checkbox" checked={chosen.has(child.id)} onChange={() => toggle(child.id)} />
                  <span className="check-tile-face">
                    <span className="tile-code">{formatCodeForReading(child.code ?? '')}</span>{' '}
                    {elsewhere && <span className="elsewhere">{m('inOther', { activity: elsewhere })}</span>}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {missing && (
            <p id="add-error" className="field-error">
              {m('chooseChildren')}
            </p>
          )}
        </fieldset>
      )}
      <div className="actions">
        {candidates.length > 0 && (
          <button type="submit" className="button primary" disabled={busy}>
            {chosen.size > 0 ? m('addSelectedMany', { n: chosen.size }) : m('addChildren')}
          </button>
        )}
        <button type="button" className="button" onClick={onCancel}>
          {m('cancel')}
        </button>
      </div>
    </form>
  );
}
