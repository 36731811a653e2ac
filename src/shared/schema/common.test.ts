import { describe, expect, it } from 'vitest';
import { day, describeIssues, epochMs, FIRST_RECORDED_DAY, hlc, isCalendarDay, LAST_RECORDED_DAY, recordId, typedName, z } from './common';

describe('isCalendarDay and day', () => {
  it.each([
    ['2026-03-29', true],
    ['2028-02-29', true],
    ['2000-01-01', true],
    ['2026-12-31', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-1-01', false],
    ['26-01-01', false],
    ['2026-01-01T00:00', false],
    [' 2026-01-01', false],
    ['', false],
  ])('%j is a calendar day: %s', (text, expected) => {
    expect(isCalendarDay(text)).toBe(expected);
    expect(day.safeParse(text).success).toBe(expected);
  });
});

describe('scalar schemas', () => {
  it.each([
    [recordId, 'a', true],
    [recordId, 'x'.repeat(64), true],
    [recordId, '', false],
    [recordId, 'x'.repeat(65), false],
    [epochMs, 1_763_942_400_000, true],
    [epochMs, 946_684_800_000, true],
    [epochMs, 946_684_799_999, false],
    [epochMs, 1_763_942_400_000.5, false],
    [epochMs, Number.NaN, false],
    [hlc, '1763942400000-0000-9f86d081884c7d65', true],
    [hlc, '1763942400000-0000-9f86d081884c7d6', false],
    [hlc, '1763942400000-0000-9F86D081884C7D65', false],
  ] as Array<[z.ZodMiniType, unknown, boolean]>)('%#: %j valid: %s', (schema, value, valid) => {
    expect(schema.safeParse(value).success).toBe(valid);
  });
});

describe('the days a record can be on', () => {
  it('run from the earliest time in UTC-12 to the latest in UTC+14', () => {
    expect([FIRST_RECORDED_DAY, LAST_RECORDED_DAY]).toEqual(['1999-12-31', '2200-01-01']);
  });
});

describe('typedName', () => {
  const problem = (text: unknown) => {
    const result = typedName(10).safeParse(text);
    return result.success ? 'valid' : describeIssues(result.error);
  };

  it.each([
    ['Sam', 'valid'],
    ['Sam B.', 'valid'],
    ['x'.repeat(10), 'valid'],
    ['x'.repeat(11), /^Too big/],
    ['', /^Too small/],
    ['  ', /^Too small: expected a character other than spaces$/],
    [' Sam', /^must not start or end with a space or line break$/],
    ['Sam\t', /^must not start or end with a space or line break$/],
    ['\u3000Sam', /^must not start or end with a space or line break$/],
    [3, /^Invalid input/],
  ])('%j → %s', (text, expected) => {
    expect(problem(text)).toMatch(expected);
  });

  it('gives back exactly what it was given', () => {
    expect(typedName(10).parse('Zoé  B')).toBe('Zoé  B');
  });
});

describe('describeIssues', () => {
  const problem = (schema: z.ZodMiniType, value: unknown, prefix?: string) => {
    const result = schema.safeParse(value);
    return result.success ? 'valid' : describeIssues(result.error, prefix);
  };
  const shape = z.strictObject({ a: z.object({ b: z.array(z.int()) }) });

  it.each([
    ['a top-level problem', z.int(), 'x', undefined, 'Invalid input: expected number, received string'],
    ['a nested path', shape, { a: { b: [1, 'x'] } }, undefined, 'a.b.1: Invalid input: expected number, received string'],
    ['a prefix', shape, { a: { b: 'x' } }, 'fields', 'fields.a.b: Invalid input: expected array, received string'],
    ['an unknown key', shape, { a: { b: [] }, name: 'Ali' }, undefined, 'name: unknown field'],
    ['unknown keys', shape, { a: { b: [] }, name: 'Ali', dob: 1 }, 'fields', 'fields.name: unknown field (and dob)'],
  ])('names the field for %s', (_case, schema, value, prefix, message) => {
    expect(problem(schema, value, prefix)).toBe(message);
  });

  it('falls back to a sentence when there is no issue', () => {
    expect(describeIssues(new z.core.$ZodError([]))).toBe('invalid input');
  });
});
