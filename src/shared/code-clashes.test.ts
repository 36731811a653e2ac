import { describe, expect, it } from 'vitest';
import { findCodeClashes, movedEventId, recordsThatMove, sameProfile, visitEventsThatMove, writerOf, type AttendanceFacts, type ChildRecordFacts, type RegistrationFacts } from './code-clashes';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const hlc = (ms: number, node: string, counter = 0) => `${String(ms).padStart(13, '0')}-${counter.toString(16).padStart(4, '0')}-${node}`;
const T = 1_764_000_000_000;

function registration(id: string, node: string, ms: number, profile: string, more: Partial<RegistrationFacts> = {}): RegistrationFacts {
  const [ageBand, gender] = profile.split(' ') as [string, string];
  return { id, childId: 'child-1000A6', code: '1000A6', ageBand, gender, at: ms, issued: false, resolution: null, deleted: false, registeredHlc: hlc(ms, node), ...more };
}

describe('findCodeClashes', () => {
  it.each([
    ['one registration', [registration('r1', A, T, '6-8 girl')], []],
    ['the same child registered on two tablets', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '6-8 girl')], []],
    ['two children under one code', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '3-5 boy')], [['r1', 'r2']]],
    ['an age band apart', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '9-12 girl')], [['r1', 'r2']]],
    ['a gender apart', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '6-8 other')], [['r1', 'r2']]],
    ['one of them undone', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '3-5 boy', { deleted: true })], []],
    ['answered: the same child', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '3-5 boy', { resolution: 'same-child' })], []],
    ['answered: a new code', [registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '3-5 boy', { resolution: 'new-code' })], []],
    [
      'three, two alike: all three shown',
      [registration('r3', A, T + 9, '6-8 girl'), registration('r1', A, T, '6-8 girl'), registration('r2', B, T + 5, '3-5 boy')],
      [['r1', 'r2', 'r3']],
    ],
    [
      'one code issued on two tablets, children alike: still two children',
      [registration('r1', A, T, '6-8 girl', { issued: true }), registration('r2', B, T + 5, '6-8 girl', { issued: true })],
      [['r1', 'r2']],
    ],
    ['issued once, typed once from the card, alike: one child', [registration('r1', A, T, '6-8 girl', { issued: true }), registration('r2', B, T + 5, '6-8 girl')], []],
    [
      'issued twice, one answered as the same child',
      [registration('r1', A, T, '6-8 girl', { issued: true }), registration('r2', B, T + 5, '6-8 girl', { issued: true, resolution: 'same-child' })],
      [],
    ],
    ['the same tablet twice (restored from a backup)', [registration('r1', A, T, '6-8 girl'), registration('r2', A, T + 86_400_000, '13-17 boy')], [['r1', 'r2']]],
  ] as const)('%s', (_case, registrations, expected) => {
    expect(findCodeClashes(registrations).map((clash) => clash.registrations.map((r) => r.id))).toEqual(expected);
  });

  it('keeps each child apart and sorts clashes by code', () => {
    const other = (id: string, profile: string, ms: number) => ({ ...registration(id, B, ms, profile), childId: 'child-0999A1', code: '0999A1' });
    const clashes = findCodeClashes([
      registration('r1', A, T, '6-8 girl'),
      registration('r2', B, T + 1, '3-5 boy'),
      other('o1', '6-8 girl', T),
      other('o2', '6-8 boy', T + 2),
    ]);
    expect(clashes.map((clash) => [clash.code, clash.registrations.length])).toEqual([
      ['0999A1', 2],
      ['1000A6', 2],
    ]);
  });
});

describe('sameProfile', () => {
  it.each([
    ['6-8', 'girl', '6-8', 'girl', true],
    ['6-8', 'girl', '6-8', 'boy', false],
    ['6-8', 'girl', '3-5', 'girl', false],
  ])('%s %s vs %s %s -> %s', (ageBand, gender, otherBand, otherGender, same) => {
    expect(sameProfile({ ageBand, gender }, { ageBand: otherBand, gender: otherGender })).toBe(same);
  });
});

describe('recordsThatMove', () => {
  const move = { childId: 'child-1000A6', registeredHlc: hlc(T, B), resolvedHlc: hlc(T + 3_600_000, A) };
  const record = (id: string, createdHlc: string, more: Partial<ChildRecordFacts> = {}): ChildRecordFacts => ({ id, childId: 'child-1000A6', deleted: false, createdHlc, ...more });

  it.each([
    ['written by the registering tablet after the registration', record('e1', hlc(T, B, 1)), true],
    ['written by the registering tablet an hour later', record('e1', hlc(T + 3_000_000, B)), true],
    ['written by another tablet', record('e1', hlc(T + 60_000, A)), false],
    ['written by the registering tablet before the registration', record('e1', hlc(T - 1, B)), false],
    ['the registration write itself', record('e1', hlc(T, B)), false],
    ['written after the lead answered (that tablet knew by then)', record('e1', hlc(T + 3_600_001, B)), false],
    ['voided', record('e1', hlc(T + 60_000, B), { deleted: true }), false],
    ['of another child', record('e1', hlc(T + 60_000, B), { childId: 'child-0999A1' }), false],
  ] as const)('%s: moves %s', (_case, candidate, moves) => {
    expect(recordsThatMove(move, [candidate]).length === 1).toBe(moves);
  });
});

describe('visitEventsThatMove', () => {
  const move = { childId: 'child-1000A6', registeredHlc: hlc(T, B), resolvedHlc: hlc(T + 3_600_000, A) };
  const event = (id: string, kind: 'in' | 'out', minute: number, node: string, more: Partial<AttendanceFacts> = {}): AttendanceFacts => ({
    id,
    childId: 'child-1000A6',
    kind,
    at: T + minute * 60_000,
    deleted: false,
    createdHlc: hlc(T + minute * 60_000, node, 1),
    ...more,
  });
  const moved = (events: AttendanceFacts[]) => visitEventsThatMove(move, events).map((e) => e.id).sort();

  it.each([
    ['a visit begun and ended on the registering tablet', [event('i', 'in', 1, B), event('o', 'out', 5, B)], ['i', 'o']],
    ['a visit begun there and ended on another tablet: the whole visit moves', [event('i', 'in', 1, B), event('o', 'out', 5, A)], ['i', 'o']],
    ['a check-out on the registering tablet: its child left', [event('i', 'in', 1, A), event('o', 'out', 5, B)], ['o']],
    ['a check-in on another tablet is its own child coming', [event('i', 'in', 1, B), event('i2', 'in', 2, A)], ['i']],
    ['with both in, another tablet’s check-out is its own child’s', [event('i', 'in', 1, B), event('j', 'in', 2, A), event('o', 'out', 5, A)], ['i']],
    [
      'both children coming and going',
      [event('i', 'in', 1, B), event('o', 'out', 5, A), event('j', 'in', 10, A), event('p', 'out', 15, B), event('q', 'out', 16, A)],
      ['i', 'o', 'p'],
    ],
    ['a stray check-out from the registering tablet', [event('o', 'out', 5, B)], ['o']],
    ['a voided check-in does not begin a visit', [event('i', 'in', 1, B, { deleted: true }), event('o', 'out', 5, B)], ['o']],
    ['a visit of another child', [event('i', 'in', 1, B, { childId: 'child-0999A1' })], []],
  ] as const)('%s', (_case, events, expected) => {
    expect(moved([...events])).toEqual([...expected].sort());
  });
});

describe('movedEventId', () => {
  it('is the same on every replica, differs by event and by child, and fits a record id', () => {
    const id = '019ab329-0000-7abc-8def-0123456789ab';
    expect(movedEventId(id, 'child-1001A4')).toBe(movedEventId(id, 'child-1001A4'));
    expect(movedEventId(id, 'child-1001A4')).not.toBe(movedEventId(id, 'child-1002A2'));
    expect(movedEventId(id, 'child-1001A4')).not.toBe(movedEventId(id.replace('ab', 'ac'), 'child-1001A4'));
    expect(movedEventId(id, 'child-1001A4')).toMatch(/^moved-[0-9a-f]{16}$/);
    // Moved again (the new code clashed too), it still fits.
    expect(movedEventId(movedEventId(id, 'child-1001A4'), 'child-123456789012').length).toBeLessThanOrEqual(64);
  });

  it('reads the writer of a clock', () => {
    expect(writerOf(hlc(T, B))).toBe(B);
  });
});
