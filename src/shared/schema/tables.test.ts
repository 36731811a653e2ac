import { describe, expect, it } from 'vitest';
import { describeIssues } from './common';
import { TABLE_NAMES, opFieldsSchema, recordSchema, type TableName } from './tables';

const AT = 1_763_942_400_000;
const UUID = '019ab329-0000-7abc-8def-0123456789ab';

const valid: { [T in TableName]: Record<string, unknown> } = {
  children: { id: 'child-4173KL', code: '4173KL', ageBand: '6-8', gender: 'girl', languages: ['ar', 'ps'], registeredOn: '2026-03-29', deleted: false },
  attendance: { id: UUID, childId: 'child-4173KL', day: '2026-03-29', kind: 'in', at: AT, deleted: false },
  sessions: { id: UUID, day: '2026-03-29', activity: 'free-play', startedAt: AT, endedAt: null, place: 'yard', notes: 'rain at 3', deleted: false },
  participations: { id: `${UUID}:child-4173KL`, sessionId: UUID, childId: 'child-4173KL', deleted: true },
  volunteers: { id: UUID, displayName: 'Ana', active: true, deleted: false },
  shifts: { id: UUID, volunteerId: UUID, day: '2026-03-29', kind: 'off', at: AT, deleted: false },
  dayCloses: { id: 'day-2026-03-29', day: '2026-03-29', closedAt: AT, closedBy: UUID, notes: '', deleted: false },
  settings: { id: 'ratioLimits', value: { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true }, deleted: false },
  erasures: { id: 'child-4173KL', erasedAt: AT, deleted: false },
  registrations: {
    id: UUID,
    childId: 'child-4173KL',
    code: '4173KL',
    ageBand: '6-8',
    gender: 'girl',
    languages: [],
    registeredOn: '2026-03-29',
    at: AT,
    resolution: 'new-code',
    movedTo: 'child-4174KM',
    deleted: false,
  },
};

/** The message a bad record gets, or 'valid' when it parses. */
function problemWith(table: TableName, changes: Record<string, unknown>): string {
  const record: Record<string, unknown> = { ...valid[table], ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete record[key];
  const result = recordSchema(table).safeParse(record);
  return result.success ? 'valid' : describeIssues(result.error);
}

describe('recordSchema', () => {
  it('has a valid example for every table', () => {
    expect(Object.keys(valid).sort()).toEqual([...TABLE_NAMES].sort());
  });

  it.each(TABLE_NAMES)('parses a valid %s record', (table) => {
    expect(recordSchema(table).parse(valid[table])).toEqual(valid[table]);
  });

  it.each(TABLE_NAMES)('reads a %s record without `deleted` as not deleted', (table) => {
    const { deleted: _deleted, ...rest } = valid[table];
    expect(recordSchema(table).parse(rest)).toEqual({ ...rest, deleted: false });
  });

  it.each([
    ['children', { ageBand: '1-2' }, /^ageBand: Invalid option/],
    ['erasures', { erasedAt: 'today' }, /^erasedAt: /],
    ['registrations', { resolution: 'merge' }, /^resolution: Invalid option/],
    ['registrations', { code: 'ab-1' }, /^code: must be 1 to 12 letters or digits/],
    ['registrations', { childId: undefined }, /^childId: /],
    ['children', { ageBand: 4 }, /^ageBand: /],
    ['children', { gender: 'female' }, /^gender: Invalid option/],
    ['children', { code: '4173-kl' }, /^code: must be 1 to 12 letters or digits/],
    ['children', { code: '' }, /^code: /],
    ['children', { languages: ['Arabic'] }, /^languages\.0: must be an ISO 639 code/],
    ['children', { languages: 'ar' }, /^languages: /],
    ['children', { registeredOn: '2026-02-30' }, /^registeredOn: must be a calendar date/],
    ['children', { registeredOn: '29/03/2026' }, /^registeredOn: must be a calendar date/],
    ['children', { name: 'Ali' }, /^name: unknown field$/],
    ['children', { dateOfBirth: '2019-01-01', nationality: 'SY' }, /^dateOfBirth: unknown field \(and nationality\)$/],
    ['children', { code: undefined }, /^code: /],
    ['attendance', { kind: 'inn' }, /^kind: Invalid option/],
    ['attendance', { at: String(AT) }, /^at: Invalid input: expected number, received string/],
    ['attendance', { at: AT + 0.5 }, /^at: /],
    ['attendance', { at: 0 }, /^at: Too small/],
    ['attendance', { childId: 'x'.repeat(65) }, /^childId: Too big/],
    ['attendance', { day: '2026-3-29' }, /^day: must be a calendar date/],
    ['sessions', { notes: 'x'.repeat(501) }, /^notes: Too big/],
    ['sessions', { place: 'x'.repeat(61) }, /^place: Too big/],
    ['sessions', { activity: 'Art' }, /^activity: must be an activity type id/],
    ['sessions', { endedAt: undefined }, /^endedAt: /],
    ['sessions', { endedAt: 'later' }, /^endedAt: /],
    ['participations', { childId: '' }, /^childId: Too small/],
    ['volunteers', { displayName: '   ' }, /^displayName: Too small/],
    ['volunteers', { displayName: 'x'.repeat(41) }, /^displayName: Too big/],
    ['volunteers', { displayName: '' }, /^displayName: Too small/],
    ['volunteers', { displayName: '\tAnna ' }, /^displayName: must not start or end with a space/],
    ['volunteers', { displayName: ' Ana' }, /^displayName: must not start or end with a space/],
    ['volunteers', { displayName: 'Ana\n' }, /^displayName: must not start or end with a space/],
    ['volunteers', { displayName: '\u00a0Ana' }, /^displayName: must not start or end with a space/],
    ['settings', { value: 'x'.repeat(64 * 1024 - 1) }, /^value: Too big: a setting's value takes at most 64 KB as JSON$/],
    ['settings', { value: ['\u00e9'.repeat(32 * 1024)] }, /^value: Too big/],
    ['volunteers', { active: 'yes' }, /^active: .*expected boolean/],
    ['shifts', { kind: 'in' }, /^kind: Invalid option/],
    ['dayCloses', { notes: undefined }, /^notes: /],
    ['dayCloses', { notes: 'x'.repeat(501) }, /^notes: Too big/],
    ['settings', { value: undefined }, /^value: /],
    ['settings', { deleted: 'no' }, /^deleted: .*expected boolean/],
    ['children', { id: '' }, /^id: Too small/],
    ['attendance', { id: 'x'.repeat(65) }, /^id: Too big/],
  ] as Array<[TableName, Record<string, unknown>, RegExp]>)('%s with %j fails, naming the field', (table, changes, message) => {
    expect(problemWith(table, changes)).toMatch(message);
  });
});

describe('opFieldsSchema', () => {
  it.each([
    ['children', { ageBand: '9-12' }],
    ['attendance', { deleted: true }],
    ['sessions', { endedAt: AT }],
    ['sessions', { endedAt: null }],
    ['sessions', { notes: 'x'.repeat(500) }],
    ['settings', { value: ['any', { json: 1 }] }],
  ] as Array<[TableName, Record<string, unknown>]>)('accepts a %s write that sets %j', (table, fields) => {
    expect(opFieldsSchema(table).parse(fields)).toEqual(fields);
  });

  it.each([
    ['children', {}, /^must set at least one field$/],
    ['sessions', { place: undefined }, /^must set at least one field$/],
    ['children', { name: 'Ali' }, /^name: unknown field$/],
    ['children', { id: 'child-1' }, /^id: unknown field$/],
    ['sessions', { notes: 'x'.repeat(501) }, /^notes: Too big/],
    ['shifts', { day: '2026-02-30' }, /^day: must be a calendar date/],
    ['attendance', { kind: 'sideways' }, /^kind: Invalid option/],
    ['volunteers', { active: 1 }, /^active: /],
  ] as Array<[TableName, Record<string, unknown>, RegExp]>)('rejects a %s write of %j', (table, fields, message) => {
    const result = opFieldsSchema(table).safeParse(fields);
    expect(result.success ? 'valid' : describeIssues(result.error)).toMatch(message);
  });

  it('drops fields set to undefined, which JSON would drop on the way to the server', () => {
    const parsed = opFieldsSchema('sessions').parse({ endedAt: AT, place: undefined });
    expect(Object.keys(parsed)).toEqual(['endedAt']);
  });

  // The server stores what it accepts under the sender's HLC: a name changed on the way in
  // would be another value than the tablet holds, and the two would never converge.
  it.each(['Ana', 'Ana B.', 'Zoé', 'x'.repeat(40)])('takes the name %j exactly as written', (displayName) => {
    expect(opFieldsSchema('volunteers').parse({ displayName })).toEqual({ displayName });
  });

  it.each(['  Ana ', '\tAnna ', 'Ana\u2028'])('refuses the name %j rather than trimming it', (displayName) => {
    const result = opFieldsSchema('volunteers').safeParse({ displayName });
    expect(result.success ? 'valid' : describeIssues(result.error)).toBe('displayName: must not start or end with a space or line break');
  });

  it.each([
    ['a string of exactly 64 KB as JSON (quotes included)', 'x'.repeat(64 * 1024 - 2), true],
    ['one byte more', 'x'.repeat(64 * 1024 - 1), false],
    ['64 KB of two-byte characters, counted in UTF-8 bytes', 'é'.repeat(32 * 1024 - 1), true],
    ['one more of them', 'é'.repeat(32 * 1024), false],
  ])('bounds a setting value: %s', (_case, value, valid) => {
    expect(opFieldsSchema('settings').safeParse({ value }).success).toBe(valid);
  });
});
