import { readSettings } from '../../shared/schema';
import {
  childrenNamed,
  dayFacts,
  factsKey,
  planRemoval,
  recordsByDay,
  summaryRules,
  withCorrection,
  type ChildRow,
  type DayCorrection,
  type DayFacts,
  type DayRows,
  type Removal,
  type SummaryRules,
} from '../../shared/summary';
import { childRow, dayRow, settingRow, type RecordRow } from './report-rows';
import type { Queryable, Store } from './types';

/**
 * The server's kept day totals (issue 11; sync-protocol.md, Erasure and Retention), as the tablet
 * keeps its own (client/db/repositories/summary.ts): each centre-day's facts, worked out by the
 * shared summary code and kept in `day_facts`, and the corrections that erasures and purges
 * made to a day's figures in `day_corrections`. A push deletes the kept facts of every day it
 * changes, in its own transaction; a report works out the days it does not find kept, and keeps
 * them only if no push or purge committed since it read them.
 */

const DAY_TABLES = ['attendance', 'shifts', 'sessions', 'dayCloses'] as const;

/** The rows of `days` (participations of their sessions), as a removal and a report read them. */
export async function rowsOfDays(q: Queryable, centreId: string, days: readonly string[]): Promise<DayRows> {
  const rows: DayRows = { attendance: [], shifts: [], sessions: [], participations: [], dayCloses: [] };
  if (days.length === 0) return rows;
  // The range first, which the day index scans in order; the list then keeps the days asked for
  // (a report's missing days are mostly a run of them, an erasure's a few anywhere).
  const sorted = [...days].sort();
  const found = await q.query<RecordRow>(
    `SELECT tbl, id, fields FROM records
     WHERE centre_id = $1 AND tbl = ANY($2::text[]) AND fields ? 'day' AND fields->>'day' BETWEEN $4 AND $5 AND fields->>'day' = ANY($3::text[])
     UNION ALL
     SELECT p.tbl, p.id, p.fields FROM records s
     JOIN records p ON p.centre_id = s.centre_id AND p.tbl = 'participations' AND p.fields->>'sessionId' = s.id
     WHERE s.centre_id = $1 AND s.tbl = 'sessions' AND s.fields ? 'day' AND s.fields->>'day' BETWEEN $4 AND $5 AND s.fields->>'day' = ANY($3::text[])`,
    [centreId, DAY_TABLES, sorted, sorted[0], sorted[sorted.length - 1]],
  );
  for (const row of found) dayRow(rows, row);
  return rows;
}

/** The children of these ids the centre holds. */
export async function childrenByIds(q: Queryable, centreId: string, ids: readonly string[]): Promise<ChildRow[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<RecordRow>(`SELECT tbl, id, fields FROM records WHERE centre_id = $1 AND tbl = 'children' AND id = ANY($2::text[])`, [centreId, ids]);
  return rows.map(childRow);
}

/** The centre's summary rules and retention, from its settings records. */
export async function centreSettings(q: Queryable, centreId: string) {
  const rows = await q.query<RecordRow>(`SELECT tbl, id, fields FROM records WHERE centre_id = $1 AND tbl = 'settings'`, [centreId]);
  return readSettings(rows.map(settingRow));
}

/** Forgets the kept facts of these days: their records changed. */
export async function forgetDayFacts(tx: Queryable, centreId: string, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  await tx.query('DELETE FROM day_facts WHERE centre_id = $1 AND day = ANY($2::text[])', [centreId, [...new Set(days)]]);
}

/** The kept facts of the days from `from` to `to` kept under `rules`. */
export async function keptDayFacts(q: Queryable, centreId: string, from: string, to: string, rules: SummaryRules): Promise<Map<string, DayFacts>> {
  const rows = await q.query<{ day: string; facts: DayFacts }>('SELECT day, facts FROM day_facts WHERE centre_id = $1 AND day BETWEEN $2 AND $3 AND rules_key = $4', [
    centreId,
    from,
    to,
    factsKey(rules),
  ]);
  return new Map(rows.map((row) => [row.day, row.facts]));
}

export async function dayCorrections(q: Queryable, centreId: string, from: string, to: string): Promise<DayCorrection[]> {
  const rows = await q.query<{ correction: DayCorrection }>('SELECT correction FROM day_corrections WHERE centre_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day', [centreId, from, to]);
  return rows.map((row) => row.correction);
}

/** What a report read: the centre's state it was worked out from, to keep facts only if it still holds. */
export interface FactsSnapshot {
  lastCursor: number;
  firstKeptDay: string | null;
}

export async function factsSnapshot(q: Queryable, centreId: string): Promise<FactsSnapshot> {
  const [row] = await q.query<{ last_cursor: number; first_kept_day: string | null }>('SELECT last_cursor, first_kept_day FROM centres WHERE id = $1', [centreId]);
  if (!row) throw new Error(`no centre ${centreId}`);
  return { lastCursor: row.last_cursor, firstKeptDay: row.first_kept_day };
}

/**
 * Keeps facts a report worked out, unless the centre changed since its snapshot. The share lock
 * waits for a push or purge holding the centre's lock to commit; one starting after waits for
 * this, and its DELETE then sees these rows. Without it, facts read before a push committed could
 * be kept after the push had forgotten that day's, and stay stale.
 */
export async function keepDayFacts(store: Store, centreId: string, snapshot: FactsSnapshot, facts: readonly DayFacts[], rules: SummaryRules): Promise<void> {
  if (facts.length === 0) return;
  await store.transaction(async (tx) => {
    const [row] = await tx.query<{ last_cursor: number; first_kept_day: string | null }>('SELECT last_cursor, first_kept_day FROM centres WHERE id = $1 FOR SHARE', [centreId]);
    if (!row || row.last_cursor !== snapshot.lastCursor || row.first_kept_day !== snapshot.firstKeptDay) return;
    await tx.query(
      `INSERT INTO day_facts (centre_id, day, rules_key, facts)
       SELECT $1, f.day, $2, f.facts FROM jsonb_to_recordset($3::jsonb) AS f(day text, facts jsonb)
       ON CONFLICT (centre_id, day) DO UPDATE SET rules_key = excluded.rules_key, facts = excluded.facts`,
      [centreId, factsKey(rules), JSON.stringify(facts.map((day) => ({ day: day.day, facts: day })))],
    );
  });
}

/** The facts of `days` worked out from their records. */
export async function factsFromRecords(q: Queryable, centreId: string, days: readonly string[], rules: SummaryRules): Promise<DayFacts[]> {
  const rows = await rowsOfDays(q, centreId, days);
  return recordsByDay(days, rows).map((day) => dayFacts(day, rules));
}

/**
 * Deletes records that the figures still count (an erasure, a purge) in the caller's transaction,
 * which holds the centre's lock: the rows go (no op: every replica applies the same rule), the
 * days they were on keep their figures through corrections, and their kept facts are forgotten.
 * The same plan as on a tablet (shared/summary/removal.ts). Returns how many records went.
 */
export async function removeRecords(tx: Queryable, centreId: string, removal: Removal): Promise<number> {
  const days = [...new Set(removal.days)].sort();
  const [rows, settings] = await Promise.all([rowsOfDays(tx, centreId, days), centreSettings(tx, centreId)]);
  const children = await childrenByIds(tx, centreId, [...new Set([...childrenNamed(rows), ...removal.childIds])]);
  const { goes, corrections } = planRemoval(removal, rows, children, summaryRules(settings));
  const keys: { tbl: string; id: string }[] = [...goes].flatMap(([table, ids]) => ids.map((id) => ({ tbl: table, id })));
  const removedChildren = children.filter((child) => removal.childIds.includes(child.id)).map((child) => child.id);
  for (const id of removedChildren) keys.push({ tbl: 'children', id });
  let removed = 0;
  if (keys.length > 0) {
    const deleted = await tx.query<{ id: string }>(
      `DELETE FROM records r USING jsonb_to_recordset($2::jsonb) AS k(tbl text, id text)
       WHERE r.centre_id = $1 AND r.tbl = k.tbl AND r.id = k.id RETURNING r.id`,
      [centreId, JSON.stringify(keys)],
    );
    removed += deleted.length;
  }
  if (removedChildren.length > 0) {
    // Their registrations carry the code: they go with the child.
    const registrations = await tx.query<{ id: string }>(
      `DELETE FROM records WHERE centre_id = $1 AND tbl = 'registrations' AND fields->>'childId' = ANY($2::text[]) RETURNING id`,
      [centreId, removedChildren],
    );
    removed += registrations.length;
  }
  await addCorrections(tx, centreId, corrections);
  await forgetDayFacts(tx, centreId, [...days, ...corrections.map((correction) => correction.day)]);
  return removed;
}

async function addCorrections(tx: Queryable, centreId: string, corrections: readonly DayCorrection[]): Promise<void> {
  if (corrections.length === 0) return;
  const kept = await tx.query<{ day: string; correction: DayCorrection }>('SELECT day, correction FROM day_corrections WHERE centre_id = $1 AND day = ANY($2::text[]) FOR UPDATE', [
    centreId,
    corrections.map((correction) => correction.day),
  ]);
  const byDay = new Map(kept.map((row) => [row.day, row.correction]));
  const combined = corrections.map((correction) => withCorrection(byDay.get(correction.day), correction));
  await tx.query(
    `INSERT INTO day_corrections (centre_id, day, correction)
     SELECT $1, c.day, c.correction FROM jsonb_to_recordset($2::jsonb) AS c(day text, correction jsonb)
     ON CONFLICT (centre_id, day) DO UPDATE SET correction = excluded.correction`,
    [centreId, JSON.stringify(combined.map((correction) => ({ day: correction.day, correction })))],
  );
}
