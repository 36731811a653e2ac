import { addDays, centreDay } from '../../../shared/dates';
import { dayCloseId } from '../../../shared/ids';
import { firstKeptDay } from '../../../shared/retention';
import { readSettings } from '../../../shared/schema';
import type { DaybookDatabase } from '../core/database';
import { sinceLastLocalWrite } from '../core/write';
import { applyRecordRemoval, planFromInputs, readRemovalInputs, recordKeysOfDay, REMOVAL_SCOPE, removeRecords, type Removed } from '../core/removal';

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

/** The quiet after a tap that a purge step waits for: a queue of children arriving goes first. */
const LULL_MS = 750;
/** A lull is waited for at most this many times per step, so retention still ends on a day of taps. */
const MAX_LULL_WAITS = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const idle = () =>
  new Promise<void>((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 0);
  });

/**
 * Before each step: waits until no check-in (or any local write) has begun for a moment, then for
 * the page to be idle. A step holds the tables a check-in writes for some tens of milliseconds
 * on a cheap tablet, and its working out takes the main thread: run in the gaps between taps, a
 * volunteer checking a queue of children in never waits behind it.
 */
async function pause(): Promise<void> {
  for (let waits = 0; waits < MAX_LULL_WAITS; waits++) {
    const since = sinceLastLocalWrite();
    if (since >= LULL_MS) break;
    await sleep(LULL_MS - since);
  }
  await idle();
}

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

/** Whether the day's records now are exactly those the plan deletes. */
function sameKeys(now: ReadonlyMap<string, readonly string[]>, planned: ReadonlyMap<string, readonly string[]>): boolean {
  for (const [table, ids] of now) {
    const goes = new Set(planned.get(table) ?? []);
    if (goes.size !== ids.length || ids.some((id) => !goes.has(id))) return false;
  }
  return true;
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
    await pause();
    const removal = { days: [day], removes: () => true, childIds: [], standIn: () => undefined };
    // Read in a read-only transaction, then worked out with no transaction open: the write that
    // follows only checks the day's keys and deletes, so a check-in waits for no more than that
    // (the figures' work on a day's 400 rows is most of a purge's time on a cheap tablet).
    const plan = planFromInputs(removal, await database.transaction('r', REMOVAL_SCOPE, () => readRemovalInputs(database, removal)));
    await pause();
    const removed = await database.transaction('rw', [...REMOVAL_SCOPE, 'meta'], async () => {
      const current = await recordKeysOfDay(database, day);
      await notePurgedSessions(database, (current.get('sessions') ?? []).map((id) => [id, day]), firstKept);
      // A pull that brought a record of this day meanwhile: plan again, inside the write.
      return sameKeys(current, plan.goes) ? applyRecordRemoval(database, plan) : removeRecords(database, removal);
    });
    records += count(removed);
    await onStep?.();
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
