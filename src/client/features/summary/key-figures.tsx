import { localTime } from '../../../shared/dates';
import type { DaySummary } from '../../../shared/summary';
import { formatMinutes } from './format';
import { useSummaryMessages } from './messages';

type Figure = { id: string; label: string; value: string; detail?: string; alert?: boolean; wide?: boolean };

type KeyFiguresProps = {
  summary: DaySummary;
  timeZone: string;
  /** A range's total: children are counted once over the range. */
  total?: boolean;
};

/** The figures a lead reads first, large enough to read from a metre away. */
export function KeyFigures({ summary, timeZone, total = false }: KeyFiguresProps) {
  const m = useSummaryMessages();
  // Purged days' children can no longer be told apart from other days': the lead reads why the
  // count is only about right, beside it, across the whole row so the sentence has room.
  const approximate = total && summary.approximate === true;
  const figures: Figure[] = [
    {
      id: 'children',
      label: m('children'),
      value: String(summary.uniqueChildren),
      ...(total && { detail: approximate ? m('approximateChildren', { n: summary.uniqueChildren }) : m('uniqueOverRange') }),
      wide: approximate,
    },
    { id: 'new', label: m('newChildren'), value: String(summary.newChildren) },
    { id: 'visits', label: m('visits'), value: String(summary.visits) },
    {
      id: 'peak',
      label: m('peak'),
      value: String(summary.peakPresent),
      ...(!total && summary.peakAt !== null && { detail: m('peakAt', { time: localTime(summary.peakAt, timeZone) }) }),
    },
    { id: 'average', label: m('averageVisit'), value: formatMinutes(m, summary.averageVisitMinutes) },
    { id: 'sessions', label: m('sessions'), value: String(summary.sessions) },
    { id: 'volunteers', label: m('volunteers'), value: String(summary.volunteers) },
    { id: 'volunteer-time', label: m('volunteerHours'), value: formatMinutes(m, summary.volunteerMinutes) },
    { id: 'over', label: m('overRatio'), value: formatMinutes(m, summary.minutesOverRatio), alert: summary.minutesOverRatio > 0 },
    { id: 'without', label: m('withoutVolunteer'), value: formatMinutes(m, summary.minutesWithoutVolunteer), alert: summary.minutesWithoutVolunteer > 0 },
    { id: 'cover', label: m('lowestCover'), value: summary.mostChildrenPerVolunteer === null ? m('none') : String(summary.mostChildrenPerVolunteer) },
  ];
  return (
    <dl className="key-figures">
      {figures.map((figure) => (
        <div key={figure.id} className={['key-figure', figure.alert && 'key-figure-alert', figure.wide && 'key-figure-wide'].filter(Boolean).join(' ')}>
          <dt>{figure.label}</dt>
          <dd>
            <span className="key-figure-value">{figure.value}</span>
            {figure.detail && <span className="key-figure-detail">{figure.detail}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
