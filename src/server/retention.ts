import { firstKeptDayAt } from '../shared/retention';
import { centreSettings, removeRecords } from './store/day-totals';
import { lockCentreForChanges } from './store/records';
import type { Store } from './store/types';

/**
 * Retention on the server (sync-protocol.md, Retention): every record of a day more than the
 * centre's `retentionMonths` before its current day is deleted, without an op (each tablet
 * applies the same rule to its own rows), and the day keeps its figures through a correction
 * (store/day-totals.ts). Then the children with no record left who were registered before the
 * bound. A month of days or a batch of children per transaction, under the centre's lock, so
 * pushes wait for one step at most, never for the whole purge.
 */

const DAYS_PER_STEP = 31;
const CHILDREN_PER_STEP = 200;
const DAY_TABLES = ['attendance', 'shifts', 'sessions', 'dayCloses'];

/** Purges one centre now; returns how many records were deleted. */
export async function purgeCentre(store: Store, centreId: string, now: number): Promise<number> {
  // The bound first, in its own step: from its commit on, an op for a purged day is not stored.
  const { firstKept, days } = await store.transaction(async (tx) => {
    await lockCentreForChanges(tx, centreId);
    const settings = await centreSettings(tx, centreId);
    const bound = firstKeptDayAt(now, settings.timeZone, settings.retentionMonths);
    await tx.query('UPDATE centres SET first_kept_day = $2 WHERE id = $1', [centreId, bound]);
    const expired = await tx.query<{ day: string }>(
      `SELECT DISTINCT fields->>'day' AS day FROM records
       WHERE centre_id = $1 AND tbl = ANY($2::text[]) AND fields ? 'day' AND fields->>'day' < $3 ORDER BY 1`,
      [centreId, DAY_TABLES, bound],
    );
    return { firstKept: bound, days: expired.map((row) => row.day) };
  });
  let purged = 0;
  for (let i = 0; i < days.length; i += DAYS_PER_STEP) {
    const step = days.slice(i, i + DAYS_PER_STEP);
    purged += await store.transaction(async (tx) => {
      await lockCentreForChanges(tx, centreId);
      return removeRecords(tx, centreId, { days: step, removes: () => true, childIds: [], standIn: () => undefined });
    });
  }
  for (;;) {
    const removed = await store.transaction(async (tx) => {
      await lockCentreForChanges(tx, centreId);
      const unused = await tx.query<{ id: string }>(
        `SELECT c.id FROM records c
         WHERE c.centre_id = $1 AND c.tbl = 'children' AND c.fields->>'registeredOn' < $2
           AND NOT EXISTS (
             SELECT 1 FROM records r
             WHERE r.centre_id = c.centre_id AND r.tbl IN ('attendance', 'participations') AND r.fields->>'childId' = c.id
           )
         ORDER BY c.id LIMIT $3`,
        [centreId, firstKept, CHILDREN_PER_STEP],
      );
      if (unused.length === 0) return undefined;
      return removeRecords(tx, centreId, { days: [], removes: () => false, childIds: unused.map((row) => row.id), standIn: () => undefined });
    });
    if (removed === undefined) break;
    purged += removed;
  }
  return purged;
}

/** Purges every centre now; returns how many records were deleted in all. */
export async function purgeAll(store: Store, now: number): Promise<number> {
  const centres = await store.query<{ id: string }>('SELECT id FROM centres ORDER BY id');
  let purged = 0;
  for (const { id } of centres) purged += await purgeCentre(store, id, now);
  return purged;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Purges on start (15 s after) and then once a day, while the server runs. A failed purge is logged (as a
 * count of nothing: no record content) and tried again the next day; it never stops the server.
 */
const FIRST_PURGE_AFTER_MS = 15_000;

export function startRetention(
  store: Store,
  options: { now?: () => number; firstAfterMs?: number; onError: (error: unknown) => void; onPurged?: (purged: number) => void },
): { stop: () => Promise<void> } {
  const now = options.now ?? Date.now;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(() => purgeAll(store, now()).then((purged) => options.onPurged?.(purged), options.onError));
  };
  // Shortly after start rather than at once: PGlite runs a purge's statements on the event loop,
  // and a server asked to stop just as it starts (a restart, a deploy) must hear the signal.
  const first = setTimeout(run, options.firstAfterMs ?? FIRST_PURGE_AFTER_MS);
  first.unref();
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
