import { useId } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import { localTime } from '../../../shared/dates';
import type { LateArrivalView } from '../../db/repositories/day-close';
import { useCloseMessages, type CloseMessages } from './messages';

type LateArrivalsProps = {
  arrivals: readonly LateArrivalView[];
  timeZone: string;
  activityLabel: (id: string | undefined) => string;
  /** Null on a volunteer's tablet. */
  onClear: (() => void) | null;
};

type Key = Parameters<CloseMessages>[0];
const COUNTS: [LateArrivalView['kind'], Key][] = [
  ['check-in', 'lateCheckIns'],
  ['check-out', 'lateCheckOuts'],
  ['sign-on', 'lateSignOns'],
  ['sign-off', 'lateSignOffs'],
  ['session', 'lateSessions'],
  ['participant', 'lateParticipants'],
];

/**
 * Changes that reached a closed day from a tablet that had not heard of the closing (product.md):
 * kept, never refused, and said here, "2 check-ins arrived after closing", with what each was.
 */
export function LateArrivals({ arrivals, timeZone, activityLabel, onClear }: LateArrivalsProps) {
  const m = useCloseMessages();
  const titleId = useId();
  if (arrivals.length === 0) return null;
  const what = COUNTS.flatMap(([kind, key]) => {
    const n = arrivals.filter((arrival) => arrival.kind === kind).length;
    return n === 0 ? [] : [m(key, { n })];
  });
  const code = (value: string | null) => (value === null ? m('unknownChild') : formatCodeForReading(value));
  const line = (arrival: LateArrivalView): string => {
    switch (arrival.kind) {
      case 'check-in':
        return m('lateItemCheckIn', { code: code(arrival.code), time: localTime(arrival.at, timeZone) });
      case 'check-out':
        return m('lateItemCheckOut', { code: code(arrival.code), time: localTime(arrival.at, timeZone) });
      case 'sign-on':
        return m('lateItemSignOn', { name: arrival.name ?? m('unknownVolunteer'), time: localTime(arrival.at, timeZone) });
      case 'sign-off':
        return m('lateItemSignOff', { name: arrival.name ?? m('unknownVolunteer'), time: localTime(arrival.at, timeZone) });
      case 'session':
        return m('lateItemSession', { activity: activityLabel(arrival.activity ?? undefined), time: localTime(arrival.at, timeZone) });
      case 'participant':
        return m('lateItemParticipant', { code: code(arrival.code), activity: activityLabel(arrival.activity ?? undefined) });
    }
  };
  return (
    <section className="panel late-arrivals" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('lateTitle')}</h2>
      <p className="late-summary">{m('lateSummary', { what: what.join(', ') })}</p>
      <p className="hint">{m('lateHint')}</p>
      <ul className="late-list">
        {arrivals.map((arrival) => (
          <li key={arrival.key}>
            {line(arrival)}
            {arrival.deleted && ` ${m('lateUndone')}`}
          </li>
        ))}
      </ul>
      {onClear && (
        <div className="actions">
          <button type="button" className="button" onClick={onClear}>
            {m('clearLate')}
          </button>
        </div>
      )}
    </section>
  );
}
