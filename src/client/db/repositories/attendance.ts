import { centreDay } from '../../../shared/dates';
import { uuidv7 } from '../../../shared/ids';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { assertDayWritable } from './day-guard';
import { leaveRunningSession, undoSessionChange, type SessionChange } from './session-leaving';
import { loadSettings } from './settings';

type Kind = 'in' | 'out';

async function recordAttendance(database: DaybookDatabase, childId: string, kind: Kind, now: number): Promise<Stored<'attendance'>> {
  return inWriteTransaction(database, async () => {
    const [child, { timeZone }] = await Promise.all([database.children.get(childId), loadSettings(database)]);
    if (!child || child.deleted) throw new InvalidWriteError('no-such-child', 'childId: no such child on this tablet');
    const day = centreDay(now, timeZone);
    await assertDayWritable(database, day);
    return writeInTransaction(database, 'attendance', uuidv7(now), { childId, day, kind, at: now, deleted: false }, { create: true, fresh: true, now });
  });
}

/** Checks a child in. A second check-in (another tablet, a double tap) is harmless: one visit. */
export function checkIn(database: DaybookDatabase, childId: string, now = Date.now()): Promise<Stored<'attendance'>> {
  return recordAttendance(database, childId, 'in', now);
}

export type CheckOut = { event: Stored<'attendance'>; sessionChange: SessionChange | null };

/**
 * Checks a child out, and takes them out of the activity session they were in, in the same
 * transaction: a child who has gone home must not count in a session's headcount.
 */
export function checkOut(database: DaybookDatabase, childId: string, now = Date.now()): Promise<CheckOut> {
  return inWriteTransaction(database, async () => {
    const event = await recordAttendance(database, childId, 'out', now);
    const sessionChange = await leaveRunningSession(database, childId, now);
    return { event, sessionChange };
  });
}

/** Undo of a check-out: voids the event and puts the child back in their session, together. */
export function undoCheckOut(database: DaybookDatabase, checkOut: CheckOut, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    await voidAttendance(database, checkOut.event.id, now);
    if (checkOut.sessionChange) await undoSessionChange(database, checkOut.sessionChange, now);
  });
}

/** Undo: voids an attendance event. Events are never edited, only marked deleted. */
export function voidAttendance(database: DaybookDatabase, eventId: string, now = Date.now()): Promise<Stored<'attendance'>> {
  return inWriteTransaction(database, async () => {
    const event = await database.attendance.get(eventId);
    if (!event) throw new InvalidWriteError('no-such-record', 'id: no such attendance event');
    if (event.day) await assertDayWritable(database, event.day);
    return writeInTransaction(database, 'attendance', eventId, { deleted: true }, { now });
  });
}
