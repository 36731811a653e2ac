import { isCalendarDay } from '../schema/common';
import { AGE_BANDS, GENDERS } from '../schema/tables';
import { dayCount, daysInRange } from '../dates';
import type { ReportSummary } from '../schema/report';
import type { DaySummary, RangeReport } from './summarise';
import { complementaryCells, type Relation } from './suppression';

/** The longest range a report covers (sync-protocol.md): a year, leap day included. */
export const MAX_REPORT_DAYS = 366;
/** The threshold of reports that leave the centre (product.md): counts below it are hidden. */
export const FUNDERS_MIN_CELL = 5;

export type RangeProblem = 'bad-from' | 'bad-to' | 'from-after-to' | 'too-long';

/** Reads a report's range: every day from `from` to `to`, or why it cannot be a report. */
export function checkReportRange(from: string, to: string): { ok: true; days: string[] } | { ok: false; problem: RangeProblem } {
  if (!isCalendarDay(from)) return { ok: false, problem: 'bad-from' };
  if (!isCalendarDay(to)) return { ok: false, problem: 'bad-to' };
  if (from > to) return { ok: false, problem: 'from-after-to' };
  // The length before the list: `0100-01-01` to `9999-12-31` is valid input, and listing its
  // 3.6 million days first would hold the server (or a tablet typing a year) for seconds.
  if (dayCount(from, to) > MAX_REPORT_DAYS) return { ok: false, problem: 'too-long' };
  return { ok: true, days: daysInRange(from, to) };
}

/** A figure as a report shows it: a number, or `<k` where a count below the threshold is hidden. */
export type Cell = number | string | null;
/** A summary whose counts may be hidden: its type comes from the report's schema. */
export type { ReportSummary } from '../schema/report';

/**
 * Hides every count below `minCell` (other than 0) as the text `<minCell` (sync-protocol.md,
 * `minCell`). Counts are of children, visits, sessions and volunteers; minutes, times and the
 * ratio are not counts of anyone and stay.
 */
export function suppressSmallCounts(summary: DaySummary, minCell: number): ReportSummary {
  const hide = (count: number): number | string => (count > 0 && count < minCell ? `<${minCell}` : count);
  const hideAll = <K extends string>(counts: Record<K, number>) => Object.fromEntries(Object.entries<number>(counts).map(([key, count]) => [key, hide(count)])) as Record<K, number | string>;
  return {
    ...summary,
    uniqueChildren: hide(summary.uniqueChildren),
    newChildren: hide(summary.newChildren),
    visits: hide(summary.visits),
    byAgeBand: hideAll(summary.byAgeBand),
    byGender: hideAll(summary.byGender),
    peakPresent: hide(summary.peakPresent),
    presentByHour: hideAll(summary.presentByHour),
    sessions: hide(summary.sessions),
    sessionsByActivity: Object.fromEntries(
      Object.entries(summary.sessionsByActivity).map(([activity, figures]) => [activity, { sessions: hide(figures.sessions), participants: hide(figures.participants) }]),
    ),
    volunteers: hide(summary.volunteers),
  };
}

export type ReportOutput = { days: ReportSummary[]; total: ReportSummary };

/** How a count hidden so that a small one cannot be worked out from the totals is shown. */
export const COMPLEMENTARY_MARK = '*';

/** The count columns of a report's table: minutes, times and the ratio count nobody. */
function countColumns(report: RangeReport): string[] {
  return reportColumns(report).filter((column) => !/^(day|peakAt|averageVisitMinutes|volunteerMinutes|minutesOverRatio|minutesWithoutVolunteer|mostChildrenPerVolunteer)$/.test(column));
}

/** The relations between a report's cells that a reader could add up (suppression.ts). */
function reportRelations(report: RangeReport, columns: readonly string[]): Relation[] {
  const rows = [...report.days.map((_, i) => String(i)), 'total'];
  const cell = (row: string, column: string) => `${row}:${column}`;
  const relations: Relation[] = [];
  for (const row of rows) {
    relations.push({ total: cell(row, 'uniqueChildren'), parts: AGE_BANDS.map((band) => cell(row, `byAgeBand.${band}`)) });
    relations.push({ total: cell(row, 'uniqueChildren'), parts: GENDERS.map((gender) => cell(row, `byGender.${gender}`)) });
    const activities = columns.filter((column) => column.startsWith('sessionsByActivity.') && column.endsWith('.sessions'));
    if (activities.length > 0) relations.push({ total: cell(row, 'sessions'), parts: activities.map((column) => cell(row, column)) });
  }
  // The total of a summed figure is the sum of its days (the children are distinct over the
  // range, and the peak the highest day: neither adds up).
  const summed = columns.filter((column) => !/^(uniqueChildren|byAgeBand\.|byGender\.|peakPresent)/.test(column));
  for (const column of summed) relations.push({ total: cell('total', column), parts: report.days.map((_, i) => cell(String(i), column)) });
  return relations;
}

/**
 * The report as it may leave the centre: every count below `minCell` (other than 0) shown as
 * `<minCell`, and, so that none of those can be worked out from the rows and columns that add up,
 * the fewest further counts, the largest first, shown as `*` (complementary suppression).
 */
export function suppressReport(report: RangeReport, minCell: number): ReportOutput {
  const days = report.days.map((day) => suppressSmallCounts(day, minCell));
  const total = suppressSmallCounts(report.total, minCell);
  if (minCell <= 1) return { days, total };
  const columns = countColumns(report);
  const values = new Map<string, number>();
  const primary = new Set<string>();
  const rows: [string, ReportSummary, DaySummary][] = [...report.days.map((day, i) => [String(i), days[i]!, day] as [string, ReportSummary, DaySummary]), ['total', total, report.total]];
  for (const [row, , summary] of rows) {
    for (const column of columns) {
      const value = cellAt(summary, column);
      if (typeof value !== 'number') continue;
      values.set(`${row}:${column}`, value);
      if (value > 0 && value < minCell) primary.add(`${row}:${column}`);
    }
  }
  if (primary.size === 0) return { days, total };
  const secondary = complementaryCells(values, reportRelations(report, columns), primary);
  for (const [row, hidden] of rows) {
    for (const column of columns) if (secondary.has(`${row}:${column}`)) setCellAt(hidden, column, COMPLEMENTARY_MARK);
  }
  return { days, total };
}

/**
 * The CSV columns for a report: every figure in the contract's order, nested ones flattened with
 * dots; hours and activities are those any row has, so every row has the same columns.
 */
export function reportColumns(report: RangeReport): string[] {
  const rows = [...report.days, report.total];
  const hours = [...new Set(rows.flatMap((row) => Object.keys(row.presentByHour)))].sort((a, b) => Number(a) - Number(b));
  const activities = [...new Set(rows.flatMap((row) => Object.keys(row.sessionsByActivity)))].sort();
  return [
    'day',
    'uniqueChildren',
    'newChildren',
    'visits',
    ...AGE_BANDS.map((band) => `byAgeBand.${band}`),
    ...GENDERS.map((gender) => `byGender.${gender}`),
    'peakPresent',
    'peakAt',
    ...hours.map((hour) => `presentByHour.${hour}`),
    'averageVisitMinutes',
    'sessions',
    ...activities.flatMap((activity) => [`sessionsByActivity.${activity}.sessions`, `sessionsByActivity.${activity}.participants`]),
    'volunteers',
    'volunteerMinutes',
    'minutesOverRatio',
    'minutesWithoutVolunteer',
    'mostChildrenPerVolunteer',
  ];
}

/** One cell of a row by its dotted column name; a missing hour or activity reads 0. */
function cellAt(row: ReportSummary, column: string): Cell {
  const [head, ...rest] = column.split('.');
  let value: unknown = row[head as keyof ReportSummary];
  if (rest.length === 0) return (value ?? null) as Cell;
  // Activity ids and hours never hold a dot (tables.ts), so the remaining parts are the path.
  const key = head === 'sessionsByActivity' ? [rest.slice(0, -1).join('.'), rest[rest.length - 1]!] : [rest.join('.')];
  for (const part of key) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part];
  return (value ?? 0) as Cell;
}

/** Sets one cell of a row by its dotted column name; a missing hour or activity is added. */
function setCellAt(row: ReportSummary, column: string, value: Cell): void {
  const [head, ...rest] = column.split('.');
  if (rest.length === 0) {
    (row as Record<string, unknown>)[head!] = value;
    return;
  }
  const key = head === 'sessionsByActivity' ? [rest.slice(0, -1).join('.'), rest[rest.length - 1]!] : [rest.join('.')];
  let target = (row as Record<string, unknown>)[head!] as Record<string, unknown>;
  // A day without the activity reads 0 for both figures (cellAt); hiding one keeps the other 0.
  for (const part of key.slice(0, -1)) target = (target[part] ??= { sessions: 0, participants: 0 }) as Record<string, unknown>;
  target[key[key.length - 1]!] = value;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break. */
function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV (sync-protocol.md): a header, one row per day, then a row whose `day` is
 * `total`; counts below `minCell` hidden. CRLF line ends, as spreadsheets expect.
 */
export function reportCsv(report: RangeReport, minCell: number): string {
  const columns = reportColumns(report);
  const hidden = suppressReport(report, minCell);
  const rows = [...hidden.days, { ...hidden.total, day: 'total' }];
  return [columns.join(','), ...rows.map((row) => columns.map((column) => csvCell(cellAt(row, column))).join(','))].join('\r\n') + '\r\n';
}
