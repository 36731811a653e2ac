import { useId } from 'react';
import { localTime } from '../../../shared/dates';
import type { OnDutyVolunteer } from '../../db/repositories/presence';
import { formatDuration } from './duty-time';
import { useShiftsMessages } from './messages';

type OnDutyListProps = { onDuty: readonly OnDutyVolunteer[]; now: number; timeZone: string };

/** Who is on duty, longest first, since when (centre time) and for how long. */
export function OnDutyList({ onDuty, now, timeZone }: OnDutyListProps) {
  const m = useShiftsMessages();
  const titleId = useId();
  return (
    <section className="panel on-duty" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('onDutyTitle')}</h2>
      {onDuty.length === 0 ? (
        <p className="empty">{m('nobodyOnDuty')}</p>
      ) : (
        <ul className="on-duty-list">
          {onDuty.map((entry) => (
            <li key={entry.volunteer.id}>
              <span className="on-duty-name" dir="auto">
                {entry.volunteer.displayName}
              </span>{' '}
              <span className="on-duty-time">
                {m('since', { time: localTime(entry.since, timeZone) })} · {formatDuration(now - entry.since, m)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
