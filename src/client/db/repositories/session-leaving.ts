import { centreDay } from '../../../shared/dates';
import type { Fields } from '../../../shared/schema';
import { sessionState } from '../../../shared/sessions';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, writeInTransaction } from '../core/write';
import { assertDayWritable } from './day-guard';
import { loadSettings } from './settings';

/**
 * A child leaving the running sessions they are in, which checking them out or closing the day
 * does, and the Undo of any session action. Apart from sessions.ts so that Today's check-out
 * carries only this into the first load, not the whole of the sessions screen's writes.
 */

export type RecordBefore =
  | { table: 'sessions'; id: string; fields: Partial<Fields<'sessions'>> }
  | { table: 'participations'; id: string; fields: Partial<Fields<'participations'>> };

/** What an action changed, for `undoSessionChange`. Empty `before` when it changed nothing. */
export type SessionChange = { day: string; before: RecordBefore[] };

/** The sessions the child is in now (not left) among the running ones of `day`, other than `exceptSessionId`. */
export async function runningParticipationsOf(database: DaybookDatabase, childId: string, day: string, exceptSessionId?: string): Promise<Stored<'participations'>[]> {
  const rows = (await database.participations.where('childId').equals(childId).toArray()).filter(
    (row) => !row.deleted && row.leftAt == null && row.sessionId !== undefined && row.sessionId !== exceptSessionId,
  );
  const sessions = await database.sessions.bulkGet(rows.map((row) => row.sessionId!));
  return rows.filter((_, index) => {
    const session = sessions[index];
    return session !== undefined && session.day === day && sessionState(session) === 'running';
  });
}

/**
 * Notes when the children left their sessions (their participations stay: they took part), and
 * the previous state for Undo.
 */
export async function leave(database: DaybookDatabase, rows: readonly Stored<'participations'>[], before: RecordBefore[], now: number): Promise<void> {
  for (const row of rows) {
    before.push({ table: 'participations', id: row.id, fields: { leftAt: row.leftAt ?? null } });
    await writeInTransaction(database, 'participations', row.id, { leftAt: now }, { now });
  }
}

/**
 * Takes a child out of whatever running session of today they are in (checking a child out
 * does). Joins the caller's transaction when called inside one. Null when they were in none.
 */
export function leaveRunningSession(database: DaybookDatabase, childId: string, now = Date.now()): Promise<SessionChange | null> {
  return inWriteTransaction(database, async () => {
    const { timeZone } = await loadSettings(database);
    const day = centreDay(now, timeZone);
    const rows = await runningParticipationsOf(database, childId, day);
    if (rows.length === 0) return null;
    await assertDayWritable(database, day);
    const change: SessionChange = { day, before: [] };
    await leave(database, rows, change.before, now);
    return change;
  });
}

/** Undo of any action above: puts back every field it wrote, all in one transaction. */
export function undoSessionChange(database: DaybookDatabase, change: SessionChange, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    if (change.before.length === 0) return;
    await assertDayWritable(database, change.day);
    for (const record of change.before) {
      if (record.table === 'sessions') await writeInTransaction(database, 'sessions', record.id, record.fields, { now });
      else await writeInTransaction(database, 'participations', record.id, record.fields, { now });
    }
  });
}
