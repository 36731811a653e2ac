import { useId } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import { localTime } from '../../../shared/dates';
import type { PresentChild } from '../../db/repositories/presence';
import { useCloseMessages } from './messages';

type StillCheckedInProps = { present: readonly PresentChild[]; timeZone: string; title?: string };

/** The children the close will check out, as tiles with their code and time in. */
export function StillCheckedIn({ present, timeZone, title }: StillCheckedInProps) {
  const m = useCloseMessages();
  const titleId = useId();
  return (
    <section className="panel still-in" aria-labelledby={titleId}>
      <h2 id={titleId}>{title ?? m('stillInTitle')}</h2>
      {present.length === 0 ? (
        <p className="empty">{m('stillInNone')}</p>
      ) : (
        <>
          <p className="still-in-count">{m('stillInCount', { n: present.length })}</p>
          <ul className="tiles">
            {present.map((entry) => (
              <li key={entry.child.id} className="tile still-in-tile">
                <span className="tile-code">{formatCodeForReading(entry.child.code ?? '')}</span>
                <span className="tile-detail">{m('inSince', { time: localTime(entry.since, timeZone) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
