import { describe, expect, it } from 'vitest';
import { describeIssues } from './common';
import { MAX_OPS_PER_PUSH, checkOp, pullQuery, pushRequest, reportsQuery } from './wire';

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
    op('settings', { value: null }, { id: 'openingHours' }),
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
  ])('rejects %s, naming the field', (_case, input, message) => {
    const result = checkOp(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('returns the parsed fields, as the server stores them', () => {
    expect(checkOp(op('volunteers', { displayName: '  Sam ' }))).toEqual({ ok: true, op: op('volunteers', { displayName: 'Sam' }) });
  });
});

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
  ])('rejects %s', (_case, body, message) => {
    expect(problem(body)).toMatch(message);
  });
});

describe('pullQuery', () => {
  it.each([
    [{}, { cursor: 0, limit: 1000 }],
    [{ cursor: '42', limit: '5000' }, { cursor: 42, limit: 5000 }],
    [{ cursor: '0', limit: '1' }, { cursor: 0, limit: 1 }],
  ])('reads %j as %j', (query, expected) => {
    expect(pullQuery.parse(query)).toEqual(expected);
  });

  it.each([
    [{ limit: '0' }, /^limit: /],
    [{ limit: '5001' }, /^limit: /],
    [{ cursor: '-1' }, /^cursor: /],
    [{ cursor: 'abc' }, /^cursor: /],
    [{ cursor: '1.5' }, /^cursor: /],
  ])('rejects %j', (query, message) => {
    const result = pullQuery.safeParse(query);
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
  ])('%j → %s', (query, expected) => {
    const result = reportsQuery.safeParse(query);
    expect(result.success ? 'valid' : describeIssues(result.error)).toMatch(expected);
  });
});
