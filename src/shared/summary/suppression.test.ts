import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRows } from '../../../tests/support/csv';
import { dayFacts } from './day-facts';
import { COMPLEMENTARY_MARK, reportCsv, suppressReport, suppressSmallCounts } from './report';
import { summariseRange } from './summarise';
import { centreRecords, RANDOM_CENTRE_CHILDREN, RANDOM_CENTRE_RULES, randomCentre, type RandomCentre } from '../../../tests/support/random-centre';
import { complementaryCells, determinedCells, type Relation } from './suppression';

const row = (total: string, ...parts: string[]): Relation => ({ total, parts });

describe('determinedCells', () => {
  // A 2×2 table with margins: a b | A ; c d | C ; column totals e f ; grand total g.
  const table = [row('A', 'a', 'b'), row('C', 'c', 'd'), row('e', 'a', 'c'), row('f', 'b', 'd'), row('g', 'A', 'C'), row('g2', 'e', 'f')];

  it.each<[string, Relation[], string[], string[]]>([
    ['one part of a row hidden: the total minus the rest', [row('T', 'a', 'b', 'c')], ['a'], ['a']],
    ['two parts of a row hidden: only their sum is known', [row('T', 'a', 'b', 'c')], ['a', 'b'], []],
    ['the total and one part hidden: only their difference is known', [row('T', 'a', 'b', 'c')], ['T', 'a'], []],
    ['every cell of a row hidden', [row('T', 'a', 'b')], ['T', 'a', 'b'], []],
    ['a cell in no relation is never worked out', [row('T', 'a', 'b')], ['z'], []],
    ['two cells of a table row: each is alone in its column', table, ['a', 'b'], ['a', 'b']],
    ['a rectangle of four cells: none is determined', table, ['a', 'b', 'c', 'd'], []],
    ['a cell, its row total and its column total: each has its own relation alone', table, ['a', 'A', 'e'], ['a', 'A', 'e']],
    ['the children and one age band, when the genders are all visible', [row('U', 'b1', 'b2'), row('U', 'g1', 'g2')], ['U', 'b1'], ['U', 'b1']],
    ['the children, one age band and one gender: a cycle through the outside', [row('U', 'b1', 'b2'), row('U', 'g1', 'g2')], ['U', 'b1', 'g1'], []],
  ])('%s', (_case, relations, hidden, expected) => {
    expect(determinedCells(relations, new Set(hidden)).sort()).toEqual([...expected].sort());
  });

  it('refuses relations that are not a table with margins', () => {
    expect(() => determinedCells([row('T', 'a'), row('U', 'a'), row('V', 'a')], new Set(['a']))).toThrow(/3 relations/);
    // a + b = T, a + c = U, b + c = V: a triangle of relations that no choice of signs turns into a
    // directed graph (a is then (T + U - V) / 2, which no bridge would show).
    expect(() => determinedCells([row('T', 'a', 'b'), row('U', 'a', 'c'), row('V', 'b', 'c')], new Set(['a']))).toThrow(/balance/);
  });
});

describe('complementaryCells', () => {
  it('hides the largest other cell of a row with one small count', () => {
    const values = new Map([['T', 10], ['a', 3], ['b', 7], ['c', 0]]);
    expect(complementaryCells(values, [row('T', 'a', 'b', 'c')], new Set(['a']))).toEqual(new Set(['T']));
  });

  it('hides nothing more when two small counts already cover each other', () => {
    const values = new Map([['T', 20], ['a', 3], ['b', 2], ['c', 15]]);
    expect(complementaryCells(values, [row('T', 'a', 'b', 'c')], new Set(['a', 'b']))).toEqual(new Set());
  });

  it('protects one small cell of a 2×2 table with the fewest cells: the other three corners', () => {
    const table = [row('A', 'a', 'b'), row('C', 'c', 'd'), row('e', 'a', 'c'), row('f', 'b', 'd'), row('g', 'A', 'C'), row('g', 'e', 'f')];
    const values = new Map([['a', 2], ['b', 30], ['c', 40], ['d', 50], ['A', 32], ['C', 90], ['e', 42], ['f', 80], ['g', 122]]);
    const secondary = complementaryCells(values, table, new Set(['a']));
    expect(secondary.size).toBe(3);
    expect(determinedCells(table, new Set(['a', ...secondary]))).toEqual([]);
  });
});

/**
 * The check of the issue, written apart from suppression.ts: read the CSV as a funder would,
 * write down every relation its rows and columns obey, and solve them exactly (rationals) over
 * the cells it hides. A hidden cell is worked out when its unit vector is in the row space.
 */
/** Every relation a funder can see the report's rows and columns obey, over `row:column` names. */
function relationsOf(rows: readonly Record<string, string>[]): { total: string; parts: string[] }[] {
  const columns = Object.keys(rows[0]!);
  const cell = (r: number, column: string) => `${r}:${column}`;
  const relations: { total: string; parts: string[] }[] = [];
  const bands = columns.filter((c) => c.startsWith('byAgeBand.'));
  const genders = columns.filter((c) => c.startsWith('byGender.'));
  const activitySessions = columns.filter((c) => /^sessionsByActivity\..+\.sessions$/.test(c));
  rows.forEach((_, r) => {
    relations.push({ total: cell(r, 'uniqueChildren'), parts: bands.map((c) => cell(r, c)) });
    relations.push({ total: cell(r, 'uniqueChildren'), parts: genders.map((c) => cell(r, c)) });
    if (activitySessions.length > 0) relations.push({ total: cell(r, 'sessions'), parts: activitySessions.map((c) => cell(r, c)) });
  });
  const last = rows.length - 1;
  const summedOverDays = columns.filter((c) => /^(newChildren|visits|presentByHour\.|sessions$|sessionsByActivity\.|volunteers$)/.test(c));
  for (const column of summedOverDays) relations.push({ total: cell(last, column), parts: rows.slice(0, last).map((_, r) => cell(r, column)) });
  return relations;
}

const cellText = (rows: readonly Record<string, string>[], name: string) => rows[Number(name.slice(0, name.indexOf(':')))]![name.slice(name.indexOf(':') + 1)]!;

function workedOut(csv: string): string[] {
  const rows = csvRows(csv);
  const relations = relationsOf(rows);
  const known = (name: string) => /^\d+$/.test(cellText(rows, name));
  const unknowns = [...new Set(relations.flatMap((relation) => [relation.total, ...relation.parts]))].filter((name) => !known(name));
  const index = new Map(unknowns.map((name, i) => [name, i]));
  // Each relation as integer coefficients over the unknowns (the known cells move to the constant).
  const matrix = relations.map((relation) => {
    const coefficients = new Array<bigint>(unknowns.length).fill(0n);
    const add = (name: string, sign: bigint) => {
      const i = index.get(name);
      if (i !== undefined) coefficients[i]! += sign;
    };
    add(relation.total, -1n);
    for (const part of relation.parts) add(part, 1n);
    return coefficients;
  });
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  // Gauss-Jordan without fractions: each row operation keeps integers, then divides by the gcd.
  const pivots: [column: number, row: number][] = [];
  let next = 0;
  for (let column = 0; column < unknowns.length && next < matrix.length; column++) {
    const found = matrix.findIndex((coefficients, r) => r >= next && coefficients[column] !== 0n);
    if (found === -1) continue;
    [matrix[next], matrix[found]] = [matrix[found]!, matrix[next]!];
    const pivot = matrix[next]!;
    for (let r = 0; r < matrix.length; r++) {
      if (r === next || matrix[r]![column] === 0n) continue;
      const factor = matrix[r]![column]!;
      const scaled = matrix[r]!.map((value, c) => value * pivot[column]! - pivot[c]! * factor);
      const divisor = scaled.reduce((acc, value) => gcd(acc, value), 0n);
      matrix[r] = divisor > 1n ? scaled.map((value) => value / divisor) : scaled;
    }
    pivots.push([column, next]);
    next += 1;
  }
  return pivots.filter(([column, r]) => matrix[r]!.every((value, c) => c === column || value === 0n)).map(([column]) => unknowns[column]!);
}

const CHILDREN = RANDOM_CENTRE_CHILDREN;
const centre = fc.tuple(randomCentre, fc.constantFrom(5, 10, 11)).map(([input, minCell]) => ({ ...input, minCell }));

function reportOf(input: Omit<RandomCentre, 'children'> & { children: { band: number; gender: number; registeredDay?: number }[] }) {
  const { records, children } = centreRecords({ ...input, children: input.children.map((c, i) => ({ registeredDay: i, ...c })) });
  return summariseRange(records.map((day) => dayFacts(day, RANDOM_CENTRE_RULES)), children);
}

describe('the funders\u2019 CSV with complementary suppression', () => {
  it('the check finds what the threshold alone gives away: a day\u2019s children less its visible age bands', () => {
    const report = reportOf({ days: 1, children: Array.from({ length: CHILDREN }, (_, i) => ({ band: i < 2 ? 0 : 2, gender: i % 2 })), visits: Array.from({ length: CHILDREN }, (_, i) => ({ child: i, day: 0, start: 600, length: 30 })), sessions: [], shifts: [] });
    const onlyThreshold = reportCsv({ days: report.days, total: report.total }, 0).split('\r\n');
    // The same CSV with the small cells hidden by the threshold only, as before this change.
    const header = onlyThreshold[0]!.split(',');
    const hidden = [report.days[0]!, report.total].map((summary) => suppressSmallCounts(summary, 5));
    const lines = [onlyThreshold[0], ...hidden.map((summary, i) => header.map((column) => (column === 'day' ? (i === 0 ? summary.day : 'total') : String(column.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key] ?? 0, summary)))).join(','))];
    expect(workedOut(lines.join('\r\n') + '\r\n')).toContain('0:byAgeBand.0-2');
    expect(workedOut(reportCsv(report, 5))).toEqual([]);
  });

  it('no hidden cell can be worked out exactly from the visible cells and the totals (property)', () => {
    fc.assert(
      fc.property(centre, (input) => {
        const report = reportOf(input);
        const plain = csvRows(reportCsv(report, 0));
        // The relations the check uses are true of the real figures.
        for (const relation of relationsOf(plain)) {
          expect(relation.parts.reduce((sum, part) => sum + Number(cellText(plain, part)), 0)).toBe(Number(cellText(plain, relation.total)));
        }
        const csv = reportCsv(report, input.minCell);
        const shown = csvRows(csv);
        shown.forEach((cells, r) => {
          for (const [column, text] of Object.entries(cells)) {
            const value = plain[r]![column]!;
            // Every count the funder sees is the true one; `<k` only hides 1 to k-1, `*` anything.
            if (text === `<${input.minCell}`) {
              expect(Number(value)).toBeGreaterThan(0);
              expect(Number(value)).toBeLessThan(input.minCell);
            } else if (text !== COMPLEMENTARY_MARK) expect(text).toBe(value);
            if (/^\d+$/.test(value) && Number(value) > 0 && Number(value) < input.minCell && !/Minutes|minutes|mostChildren|peakAt/.test(column)) expect(text).toBe(`<${input.minCell}`);
          }
        });
        expect(workedOut(csv)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the JSON report with minCell hides the same cells as the CSV', () => {
    // Two children of fourteen in the youngest band: that band is `<5`, and one more cell is `*`.
    const report = reportOf({ days: 2, children: Array.from({ length: CHILDREN }, (_, i) => ({ band: i < 2 ? 0 : 2, gender: i % 2 })), visits: Array.from({ length: 28 }, (_, i) => ({ child: i % CHILDREN, day: i % 2, start: 600, length: 30 })), sessions: [], shifts: [] });
    const output = suppressReport(report, 5);
    const csv = csvRows(reportCsv(report, 5));
    const flat = (summary: object, column: string) => String(column.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key] ?? 0, summary));
    [...output.days, output.total].forEach((summary, r) => {
      for (const column of Object.keys(csv[r]!)) if (column !== 'day' && csv[r]![column] !== '') expect(flat(summary, column), column).toBe(csv[r]![column]);
    });
    expect(Object.values(csv[0]!)).toContain(COMPLEMENTARY_MARK);
  });
});
