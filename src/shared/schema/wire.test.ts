import { describe, expect, it } from 'vitest';
import { describeIssues } from './common';
import { MAX_OPS_PER_PUSH, MAX_SEQ, checkOp, pullPage, pullQuery, pullResponse, pushRequest, reportsQuery } from './wire';

const HLC = '1763942400000-0000-9f86d081884c7d65';
const AT = 1_763_942_400_000;
const UUID = '019ab329-0000-7abc-8def-0123456789ab';

const op = (table: string, fields: unknown, extra: Record<string, unknown> = {}) => ({ seq: 1, table, id: UUID, hlc: HLC, fields, ...extra });

describe('checkOp', () => {
  it.each([
    op('children', { code: '4173KL', ageBand: '6-8', gender: 'boy', languages: [], registeredOn: '2026-03-29', deleted: false }, { id: 'child-4173KL' }),
    op('attendance', { childId: 'child-4173KL', day: '2026-03-29', kind: 'out', at: AT, deleted: false }),
    op('attendance', { deleted: true }),
    op('sessions', { endedAt: AT }),
    op('participations', { sessionId: UUID, childId: 'child-4173KL', deleted: false }, { id: `${UUID}:child-4173KL` }),
    op('volunteers', { displayName: 'Sam', active: false }),
    op('shifts', { volunteerId: UUID, day: '2026-03-29', kind: 'on', at: AT }),
    op('dayCloses', { day: '2026-03-29', closedAt: AT, closedBy: UUID, notes: 'calm day' }, { id: 'day-2026-03-29' }),
    op('settings', { value: 'Europe/Paris' }, { id: 'timeZone' }),
    op('settings', { value: { opens: '09:00', closes: '18:00' } }, { id: 'openingHours' }),
    op('settings', { deleted: true }, { id: 'openingHours' }),
    // Stored as sent: `active` is filled in where the value is read (settings.ts).
    op('settings', { value: [{ id: 'art', label: 'Art' }] }, { id: 'activityTypes' }),
    op('volunteers', { displayName: 'Sam B.' }),
    op('attendance', { deleted: true }, { seq: MAX_SEQ }),
  ])('accepts a good $table op', (input) => {
    expect(checkOp(input)).toEqual({ ok: true, op: input });
  });

  it('ignores envelope keys it does not know, as an older server would', () => {
    expect(checkOp({ ...op('attendance', { deleted: true }), deviceId: 'd1' })).toEqual({ ok: true, op: op('attendance', { deleted: true }) });
  });

  it.each([
    ['no op at all', null, /^Invalid input: expected object, received null$/],
    ['a string', 'op', /^Invalid input: expected object/],
    ['seq 0', op('attendance', { deleted: true }, { seq: 0 }), /^seq: Too small/],
    ['a fractional seq', op('attendance', { deleted: true }, { seq: 1.5 }), /^seq: /],
    ['a seq as text', op('attendance', { deleted: true }, { seq: '1' }), /^seq: /],
    ['an unknown table', op('children_v2', { deleted: true }), /^table: Invalid option/],
    ['an empty id', op('attendance', { deleted: true }, { id: '' }), /^id: Too small/],
    ['a 65-character id', op('attendance', { deleted: true }, { id: 'x'.repeat(65) }), /^id: Too big/],
    ['a malformed hlc', op('attendance', { deleted: true }, { hlc: '1763942400000-0-9f86' }), /^hlc: must be an HLC/],
    ['an upper-case hlc', op('attendance', { deleted: true }, { hlc: HLC.toUpperCase() }), /^hlc: must be an HLC/],
    ['no fields', op('attendance', undefined), /^fields: /],
    ['fields as an array', op('attendance', [true]), /^fields: .*expected record/],
    ['an empty fields object', op('attendance', {}), /^fields: must set at least one field$/],
    ['an unknown field', op('children', { name: 'Ali' }), /^fields\.name: unknown field$/],
    ['the id inside fields', op('children', { id: 'child-1', ageBand: '3-5' }), /^fields\.id: unknown field$/],
    ['a wrong enum', op('children', { ageBand: '18+' }), /^fields\.ageBand: Invalid option/],
    ['a wrong type', op('attendance', { at: 'now' }), /^fields\.at: /],
    ['too-long notes', op('sessions', { notes: 'x'.repeat(501) }), /^fields\.notes: Too big/],
    ['a bad day', op('shifts', { day: '2026-02-30' }), /^fields\.day: must be a calendar date/],
    ['a bad code', op('children', { code: 'ab 12' }), /^fields\.code: /],
    ['a time before 2000', op('attendance', { at: 1000 }), /^fields\.at: Too small/],
    ['a seq beyond 2^52', op('attendance', { deleted: true }, { seq: MAX_SEQ + 1 }), /^seq: Too big/],
    ['a seq of 2^53 - 1', op('attendance', { deleted: true }, { seq: Number.MAX_SAFE_INTEGER }), /^seq: Too big/],
    ['a name with spaces around it', op('volunteers', { displayName: '\tAnna ' }), /^fields\.displayName: must not start or end with a space or line break$/],
    ['a name of spaces', op('volunteers', { displayName: '   ' }), /^fields\.displayName: Too small/],
    ['a setting the centre does not have', op('settings', { value: 1 }, { id: 'colour' }), /^id: not one of the centre's settings \(activityTypes, /],
    ['a setting named like a prototype key', op('settings', { deleted: true }, { id: 'constructor' }), /^id: not one of the centre's settings/],
    ['a setting its schema refuses', op('settings', { value: 0 }, { id: 'retentionMonths' }), /^fields\.value: Too small/],
    ['a setting of the wrong shape', op('settings', { value: { childrenPerVolunteer: 8 } }, { id: 'ratioLimits' }), /^fields\.value\.maxChildrenPerVolunteer: /],
    ['a null setting', op('settings', { value: null }, { id: 'openingHours' }), /^fields\.value: /],
    ['a setting over 64 KB', op('settings', { value: 'x'.repeat(70_000) }, { id: 'timeZone' }), /^fields\.value: Too big: a setting's value takes at most 64 KB/],
    ['a value 65 levels deep', op('settings', { value: nested(65) }, { id: 'activityTypes' }), /^fields\.value: nested more than 64 levels deep$/],
    ['a value 3,000 levels deep', op('settings', { value: nested(3000) }, { id: 'activityTypes' }), /^fields\.value: nested more than 64 levels deep$/],
    ['deep nesting in a field of another type', op('sessions', { notes: nested(100) }), /^fields\.notes: nested more than 64 levels deep$/],
    ['a __proto__ field', op('attendance', JSON.parse('{"deleted":true,"__proto__":{"deleted":false}}')), /^fields\.__proto__: unknown field$/],
    ['a constructor field', op('attendance', { deleted: true, constructor: 1 }), /^fields\.constructor: unknown field$/],
    ['a prototype key deep in a value', op('settings', { value: [{ id: 'art', label: 'Art', prototype: 1 }] }, { id: 'activityTypes' }), /^fields\.value\.0\.prototype: unknown field$/],
    ['a __proto__ key beside the envelope', JSON.parse(`{"seq":1,"table":"attendance","id":"a","hlc":"${HLC}","fields":{"deleted":true},"__proto__":{"x":1}}`), /^__proto__: unknown field$/],
  ])('rejects %s, naming the field', (_case, input, message) => {
    const result = checkOp(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('lets a value nested exactly 64 levels deep through to its schema', () => {
    expect(checkOp(op('settings', { value: nested(64) }, { id: 'timeZone' }))).toMatchObject({ ok: false, message: /^fields\.value: Invalid input/ });
    expect(checkOp(op('sessions', { notes: nested(64) }))).toMatchObject({ ok: false, message: /^fields\.notes: Invalid input/ });
  });
});

/** `[[...[]...]]`: `levels` arrays, one inside the other, built without recursion. */
function nested(levels: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe('pushRequest', () => {
  const seqs = (...list: number[]) => list.map((seq) => ({ seq, table: 'attendance' }));
  const problem = (body: unknown) => {
    const result = pushRequest.safeParse(body);
    return result.success ? 'valid' : describeIssues(result.error);
  };

  it.each([
    ['no ops', { protocol: 1, ops: [] }],
    ['increasing seqs', { protocol: 1, ops: seqs(1, 2, 3) }],
    ['increasing seqs with gaps', { protocol: 1, ops: seqs(5, 9, 200) }],
    ['exactly 1000 ops', { protocol: 1, ops: seqs(...Array.from({ length: MAX_OPS_PER_PUSH }, (_, i) => i + 1)) }],
    ['ops that fail their own checks', { protocol: 1, ops: [{ seq: 1, table: 'nope' }, { seq: 2 }] }],
  ])('accepts %s', (_case, body) => {
    expect(problem(body)).toBe('valid');
  });

  it.each([
    ['1001 ops', { protocol: 1, ops: seqs(...Array.from({ length: MAX_OPS_PER_PUSH + 1 }, (_, i) => i + 1)) }, /^ops: must hold at most 1000 ops$/],
    ['decreasing seqs', { protocol: 1, ops: seqs(2, 1) }, /^ops: ops must be in increasing seq order$/],
    ['a seq repeated', { protocol: 1, ops: seqs(1, 2, 2) }, /^ops: ops must be in increasing seq order$/],
    ['a seq going back later on', { protocol: 1, ops: seqs(1, 5, 3, 7) }, /^ops: ops must be in increasing seq order$/],
    ['an op without seq', { protocol: 1, ops: [{ seq: 1 }, { table: 'attendance' }] }, /^ops\.1\.seq: /],
    ['missing ops', { protocol: 1 }, /^ops: /],
    ['ops as an object', { protocol: 1, ops: { 0: { seq: 1 } } }, /^ops: /],
    ['missing protocol', { ops: [] }, /^protocol: /],
    ['protocol 0', { protocol: 0, ops: [] }, /^protocol: /],
    // The whole body: listed as one op's rejection, it would still be acknowledged, and the
    // device's acknowledged seq would then be above all its later ops.
    ['a seq beyond 2^52', { protocol: 1, ops: seqs(1, MAX_SEQ + 1) }, /^ops\.1\.seq: Too big: expected number to be <=4503599627370496$/],
    ['a seq of 2^53 - 1', { protocol: 1, ops: seqs(Number.MAX_SAFE_INTEGER) }, /^ops\.0\.seq: Too big/],
    ['an op that is not an object', { protocol: 1, ops: [{ seq: 1 }, null] }, /^ops\.1: Invalid input: expected object, received null$/],
  ])('rejects %s', (_case, body, message) => {
    expect(problem(body)).toMatch(message);
  });

  it('gives back the ops of the body themselves, a __proto__ key kept for checkOp to refuse', () => {
    const body: unknown = JSON.parse(`{"protocol":1,"ops":[{"seq":1,"__proto__":{"table":"settings"}}]}`);
    const parsed = pushRequest.parse(body);
    expect(parsed.ops[0]).toBe((body as { ops: unknown[] }).ops[0]);
    expect(Object.keys(parsed.ops[0]!)).toEqual(['seq', '__proto__']);
  });
});

describe('pullQuery', () => {
  it.each([
    [{}, { cursor: 0, limit: 1000, wait: 0 }],
    [{ cursor: '42', limit: '5000' }, { cursor: 42, limit: 5000, wait: 0 }],
    [{ cursor: '0', limit: '1', wait: '25' }, { cursor: 0, limit: 1, wait: 25 }],
    [{ cursor: '7', wait: '30' }, { cursor: 7, limit: 1000, wait: 30 }],
  ])('reads %j as %j', (query, expected) => {
    expect(pullQuery.parse(query)).toEqual(expected);
  });

  it.each([
    [{ limit: '0' }, /^limit: /],
    [{ limit: '5001' }, /^limit: /],
    [{ cursor: '-1' }, /^cursor: /],
    [{ cursor: 'abc' }, /^cursor: /],
    [{ wait: '31' }, /^wait: /],
    [{ wait: '-1' }, /^wait: /],
    [{ wait: '2.5' }, /^wait: /],
    [{ cursor: '1.5' }, /^cursor: /],
  ])('rejects %j', (query, message) => {
    const result = pullQuery.safeParse(query);
    expect(result.success ? 'valid' : describeIssues(result.error)).toMatch(message);
  });
});

describe('pullPage', () => {
  const pulled = (table: string, extra: Record<string, unknown> = {}) => ({ cursor: 7, table, id: UUID, fields: { deleted: false }, hlcs: { deleted: HLC }, ...extra });
  const body = (...changes: unknown[]) => ({ changes, nextCursor: 7, hasMore: false, serverTime: AT });

  it('reads a change for a table this version does not know, which the server’s own schema refuses', () => {
    const page = body(pulled('attendance'), pulled('futureTable'));
    expect(pullPage.parse(page)).toEqual(page);
    expect(pullResponse.safeParse(page).success).toBe(false);
  });

  it.each([
    ['an empty table name', pulled(''), /^changes\.0\.table: Too small/],
    ['a 65-character table name', pulled('t'.repeat(65)), /^changes\.0\.table: Too big/],
    ['a table that is not text', pulled('x', { table: 3 }), /^changes\.0\.table: /],
    ['a malformed hlc', pulled('futureTable', { hlcs: { deleted: 'soon' } }), /^changes\.0\.hlcs\.deleted: must be an HLC/],
    ['cursor 0', pulled('futureTable', { cursor: 0 }), /^changes\.0\.cursor: Too small/],
  ])('still refuses %s', (_name, change, message) => {
    const result = pullPage.safeParse(body(change));
    expect(result.success ? 'valid' : describeIssues(result.error)).toMatch(message);
  });
});

describe('reportsQuery', () => {
  it.each([
    [{ from: '2026-03-01', to: '2026-03-31' }, 'valid'],
    [{ from: '2026-03-01', to: '2026-03-31', format: 'csv', minCell: '5' }, 'valid'],
    [{ from: '2026-02-30', to: '2026-03-31' }, /^from: must be a calendar date/],
    [{ from: '2026-03-01', to: '2026-03-31', format: 'xlsx' }, /^format: /],
    [{ from: '2026-03-01', to: '2026-03-31', minCell: '-1' }, /^minCell: /],
    // The first and last days an event can be on, in UTC-12 and UTC+14.
    [{ from: '1999-12-31', to: '2000-01-01' }, 'valid'],
    [{ from: '2199-12-31', to: '2200-01-01' }, 'valid'],
    [{ from: '1999-12-30', to: '2000-01-01' }, /^from: must be a day from 1999-12-31 to 2200-01-01/],
    [{ from: '2200-01-01', to: '2200-01-02' }, /^to: must be a day from 1999-12-31 to 2200-01-01/],
    [{ from: '9999-12-30', to: '9999-12-31' }, /^from: must be a day from 1999-12-31 to 2200-01-01/],
  ])('%j → %s', (query, expected) => {
    const result = reportsQuery.safeParse(query);
    expect(result.success ? 'valid' : describeIssues(result.error)).toMatch(expected);
  });
});
