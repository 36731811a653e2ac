import * as z from 'zod/mini';

// zod/mini rather than zod's classic API: the same zod 4, but tree-shakeable, which keeps the
// tablet's first load inside its budget (about 10 KB instead of 45 KB gzipped). Mini ships no
// messages: english-issues.ts gives them, on the server at start and on the tablet after Today.

export { z };

/** A record id: a UUIDv7 made on the device, or an id derived from a code, a day or a pair. */
export const recordId = z.string().check(z.minLength(1), z.maxLength(64));

/** 2000-01-01T00:00Z and 2200-01-01T00:00Z: the times a record may hold. */
export const EARLIEST_MS = 946_684_800_000;
export const LATEST_MS = 7_258_118_400_000;

/** Epoch milliseconds. Bounded so a garbage number cannot pass as a time (year 2000 to 2200). */
export const epochMs = z.int().check(z.minimum(EARLIEST_MS), z.maximum(LATEST_MS));

const HOUR_MS = 3_600_000;
/**
 * The first and last calendar days those times fall on in some zone (they run from UTC-12 to
 * UTC+14): no event can be on a day outside them, so a report never needs one; and a day past
 * 9999-12-31 has no YYYY-MM-DD form for date arithmetic to land on.
 */
export const FIRST_RECORDED_DAY = new Date(EARLIEST_MS - 12 * HOUR_MS).toISOString().slice(0, 10);
export const LAST_RECORDED_DAY = new Date(LATEST_MS + 14 * HOUR_MS).toISOString().slice(0, 10);

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `text` is a real calendar date written YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The centre's local calendar date, `YYYY-MM-DD`. */
export const day = z.string().check(z.refine(isCalendarDay, { message: 'must be a calendar date written YYYY-MM-DD' }));

/** `<ms>-<counter>-<node>` as sync-protocol.md specifies; string order is clock order. */
export const HLC_PATTERN = /^\d{13}-[0-9a-f]{4}-[0-9a-f]{16}$/;
export const hlc = z.string().check(z.regex(HLC_PATTERN, { message: 'must be an HLC like 1763942400000-0000-9f86d081884c7d65' }));

/** Short free text that must never hold a name: bounded; the table makes it optional or not. */
export const shortText = (max: number) => z.string().check(z.maxLength(max));

/**
 * A name someone typed (a volunteer's, a tablet's), checked but never changed: the tablet trims it
 * before writing (shared/shifts.ts normaliseDisplayName), and a schema that trimmed it again would
 * have the server store, under the sender's HLC, another value than the sender holds. So spaces
 * around it are refused rather than removed. `trim` is the test on both sides: it strips the same
 * spaces, tabs and line breaks as the tablet's normalising does.
 */
export const typedName = (max: number) =>
  z.string().check(
    z.minLength(1),
    // "Too small" like an empty name: a name of spaces alone is empty to whoever reads it.
    z.refine((text: string) => text.trim() !== '', { message: 'Too small: expected a character other than spaces' }),
    z.refine((text: string) => text === text.trim(), { message: 'must not start or end with a space or line break' }),
    z.maxLength(max),
  );

/**
 * One line that names the offending field, for a 400 or a message at a form field.
 * zod's own messages are in English; the path is what a caller needs to find the problem.
 */
export function describeIssues(error: z.core.$ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const segments = [prefix, ...issue.path.map(String)];
  let message = issue.message;
  // zod reports unknown keys at the object that holds them; name the first one as the field.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    segments.push(issue.keys[0]);
    message = issue.keys.length > 1 ? `unknown field (and ${issue.keys.slice(1).join(', ')})` : 'unknown field';
  }
  const path = segments.filter(Boolean).join('.');
  return path ? `${path}: ${message}` : message;
}
