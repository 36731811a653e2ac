import { centreDay, monthsBefore } from './dates';
import type { TableName } from './schema/tables';

/**
 * Retention (sync-protocol.md, Retention; product.md, Data protection): a day's row-level
 * records go once the day is more than `retentionMonths` calendar months before the centre's
 * current day. The same rule on the server and every tablet, so each replica purges its own rows
 * and no op is needed.
 */

/** The tables whose records have a day and are purged with it (participations by their session's). */
export const PURGED_TABLES: readonly TableName[] = ['attendance', 'shifts', 'sessions', 'participations', 'dayCloses'];

/**
 * The first day that is kept: every day before it is purged. 13 months before 1 December 2026 is
 * 1 November 2025, which is exactly 13 months before and stays; 31 October 2025 goes.
 */
export function firstKeptDay(today: string, retentionMonths: number): string {
  return monthsBefore(today, retentionMonths);
}

/** The first kept day for the centre at `now` (its current day in its time zone). */
export function firstKeptDayAt(now: number, timeZone: string, retentionMonths: number): string {
  return firstKeptDay(centreDay(now, timeZone), retentionMonths);
}

/** True when a record of `day` is purged under the bound. */
export const isPurged = (day: string, firstKept: string): boolean => day < firstKept;
