import { useId } from 'react';
import { centreDay, localTime } from '../../../shared/dates';
import type { ClosedDayView } from '../../db/repositories/day-close';
import { useI18n } from '../../i18n/i18n';
import { formatDay } from '../../ui/format-day';
import { useCloseMessages } from './messages';

type ClosedDayProps = {
  closed: ClosedDayView;
  timeZone: string;
  /** Null on a volunteer device: only a lead reopens a day. */
  onReopen: (() => void) | null;
};

/** A signed-off day: when, by whom, the lead's notes, and Reopen for a lead. */
export function ClosedDay({ closed, timeZone, onReopen }: ClosedDayProps) {
  const m = useCloseMessages();
  const { language } = useI18n();
  const titleId = useId();
  const time = localTime(closed.closedAt, timeZone);
  const name = closed.closedByName ?? m('aLead');
  const closedOn = centreDay(closed.closedAt, timeZone);
  // Closed the next morning: the date says so, or "at 08:30" would read as a very early close.
  const when = closedOn === closed.day ? m('closedAtBy', { time, name }) : m('closedOnAtBy', { date: formatDay(closedOn, language), time, name });
  return (
    <section className="panel closed-day" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('closedTitle')}</h2>
      <p className="closed-when">{when}</p>
      {closed.notes !== '' && (
        <div className="closed-notes">
          <h3>{m('notes')}</h3>
          <p dir="auto">{closed.notes}</p>
        </div>
      )}
      {onReopen && (
        <div className="actions">
          <button type="button" className="button" onClick={onReopen}>
            {m('reopen')}
          </button>
        </div>
      )}
    </section>
  );
}
