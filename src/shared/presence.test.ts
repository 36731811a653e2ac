import { describe, expect, it } from 'vitest';
import { presentAt, type PresenceEvent } from './presence';

const ev = (id: string, subjectId: string, kind: 'in' | 'out', at: number, deleted = false): PresenceEvent => ({
  id,
  subjectId,
  entering: kind === 'in',
  at,
  deleted,
});

const present = (events: PresenceEvent[], t?: number) =>
  Object.fromEntries([...presentAt(events, t)].map(([subject, p]) => [subject, p.since]));

describe('presentAt', () => {
  it.each<[string, PresenceEvent[], number | undefined, Record<string, number>]>([
    ['no events: nobody', [], undefined, {}],
    ['one in', [ev('e1', 'c', 'in', 10)], undefined, { c: 10 }],
    ['in then out', [ev('e1', 'c', 'in', 10), ev('e2', 'c', 'out', 20)], undefined, {}],
    ['double check-in from two tablets: one visit from the first', [ev('e1', 'c', 'in', 10), ev('e2', 'c', 'in', 12)], undefined, { c: 10 }],
    ['out without an in changes nothing', [ev('e1', 'c', 'out', 5)], undefined, {}],
    ['out without an in, then in', [ev('e1', 'c', 'out', 5), ev('e2', 'c', 'in', 9)], undefined, { c: 9 }],
    ['undo of the out in the middle: still present', [ev('e1', 'c', 'in', 10), ev('e2', 'c', 'out', 20, true)], undefined, { c: 10 }],
    ['undo of the in: not present', [ev('e1', 'c', 'in', 10, true)], undefined, {}],
    ['events out of order are ordered by time', [ev('e2', 'c', 'out', 20), ev('e1', 'c', 'in', 10)], undefined, {}],
    ['same time: ordered by id', [ev('b', 'c', 'out', 10), ev('a', 'c', 'in', 10)], undefined, {}],
    ['same time, other ids: in wins last', [ev('a', 'c', 'out', 10), ev('b', 'c', 'in', 10)], undefined, { c: 10 }],
    ['at a time before the out', [ev('e1', 'c', 'in', 10), ev('e2', 'c', 'out', 20)], 15, { c: 10 }],
    ['at exactly the out', [ev('e1', 'c', 'in', 10), ev('e2', 'c', 'out', 20)], 20, {}],
    ['before anything', [ev('e1', 'c', 'in', 10)], 9, {}],
    ['two children', [ev('e1', 'a', 'in', 10), ev('e2', 'b', 'in', 11), ev('e3', 'a', 'out', 12)], undefined, { b: 11 }],
    ['second visit starts at its own in', [ev('e1', 'c', 'in', 10), ev('e2', 'c', 'out', 20), ev('e3', 'c', 'in', 30)], undefined, { c: 30 }],
  ])('%s', (_case, events, t, expected) => {
    expect(present(events, t)).toEqual(expected);
  });

  it('does not depend on the order events arrive in', () => {
    const events = [ev('e1', 'a', 'in', 10), ev('e2', 'a', 'in', 11), ev('e3', 'b', 'in', 12), ev('e4', 'a', 'out', 13), ev('e5', 'b', 'out', 14, true)];
    const expected = present(events);
    for (let i = 0; i < 20; i++) {
      const shuffled = [...events].sort(() => Math.random() - 0.5);
      expect(present(shuffled)).toEqual(expected);
    }
  });
});
