import { tzOffset } from '@date-fns/tz';
import { isCalendarDay } from './schema/common';

/**
 * The centre's calendar, and the only module that knows about time zones. A `day` is the centre's
 * local date `YYYY-MM-DD` (product.md); times are epoch milliseconds.
 *
 * Everything goes through the zone's UTC offset at an instant (tzOffset, read from Intl), then
 * plain UTC arithmetic: a tablet may be set to any zone, and Date's local-time methods (which
 * TZDate builds on) resolve a repeated wall time by the device's zone, not the centre's.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const knownZones = new Map<string, boolean>();

/** True for a zone the platform's Intl knows by name (`Europe/Paris`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  const known = knownZones.get(tz);
  if (known !== undefined) return known;
  let valid = tz.trim() !== '';
  if (valid) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      valid = false;
    }
  }
  knownZones.set(tz, valid);
  return valid;
}

// An unknown zone or a NaN time would surface much later as a day 'NaN-NaN-NaN' stored in a
// record; failing here names the real problem.
function checkZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}"`);
}

function offsetAt(ms: number, timeZone: string): number {
  return tzOffset(timeZone, new Date(ms)) * MINUTE;
}

/** The centre's wall clock at `ms`, as a Date whose UTC fields read that wall clock. */
function wallClock(ms: number, timeZone: string): Date {
  checkZone(timeZone);
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  return new Date(ms + offsetAt(ms, timeZone));
}

function dayParts(day: string): [year: number, monthIndex: number, date: number] {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day written YYYY-MM-DD: "${day}"`);
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))];
}

/**
 * The instant a wall time names in the zone, resolved as Temporal's 'compatible' does: a wall
 * time the clocks skip (02:30 on spring-forward) is read with the offset before the change, so
 * it lands after the gap (03:30); one they repeat (02:30 on fall-back) is the earlier of the two.
 */
function instantOf(wall: number, timeZone: string): number {
  // No zone changes its offset twice within two days, so the offsets a day either side are the
  // only candidates.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const exact = [wall - before, wall - after].filter((t) => t + offsetAt(t, timeZone) === wall);
  return exact.length > 0 ? Math.min(...exact) : wall - before;
}

const pad = (n: number) => String(n).padStart(2, '0');


/** The centre's calendar date at `ms`. */
export function centreDay(ms: number, timeZone: string): string {
  return wallClock(ms, timeZone).toISOString().slice(0, 10);
}

/**
 * Epoch ms of the first instant of `day` in the zone: local midnight, or the first wall time that
 * exists where a zone skips midnight itself (Chile springs forward at 24:00).
 */
export function dayStart(day: string, timeZone: string): number {
  checkZone(timeZone);
  const [year, month, date] = dayParts(day);
  return instantOf(Date.UTC(year, month, date), timeZone);
}

/** The next day's start, so a day is [dayStart, dayEnd): 23 or 25 hours on the days clocks change. */
export function dayEnd(day: string, timeZone: string): number {
  return dayStart(addDays(day, 1), timeZone);
}

/** The local hour (0-23) at `ms`: what presence-per-hour groups by. */
export function localHour(ms: number, timeZone: string): number {
  return wallClock(ms, timeZone).getUTCHours();
}

/** 'HH:mm' on the centre's wall clock. */
export function localTime(ms: number, timeZone: string): string {
  const wall = wallClock(ms, timeZone);
  return `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Epoch ms of wall time `hhmm` on `day` (e.g. the lead checks everyone out "at 18:00"). A wall time
 * the clocks skip lands after the gap; one they repeat is the earlier of the two.
 */
export function atLocalTime(day: string, hhmm: string, timeZone: string): number {
  const match = HHMM.exec(hhmm);
  if (!match) throw new RangeError(`not a time written HH:mm: "${hhmm}"`);
  checkZone(timeZone);
  const [year, month, date] = dayParts(day);
  return instantOf(Date.UTC(year, month, date, Number(match[1]), Number(match[2])), timeZone);
}

/**
 * Calendar arithmetic on `YYYY-MM-DD`, no zone involved: a day is a date, not an instant, so UTC
 * serves (it has no clock changes to skip or repeat a day).
 */
export function addDays(day: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`days must be a whole number, not ${n}`);
  const [year, month, date] = dayParts(day);
  return new Date(Date.UTC(year, month, date + n)).toISOString().slice(0, 10);
}

/**
 * How many days from `from` to `to`, both included (0 or less when `to` is before `from`), worked
 * out without listing them: a range typed a digit at a time can span thousands of years.
 */
export function dayCount(from: string, to: string): number {
  const [fromYear, fromMonth, fromDate] = dayParts(from);
  const [toYear, toMonth, toDate] = dayParts(to);
  return (Date.UTC(toYear, toMonth, toDate) - Date.UTC(fromYear, fromMonth, fromDate)) / DAY + 1;
}

/**
 * The same date `n` calendar months earlier, or the month's last day where it has no such date
 * (31 March less one month is 28 or 29 February), as people count months.
 */
export function monthsBefore(day: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`months must be a whole number from 0, not ${n}`);
  const [year, month, date] = dayParts(day);
  const target = year * 12 + month - n;
  const targetYear = Math.floor(target / 12);
  const targetMonth = target - targetYear * 12;
  const lastDate = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth + 1).padStart(2, '0')}-${String(Math.min(date, lastDate)).padStart(2, '0')}`;
}

/** The first day of `day`'s month. */
export function firstOfMonth(day: string): string {
  dayParts(day);
  return `${day.slice(0, 8)}01`;
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function daysInRange(from: string, to: string): string[] {
  dayParts(from);
  dayParts(to);
  const days: string[] = [];
  // ISO days compare as strings, so no date parsing is needed to stop.
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** One local hour of a day: from `start` (epoch ms) until the next slot's start. */
export type HourSlot = { start: number; hour: number };

const QUARTER_HOUR = 15 * MINUTE;

/**
 * The local hours of `day`, in order: 24 on most days, 23 when the clocks go forward (the skipped
 * hour is missing) and 25 when they go back (the repeated hour appears twice). Every zone's offset
 * is a whole number of quarter hours, so reading the hour every 15 minutes finds each change;
 * the summary then reads hours from this list instead of asking Intl for every event.
 */
export function localHourSlots(day: string, timeZone: string): HourSlot[] {
  const start = dayStart(day, timeZone);
  const end = dayEnd(day, timeZone);
  const slots: HourSlot[] = [];
  for (let t = start; t < end; t += QUARTER_HOUR) {
    const hour = localHour(t, timeZone);
    const last = slots[slots.length - 1];
    // A new slot when the hour changes, and when 15 minutes loop back to the same hour (the
    // repeated hour on fall-back reads as the same number twice in a row, an hour apart).
    if (!last || last.hour !== hour || t - last.start >= HOUR) slots.push({ start: t, hour });
  }
  return slots;
}
