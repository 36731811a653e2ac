import { describe, expect, it } from 'vitest';
import { monthsBefore } from './dates';
import { firstKeptDay, firstKeptDayAt, isPurged } from './retention';

describe('monthsBefore', () => {
  it.each<[string, number, string]>([
    ['2026-12-01', 13, '2025-11-01'],
    ['2026-12-01', 0, '2026-12-01'],
    ['2026-03-31', 1, '2026-02-28'],
    ['2028-03-31', 1, '2028-02-29'],
    ['2026-01-15', 1, '2025-12-15'],
    ['2026-01-31', 13, '2024-12-31'],
    ['2026-05-31', 120, '2016-05-31'],
    ['2026-12-31', 2, '2026-10-31'],
    ['2026-12-31', 3, '2026-09-30'],
  ])('%s less %i months is %s', (day, months, expected) => {
    expect(monthsBefore(day, months)).toBe(expected);
  });

  it('refuses a count that is not a whole number from 0', () => {
    expect(() => monthsBefore('2026-12-01', -1)).toThrow(RangeError);
    expect(() => monthsBefore('2026-12-01', 1.5)).toThrow(RangeError);
  });
});

describe('retention', () => {
  it.each<[string, string, boolean]>([
    ['the day exactly 13 months before stays', '2025-11-01', false],
    ['the day before it goes', '2025-10-31', true],
    ['a year before goes', '2024-12-01', true],
    ['yesterday stays', '2026-11-30', false],
  ])('%s', (_case, day, purged) => {
    expect(isPurged(day, firstKeptDay('2026-12-01', 13))).toBe(purged);
  });

  it('counts from the centre\u2019s own day: 23:30 UTC on 30 November is already 1 December in Paris', () => {
    expect(firstKeptDayAt(Date.UTC(2026, 10, 30, 23, 30), 'Europe/Paris', 13)).toBe('2025-11-01');
    expect(firstKeptDayAt(Date.UTC(2026, 10, 30, 23, 30), 'UTC', 13)).toBe('2025-10-30');
  });
});
