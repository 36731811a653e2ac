import { describe, expect, it } from 'vitest';
import { atLocalTime, centreDay } from './dates';
import type { PresenceEvent } from './presence';
import { visitLength, visitsOf } from './visits';

const ev = (id: string, subjectId: string, kind: 'in' | 'out', at: number, deleted = false): PresenceEvent => ({
  id,
  subjectId,
  entering: kind === 'in',
  at,
  deleted,
});
const short = (events: PresenceEvent[]) => visitsOf(events).map((v) => [v.subjectId, v.start, v.end]);

describe('visitsOf', () => {
  it.each<[string, PresenceEvent[], (string | number | null)[][]]>([
    ['no events', [], []],
    ['in then out', [ev('a', 'c', 'in', 10), ev('b', 'c', 'out', 20)], [['c', 10, 20]]],
    ['double check-in from two tablets: one visit from the first in', [ev('a', 'c', 'in', 10), ev('b', 'c', 'in', 12), ev('x', 'c', 'out', 20)], [['c', 10, 20]]],
    ['an out without an in changes nothing', [ev('a', 'c', 'out', 5)], []],
    ['an out without an in, then a visit', [ev('a', 'c', 'out', 5), ev('b', 'c', 'in', 9), ev('x', 'c', 'out', 15)], [['c', 9, 15]]],
    ['still open', [ev('a', 'c', 'in', 10)], [['c', 10, null]]],
    ['two visits', [ev('a', 'c', 'in', 10), ev('b', 'c', 'out', 20), ev('x', 'c', 'in', 30), ev('y', 'c', 'out', 40)], [['c', 10, 20], ['c', 30, 40]]],
    [
      'undo of the out in the middle joins the two visits into one',
      [ev('a', 'c', 'in', 10), ev('b', 'c', 'out', 20, true), ev('x', 'c', 'in', 30), ev('y', 'c', 'out', 40)],
      [['c', 10, 40]],
    ],
    ['undo of the in in the middle leaves the first visit open until the out', [ev('a', 'c', 'in', 10), ev('b', 'c', 'in', 15, true), ev('y', 'c', 'out', 40)], [['c', 10, 40]]],
    ['events arriving out of order', [ev('y', 'c', 'out', 40), ev('a', 'c', 'in', 10)], [['c', 10, 40]]],
    ['two children interleaved', [ev('a', 'k', 'in', 10), ev('b', 'j', 'in', 11), ev('c', 'k', 'out', 12), ev('d', 'j', 'out', 13)], [['k', 10, 12], ['j', 11, 13]]],
  ])('%s', (_case, events, expected) => {
    expect(short(events)).toEqual(expected);
  });

  it('gives the same visits whatever order the events arrive in', () => {
    const events = [ev('a', 'c', 'in', 10), ev('b', 'c', 'in', 11), ev('c', 'c', 'out', 20), ev('d', 'k', 'in', 12), ev('e', 'c', 'in', 30)];
    const expected = short(events);
    for (const order of [[4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 4, 0, 3, 2]]) expect(short(order.map((i) => events[i]!))).toEqual(expected);
  });
});

describe('visits and the centre’s day', () => {
  const paris = 'Europe/Paris';

  it('puts a late check-in and an early check-out on their own local days (the day boundary is local midnight)', () => {
    const late = atLocalTime('2026-11-24', '23:50', paris);
    const early = atLocalTime('2026-11-25', '00:10', paris);
    expect(centreDay(late, paris)).toBe('2026-11-24');
    expect(centreDay(early, paris)).toBe('2026-11-25');
    // 23:50 Paris is 22:50 UTC: the UTC date would have said the same day, but 00:10 is still the 24th in UTC.
    expect(new Date(early).toISOString().slice(0, 10)).toBe('2026-11-24');
    expect(visitLength(visitsOf([ev('a', 'c', 'in', late), ev('b', 'c', 'out', early)])[0]!)).toBe(20 * 60_000);
  });

  it('measures a visit across the spring-forward hour in real time: 01:30 to 03:30 is one hour', () => {
    const start = atLocalTime('2026-03-29', '01:30', paris);
    const end = atLocalTime('2026-03-29', '03:30', paris);
    expect(visitLength(visitsOf([ev('a', 'c', 'in', start), ev('b', 'c', 'out', end)])[0]!)).toBe(60 * 60_000);
  });

  it('measures a visit across the autumn change in real time: 01:30 to 03:30 is three hours', () => {
    const start = atLocalTime('2026-10-25', '01:30', paris);
    const end = atLocalTime('2026-10-25', '03:30', paris);
    expect(visitLength(visitsOf([ev('a', 'c', 'in', start), ev('b', 'c', 'out', end)])[0]!)).toBe(3 * 60 * 60_000);
  });
});
