import type { DaySummary, RangeReport } from '../../../shared/summary';
import { useI18n } from '../../i18n/i18n';
import { formatShortDay } from '../../ui/format-day';
import { formatHours, formatMinutes } from './format';
import { useSummaryMessages } from './messages';

type Column = { id: string; label: string; value: (row: DaySummary) => string };

/** One row per day and a total row: the table a lead copies into a monthly report. */
export function RangeTable({ report, from, to }: { report: RangeReport; from: string; to: string }) {
  const m = useSummaryMessages();
  const { language } = useI18n();
  const columns: Column[] = [
    { id: 'children', label: m('children'), value: (row) => String(row.uniqueChildren) },
    { id: 'new', label: m('newChildren'), value: (row) => String(row.newChildren) },
    { id: 'visits', label: m('visits'), value: (row) => String(row.visits) },
    { id: 'peak', label: m('peak'), value: (row) => String(row.peakPresent) },
    { id: 'average', label: m('averageVisit'), value: (row) => formatMinutes(m, row.averageVisitMinutes) },
    { id: 'sessions', label: m('sessions'), value: (row) => String(row.sessions) },
    { id: 'volunteers', label: m('volunteers'), value: (row) => String(row.volunteers) },
    { id: 'hours', label: m('colHours'), value: (row) => formatHours(row.volunteerMinutes) },
    { id: 'over', label: m('colOver'), value: (row) => String(row.minutesOverRatio) },
    { id: 'without', label: m('colWithout'), value: (row) => String(row.minutesWithoutVolunteer) },
  ];
  return (
    <div className="range-table">
      <h3 id="range-table-title">{m('tableTitle')}</h3>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="range-table-title">
        <table>
          <caption className="visually-hidden">{m('tableCaption', { from, to })}</caption>
          <thead>
            <tr>
              <th scope="col">{m('colDay')}</th>
              {columns.map((column) => (
                <th key={column.id} scope="col">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.days.map((row) => (
              <tr key={row.day}>
                <th scope="row">{formatShortDay(row.day!, language)}</th>
                {columns.map((column) => (
                  <td key={column.id}>{column.value(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{m('total')}</th>
              {columns.map((column) => (
                <td key={column.id}>
                  {/* Purged days' children can no longer be told apart: the total is only about right. */}
                  {column.id === 'children' && report.total.approximate ? m('about', { n: report.total.uniqueChildren }) : column.value(report.total)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}
