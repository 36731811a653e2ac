import { HLC_PATTERN } from './schema/common';

/**
 * The hybrid logical clock of sync-protocol.md ("HLC format"): `<ms>-<counter>-<node>`, fixed
 * width, so string order is clock order and the server can compare HLCs in SQL as text.
 * Every function takes the wall clock as an argument: tests freeze and walk it.
 */

export type Hlc = { ms: number; counter: number; node: string };

export const MAX_COUNTER = 0xffff;
/** A remote clock further ahead than this is a device with a wrong clock, not a faster writer. */
export const MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

const MAX_MS = 9_999_999_999_999; // 13 digits: the year 2286
const NODE_PATTERN = /^[0-9a-f]{16}$/;

/** Throws on a value that would not survive parseHlc: that is a bug in the caller, not bad input. */
export function formatHlc(h: Hlc): string {
  if (!Number.isSafeInteger(h.ms) || h.ms < 0 || h.ms > MAX_MS) throw new RangeError(`HLC ms out of range: ${h.ms}`);
  if (!Number.isInteger(h.counter) || h.counter < 0 || h.counter > MAX_COUNTER) {
    throw new RangeError(`HLC counter out of range: ${h.counter}`);
  }
  if (!NODE_PATTERN.test(h.node)) throw new RangeError(`HLC node must be 16 lower-case hex digits: "${h.node}"`);
  return `${String(h.ms).padStart(13, '0')}-${h.counter.toString(16).padStart(4, '0')}-${h.node}`;
}

export function parseHlc(text: string): Hlc {
  if (typeof text !== 'string' || !HLC_PATTERN.test(text)) {
    // Quote only the start: the text may be a whole request body sent by mistake.
    const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 40)) : typeof text;
    throw new Error(`malformed HLC ${shown}: expected <13-digit ms>-<4 hex counter>-<16 hex node>`);
  }
  return { ms: Number(text.slice(0, 13)), counter: parseInt(text.slice(14, 18), 16), node: text.slice(19) };
}

/** Made once, when the local database is created (sync-protocol.md "Device behaviour"). */
export function newNode(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function zeroHlc(node: string): Hlc {
  return { ms: 0, counter: 0, node };
}

/** The clock the device believes the server has; a wrong device clock is corrected by the offset. */
function correctedNow(wallNow: number, serverOffset: number): number {
  const now = Math.floor(wallNow + serverOffset);
  // A NaN or absurd clock must not stop the write or poison the HLC: fall back on the last stamp.
  return Number.isSafeInteger(now) && now >= 0 && now <= MAX_MS ? now : 0;
}

function after(a: Hlc, b: Hlc): boolean {
  return a.ms > b.ms || (a.ms === b.ms && a.counter > b.counter);
}

/**
 * The stamp for a local write. Strictly greater than `last` whatever the wall clock does: when it
 * jumps back, ms holds and the counter climbs. Never throws: a volunteer's tap is never refused
 * because of the clock.
 */
export function tick(last: Hlc, wallNow: number, serverOffset: number): Hlc {
  const ms = Math.max(last.ms, correctedNow(wallNow, serverOffset));
  if (ms > last.ms) return { ms, counter: 0, node: last.node };
  // 65,536 writes within one ms only happen when the clock stood still for long (jumped far back):
  // borrowing a millisecond from the future keeps the order and the fixed width.
  if (last.counter >= MAX_COUNTER) return { ms: ms + 1, counter: 0, node: last.node };
  return { ms, counter: last.counter + 1, node: last.node };
}

/**
 * Moves `last` up to a clock seen in a pull or push, so our next write sorts after everything we
 * have seen. Ignores a malformed remote, and one more than MAX_AHEAD_MS ahead of our corrected
 * clock: one device with a clock set days ahead must not drag every other device's clock along.
 */
export function receive(last: Hlc, remote: string, wallNow: number, serverOffset: number): Hlc {
  if (typeof remote !== 'string' || !HLC_PATTERN.test(remote)) return last;
  const seen = parseHlc(remote);
  if (seen.ms > correctedNow(wallNow, serverOffset) + MAX_AHEAD_MS) return last;
  return after(seen, last) ? { ms: seen.ms, counter: seen.counter, node: last.node } : last;
}

/** Fixed width makes string order the clock order: (ms, counter, node). */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
