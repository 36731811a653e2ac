import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AHEAD_MS, MAX_COUNTER, compareHlc, formatHlc, newNode, parseHlc, receive, tick, zeroHlc, type Hlc } from './hlc';

const NODE = '9f86d081884c7d65';
const OTHER = '0123456789abcdef';
const T = 1_763_942_400_000; // 2025-11-24T00:00:00Z
const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const DAY = 24 * HOUR;

const at = (ms: number, counter = 0, node = NODE): Hlc => ({ ms, counter, node });
const text = (ms: number, counter = 0, node = OTHER) => formatHlc({ ms, counter, node });

const arbNode = fc.stringMatching(/^[0-9a-f]{16}$/);
const arbHlc = fc.record({
  ms: fc.integer({ min: 0, max: 9_999_999_999_999 }),
  counter: fc.integer({ min: 0, max: MAX_COUNTER }),
  node: arbNode,
});

describe('formatHlc and parseHlc', () => {
  it.each([
    [at(T, 0), '1763942400000-0000-9f86d081884c7d65'],
    [at(T, 1), '1763942400000-0001-9f86d081884c7d65'],
    [at(T, 0xabc), '1763942400000-0abc-9f86d081884c7d65'],
    [at(T, MAX_COUNTER), '1763942400000-ffff-9f86d081884c7d65'],
    [at(0, 0, '0000000000000000'), '0000000000000-0000-0000000000000000'],
    [at(1, 0), '0000000000001-0000-9f86d081884c7d65'],
  ])('%j ↔ %s', (hlc, formatted) => {
    expect(formatHlc(hlc)).toBe(formatted);
    expect(parseHlc(formatted)).toEqual(hlc);
  });

  it.each([
    '',
    'garbage',
    '1763942400000-0000-9F86D081884C7D65', // upper-case hex
    '176394240000-0000-9f86d081884c7d65', // 12-digit ms
    '1763942400000-000-9f86d081884c7d65',
    '1763942400000-00000-9f86d081884c7d65',
    '1763942400000-0000-9f86d081884c7d6',
    '1763942400000-0000-9f86d081884c7d65 ',
    ' 1763942400000-0000-9f86d081884c7d65',
    '1763942400000-0000-9f86d081884c7d65-0',
    '1763942400000_0000_9f86d081884c7d65',
    '-763942400000-0000-9f86d081884c7d65',
    '1763942400000-00g0-9f86d081884c7d65',
  ])('parseHlc throws a clear error on %j', (malformed) => {
    expect(() => parseHlc(malformed)).toThrow(/malformed HLC .*expected <13-digit ms>-<4 hex counter>-<16 hex node>/);
  });

  it('quotes no more than the start of a long malformed text', () => {
    expect(() => parseHlc('x'.repeat(10_000))).toThrow(/^malformed HLC "x{40}": /);
  });

  it.each([
    ['a negative ms', at(-1)],
    ['a fractional ms', at(T + 0.5)],
    ['a 14-digit ms', at(10_000_000_000_000)],
    ['NaN', at(Number.NaN)],
    ['a counter past MAX_COUNTER', at(T, MAX_COUNTER + 1)],
    ['a negative counter', at(T, -1)],
    ['an upper-case node', at(T, 0, NODE.toUpperCase())],
    ['a short node', at(T, 0, 'abc')],
  ])('formatHlc throws on %s', (_case, hlc) => {
    expect(() => formatHlc(hlc)).toThrow(RangeError);
  });

  it('round trips any clock', () => {
    fc.assert(
      fc.property(arbHlc, (hlc) => {
        expect(parseHlc(formatHlc(hlc))).toEqual(hlc);
      }),
    );
  });

  it('orders strings as it orders (ms, counter, node)', () => {
    const tupleOrder = (a: Hlc, b: Hlc) => Math.sign(a.ms - b.ms) || Math.sign(a.counter - b.counter) || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
    const nearby = fc.record({ ms: fc.integer({ min: T - 2, max: T + 2 }), counter: fc.integer({ min: 0, max: 3 }), node: fc.constantFrom(NODE, OTHER) });
    fc.assert(
      fc.property(fc.oneof(arbHlc, nearby), fc.oneof(arbHlc, nearby), (a, b) => {
        expect(compareHlc(formatHlc(a), formatHlc(b))).toBe(tupleOrder(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [text(T, 0), text(T, 1), -1],
    [text(T, 1), text(T, 0), 1],
    [text(T, 0xffff), text(T + 1, 0), -1],
    [text(9, 0), text(10, 0), -1], // zero padding: '9' < '10' as clocks, not as bare text
    [text(T, 0, NODE), text(T, 0, OTHER), 1],
    [text(T), text(T), 0],
  ])('compareHlc(%s, %s) = %i', (a, b, expected) => {
    expect(compareHlc(a, b)).toBe(expected);
  });
});

describe('newNode and zeroHlc', () => {
  it('makes 16 lower-case hex digits, different every time', () => {
    const nodes = Array.from({ length: 1000 }, newNode);
    for (const node of nodes) expect(node).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(nodes).size).toBe(1000);
  });

  it('starts a clock below every real one', () => {
    expect(formatHlc(zeroHlc(NODE))).toBe('0000000000000-0000-9f86d081884c7d65');
    expect(tick(zeroHlc(NODE), T, 0)).toEqual(at(T, 0));
  });
});

describe('tick', () => {
  // Actual's timestamp tests: freeze the wall clock, walk it, and read the stamps.
  it('walks a device clock that jumps back an hour and forward a day', () => {
    const walk: Array<[wallNow: number, expected: string]> = [
      [T, '1763942400000-0000'],
      [T, '1763942400000-0001'], // same ms: the counter climbs
      [T + 1, '1763942400001-0000'], // ms advanced: counter resets
      [T + SECOND, '1763942401000-0000'],
      [T + SECOND - HOUR, '1763942401000-0001'], // clock set back an hour: ms holds
      [T + SECOND - HOUR + 5, '1763942401000-0002'],
      [T + 2 * SECOND, '1763942402000-0000'], // the wall clock catches up again
      [T + DAY, '1764028800000-0000'], // and jumps forward a day
      [T + 3 * SECOND, '1764028800000-0001'], // and back again
    ];
    let last = zeroHlc(NODE);
    const stamps: string[] = [];
    for (const [wallNow, expected] of walk) {
      last = tick(last, wallNow, 0);
      stamps.push(formatHlc(last));
      expect(formatHlc(last)).toBe(`${expected}-${NODE}`);
    }
    expect([...stamps].sort(compareHlc)).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  it.each([
    ['the same ms', at(T, 7), T, 0, at(T, 8)],
    ['a later ms', at(T, 7), T + 1, 0, at(T + 1, 0)],
    ['an earlier wall clock', at(T, 7), T - HOUR, 0, at(T, 8)],
    ['the counter at its last value', at(T, MAX_COUNTER - 1), T, 0, at(T, MAX_COUNTER)],
    ['the counter full: borrow a ms', at(T, MAX_COUNTER), T, 0, at(T + 1, 0)],
    ['the counter full, clock far back', at(T, MAX_COUNTER), T - DAY, 0, at(T + 1, 0)],
    ['a device 3 days behind, offset +3 days', at(T - DAY, 4), T - 3 * DAY, 3 * DAY, at(T, 0)],
    ['a device 3 days ahead, offset -3 days', at(T - DAY, 4), T + 3 * DAY, -3 * DAY, at(T, 0)],
    ['a fractional wall clock', at(T, 0), T + 1.7, 0, at(T + 1, 0)],
    ['a NaN wall clock', at(T, 3), Number.NaN, 0, at(T, 4)],
    ['an infinite offset', at(T, 3), T, Number.POSITIVE_INFINITY, at(T, 4)],
    ['a negative wall clock', at(T, 3), -5, 0, at(T, 4)],
  ])('%s', (_case, last, wallNow, serverOffset, expected) => {
    expect(tick(last, wallNow, serverOffset)).toEqual(expected);
  });

  it('keeps counting past an overflow, still increasing', () => {
    let last = at(T, MAX_COUNTER - 2);
    const stamps: string[] = [];
    for (let i = 0; i < 5; i++) {
      last = tick(last, T, 0);
      stamps.push(formatHlc(last).slice(0, 18));
    }
    expect(stamps).toEqual(['1763942400000-fffe', '1763942400000-ffff', '1763942400001-0000', '1763942400001-0001', '1763942400001-0002']);
  });

  it('gives a device 3 days behind sensible times once it knows the server offset', () => {
    const deviceWall = T - 3 * DAY;
    const offset = 3 * DAY; // learned from serverTime
    const stamped = tick(zeroHlc(NODE), deviceWall, offset);
    expect(Math.abs(stamped.ms - T)).toBeLessThan(SECOND);
  });

  it('never mutates last', () => {
    const last = Object.freeze(at(T, 3));
    expect(tick(last, T + 1, 0)).not.toBe(last);
    expect(last).toEqual(at(T, 3));
  });

  it('strictly increases over any walk of wall clocks and receives', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), wall: fc.integer({ min: T - 3 * DAY, max: T + 3 * DAY }), offset: fc.integer({ min: -DAY, max: DAY }) }),
      fc.record({ kind: fc.constant('receive' as const), remote: fc.integer({ min: T - 3 * DAY, max: T + 5 * DAY }), counter: fc.integer({ min: 0, max: MAX_COUNTER }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let last = zeroHlc(NODE);
        let highest = formatHlc(last);
        for (const s of steps) {
          if (s.kind === 'tick') {
            last = tick(last, s.wall, s.offset);
            const stamp = formatHlc(last);
            expect(compareHlc(stamp, highest)).toBe(1);
            highest = stamp;
          } else {
            const remote = text(s.remote, s.counter);
            last = receive(last, remote, T, 0);
            // Whatever was accepted, the next stamp must sort after it.
            if (last.ms === s.remote && last.counter === s.counter) expect(compareHlc(formatHlc(tick(last, T, 0)), remote)).toBe(1);
          }
        }
      }),
    );
  });
});

describe('receive', () => {
  const last = at(T, 5);
  it.each([
    ['a remote ahead', text(T + SECOND, 0), T, 0, at(T + SECOND, 0)],
    ['a remote ahead in the same ms', text(T, 9), T, 0, at(T, 9)],
    ['a remote exactly MAX_AHEAD_MS ahead', text(T + MAX_AHEAD_MS, 2), T, 0, at(T + MAX_AHEAD_MS, 2)],
    ['a remote ahead of our clock, within reach of the server clock', text(T + 2 * DAY), T, 2 * DAY, at(T + 2 * DAY, 0)],
  ])('moves forward to %s, keeping our node', (_case, remote, wallNow, offset, expected) => {
    expect(receive(last, remote, wallNow, offset)).toEqual(expected);
  });

  it.each([
    ['a remote behind', text(T - SECOND, 99)],
    ['a remote in the same ms, lower counter', text(T, 4)],
    ['the same (ms, counter) from another node', text(T, 5)],
    ['a remote 1 ms past MAX_AHEAD_MS', text(T + MAX_AHEAD_MS + 1)],
    ['a remote 3 days ahead', text(T + 3 * DAY)],
    ['an empty remote', ''],
    ['a malformed remote', 'garbage'],
    ['an upper-case remote', text(T + SECOND).toUpperCase()],
    ['a remote with a trailing space', `${text(T + SECOND)} `],
  ])('stays put for %s', (_case, remote) => {
    expect(receive(last, remote, T, 0)).toBe(last);
  });

  it('ignores a remote too far ahead of a device clock that is itself behind', () => {
    // Our wall clock reads 3 days behind; with the offset we still know where the server is.
    expect(receive(last, text(T + 2 * DAY), T - 3 * DAY, 0)).toBe(last);
    expect(receive(last, text(T + 2 * HOUR), T - 3 * DAY, 3 * DAY)).toEqual(at(T + 2 * HOUR, 0));
  });

  it('keeps a device 3 days ahead from pushing our clock forward', () => {
    const fastDevice = tick(zeroHlc(OTHER), T + 3 * DAY, 0);
    const ours = receive(last, formatHlc(fastDevice), T, 0);
    expect(ours).toBe(last);
    expect(tick(ours, T + 1, 0)).toEqual(at(T + 1, 0));
  });

  it('makes our next write sort after what we received', () => {
    const remote = text(T + HOUR, 42);
    const next = tick(receive(last, remote, T, 0), T, 0);
    expect(next).toEqual(at(T + HOUR, 43));
    expect(compareHlc(formatHlc(next), remote)).toBe(1);
  });
});
