import { describe, expect, it } from 'vitest';
import { csvRows } from '../../../tests/support/csv';
import { checkReportRange, reportColumns, reportCsv, suppressSmallCounts } from './report';
import { dayFacts } from './day-facts';
import { summariseRange, type DaySummary, type RangeReport } from './summarise';

/** A day with no data, as the shared code summarises it; each case sets the figures it needs. */
const EMPTY_DAY = summariseRange([dayFacts({ day: '2026-11-24', attendance: [], shifts: [], sessions: [], participations: [] }, { timeZone: 'Europe/Paris', maxChildrenPerVolunteer: 8 })], []).days[0]!;
const summary = (overrides: Partial<DaySummary> = {}): DaySummary => ({ ...structuredClone(EMPTY_DAY), ...overrides });

describe('checkReportRange', () => {
  it.each<[string, string, string, string | number]>([
    ['one day', '2026-11-24', '2026-11-24', 1],
    ['a month', '2026-11-01', '2026-11-30', 30],
    ['a leap year exactly (366 days)', '2028-01-01', '2028-12-31', 366],
    ['367 days', '2026-01-01', '2027-01-02', 'too-long'],
    ['ten thousand years (answered at once)', '0100-01-01', '9999-12-31', 'too-long'],
    ['from after to', '2026-11-25', '2026-11-24', 'from-after-to'],
    ['a malformed from', '2026-1-5', '2026-11-24', 'bad-from'],
    ['a day that does not exist', '2026-11-24', '2026-02-30', 'bad-to'],
    ['empty', '', '2026-11-24', 'bad-from'],
  ])('%s', (_case, from, to, expected) => {
    const checked = checkReportRange(from, to);
    expect(checked.ok ? checked.days.length : checked.problem).toBe(expected);
  });
});

describe('suppressSmallCounts', () => {
  const day = summary({
    uniqueChildren: 12,
    newChildren: 3,
    visits: 4,
    byAgeBand: { '0-2': 1, '3-5': 0, '6-8': 5, '9-12': 6, '13-17': 0 },
    peakPresent: 9,
    peakAt: 1_764_000_000_000,
    presentByHour: { '10': 2, '11': 9 },
    averageVisitMinutes: 3,
    sessions: 2,
    sessionsByActivity: { art: { sessions: 2, participants: 7 } },
    volunteers: 1,
    volunteerMinutes: 2,
    minutesOverRatio: 4,
  });

  it('hides counts from 1 to k-1 as "<k", keeps 0 and counts of k or more', () => {
    const hidden = suppressSmallCounts(day, 5);
    expect([hidden.uniqueChildren, hidden.newChildren, hidden.visits, hidden.volunteers, hidden.sessions]).toEqual([12, '<5', '<5', '<5', '<5']);
    expect(hidden.byAgeBand).toEqual({ '0-2': '<5', '3-5': 0, '6-8': 5, '9-12': 6, '13-17': 0 });
    expect(hidden.presentByHour).toEqual({ '10': '<5', '11': 9 });
    expect(hidden.sessionsByActivity).toEqual({ art: { sessions: '<5', participants: 7 } });
  });

  it('leaves minutes, times and the ratio alone: they count nobody', () => {
    const hidden = suppressSmallCounts(day, 5);
    expect([hidden.averageVisitMinutes, hidden.volunteerMinutes, hidden.minutesOverRatio, hidden.peakAt]).toEqual([3, 2, 4, 1_764_000_000_000]);
  });

  it('hides nothing with a threshold of 0 or 1', () => {
    expect(suppressSmallCounts(day, 0)).toEqual(day);
    expect(suppressSmallCounts(day, 1)).toEqual(day);
  });
});

describe('reportCsv', () => {
  const report: RangeReport = {
    days: [
      summary({ day: '2026-11-23', uniqueChildren: 7, visits: 8, presentByHour: { '9': 2, '14': 6 }, sessionsByActivity: { music: { sessions: 1, participants: 6 } }, peakAt: 1_763_888_400_000, averageVisitMinutes: 42 }),
      summary({ day: '2026-11-24', uniqueChildren: 3, presentByHour: { '10': 3 }, sessionsByActivity: { art: { sessions: 2, participants: 3 } } }),
    ],
    total: summary({ day: undefined, uniqueChildren: 9, visits: 11 }),
  };

  it('has one column per figure, nested ones flattened with dots, hours and activities that any row has', () => {
    const columns = reportColumns(report);
    expect(columns.slice(0, 4)).toEqual(['day', 'uniqueChildren', 'newChildren', 'visits']);
    expect(columns).toContain('byAgeBand.0-2');
    expect(columns).toContain('byGender.unspecified');
    expect(columns.filter((c) => c.startsWith('presentByHour.'))).toEqual(['presentByHour.9', 'presentByHour.10', 'presentByHour.14']);
    expect(columns.filter((c) => c.startsWith('sessionsByActivity.'))).toEqual([
      'sessionsByActivity.art.sessions',
      'sessionsByActivity.art.participants',
      'sessionsByActivity.music.sessions',
      'sessionsByActivity.music.participants',
    ]);
  });

  it('gives a row per day and a total row, with missing hours as 0 and nulls empty', () => {
    const csv = reportCsv(report, 0);
    const [monday, tuesday, total, ...more] = csvRows(csv);
    expect(monday!.day).toBe('2026-11-23');
    expect(monday!['presentByHour.10']).toBe('0');
    expect(monday!['presentByHour.14']).toBe('6');
    expect(monday!.peakAt).toBe('1763888400000');
    expect(tuesday!.peakAt).toBe('');
    expect(tuesday!.averageVisitMinutes).toBe('');
    expect(tuesday!['sessionsByActivity.art.participants']).toBe('3');
    expect(tuesday!['sessionsByActivity.music.sessions']).toBe('0');
    expect(total!.day).toBe('total');
    expect(total!.visits).toBe('11');
    expect(more).toEqual([]);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('hides small counts with the threshold', () => {
    const [monday, tuesday] = csvRows(reportCsv(report, 5));
    expect(monday!['presentByHour.9']).toBe('<5');
    expect(monday!.uniqueChildren).toBe('7');
    expect(tuesday!.uniqueChildren).toBe('<5');
    expect(monday!.averageVisitMinutes).toBe('42');
  });

  it('gives just the header and a total row for an empty report', () => {
    const lines = reportCsv({ days: [], total: summary({ day: undefined }) }, 5).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]!.startsWith('total,0,0,0')).toBe(true);
  });
});
