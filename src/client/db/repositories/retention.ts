import { addDays, centreDay } from '../../../shared/dates';
import { dayCloseId } from '../../../shared/ids';
import { firstKeptDay } from '../../../shared/retention';
import { readSettings } from '../../../shared/schema';
import type { DaybookDatabase } from '../core/database';
import { REMOVAL_SCOPE, removeRecords, type Removed } from '../core/removal';

/**
 * Retention on this tablet (sync-protocol.md, Retention): every record of a day more than the
 * centre's `retentionMonths` before today goes, without an op, as on the server, and the day
 * keeps its figures (core/removal.ts). One day per transaction, oldest first, with a pause
 * between, so a check-in never waits behind more than one day's deleting; then the children who
 * have no record left and were registered before the bound, a few at a time.
 */

/** Children looked at per transaction when purging those with no record left. */
const CHILDREN_PER_STEP = 50;

export type PurgeOutcome = { firstKept: string; days: number; records: number };

/** Lets a waiting check-in's transaction go first. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The days before `firstKept` that still have records on this tablet, oldest first. */
async function expiredDays(database: DaybookDatabase, firstKept: string): Promise<string[]> {
  const [attendance, shifts, sessions, closes] = await Promise.all([
    database.attendance.where('day').below(firstKept).uniqueKeys(),
    database.shifts.where('day').below(firstKept).uniqueKeys(),
    database.sessions.where('day').below(firstKept).uniqueKeys(),
    // Closes have no day index; their id is the day's (`day-YYYY-MM-DD`), which sorts the same.
    database.dayCloses.where(':id').between(dayCloseId('0000-01-01'), dayCloseId(firstKept)).primaryKeys(),
  ]);
  const days = new Set([...attendance, ...shifts, ...sessions].map(String));
  for (const id of closes) days.add(String(id).slice('day-'.length));
  return [...days].sort();
}

/**
 * How long a purged session is remembered after the bound passed its day. A late participation
 * comes only from a server that has not purged that day yet, and a server purges daily: a month
 * is ample, and keeps the row small (a busy centre runs about ten sessions a day).
 */
const REMEMBER_PURGED_SESSIONS_DAYS = 31;

/** The sessions purged recently, by id (see the meta row `purgedSessions`). */
export async function loadPurgedSessions(database: DaybookDatabase): Promise<Map<string, string>> {
  const row = await database.meta.get('purgedSessions');
  return new Map(row?.key === 'purgedSessions' ? Object.entries(row.days) : []);
}

/**
 * Adds sessions (id, day) to those remembered as purged, forgetting the ones whose day is long
 * before the bound. Call inside a transaction that holds `meta`, the one that purges them.
 */
export async function notePurgedSessions(database: DaybookDatabase, sessions: readonly (readonly [string, string])[], firstKept: string): Promise<void> {
  if (sessions.length === 0) return;
  const remembered = await loadPurgedSessions(database);
  for (const [id, day] of sessions) remembered.set(id, day);
  const forgetBefore = addDays(firstKept, -REMEMBER_PURGED_SESSIONS_DAYS);
  for (const [id, day] of remembered) if (day < forgetBefore) remembered.delete(id);
  await database.meta.put({ key: 'purgedSessions', days: Object.fromEntries(remembered) });
}

const count = (removed: Removed) => Object.values(removed).reduce((sum, n) => sum + n, 0);

/**
 * Applies retention now. `now` is the wall clock (tests set it); `onStep` hears after each
 * transaction (the benchmark times check-ins between them).
 */
export async function purgeExpired(database: DaybookDatabase, now = Date.now(), onStep?: () => Promise<void> | void): Promise<PurgeOutcome> {
  const settings = readSettings(await database.settings.toArray());
  const firstKept = firstKeptDay(centreDay(now, settings.timeZone), settings.retentionMonths);
  let records = 0;
  const days = await expiredDays(database, firstKept);
  for (const day of days) {
    const removed = await database.transaction('rw', [...REMOVAL_SCOPE, 'meta'], async () => {
      await notePurgedSessions(database, (await database.sessions.where('day').equals(day).primaryKeys()).map((id) => [String(id), day]), firstKept);
      return removeRecords(database, { days: [day], removes: () => true, childIds: [], standIn: () => undefined });
    });
    records += count(removed);
    await onStep?.();
    await pause();
  }
  // Late arrivals listed for purged days name records that are gone.
  await database.lateArrivals.where('day').below(firstKept).delete();
  const registeredBefore = (await database.children.where('registeredOn').below(firstKept).primaryKeys()).map(String);
  for (let i = 0; i < registeredBefore.length; i += CHILDREN_PER_STEP) {
    const batch = registeredBefore.slice(i, i + CHILDREN_PER_STEP);
    const removed = await database.transaction('rw', REMOVAL_SCOPE, async () => {
      const unused: string[] = [];
      for (const id of batch) {
        const [visit, session] = await Promise.all([database.attendance.where('childId').equals(id).first(), database.participations.where('childId').equals(id).first()]);
        if (visit === undefined && session === undefined) unused.push(id);
      }
      return unused.length === 0 ? {} : removeRecords(database, { days: [], removes: () => false, childIds: unused, standIn: () => undefined });
    });
    records += count(removed);
    await onStep?.();
    await pause();
  }
  await database.meta.put({ key: 'purgedOn', day: centreDay(now, settings.timeZone), firstKept });
  return { firstKept, days: days.length, records };
}

/** Whether retention has already run today (it runs on start and once a day). */
export async function purgedToday(database: DaybookDatabase, now = Date.now()): Promise<boolean> {
  const [settings, row] = await Promise.all([database.settings.toArray(), database.meta.get('purgedOn')]);
  const { timeZone, retentionMonths } = readSettings(settings);
  const today = centreDay(now, timeZone);
  return row?.key === 'purgedOn' && row.day === today && row.firstKept === firstKeptDay(today, retentionMonths);
}
