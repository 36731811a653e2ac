import { centreDay } from '../../shared/dates';
import { uuidv7 } from '../../shared/ids';
import { db } from './db';
import type { Stored } from './database';
import { assertDayWritable } from './day-guard';
import { leaveRunningSession, undoSessionChange, type SessionChange } from './sessions';
import { loadSettings } from './settings';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

type Kind = 'in' | 'out';

async function recordAttendance(childId: string, kind: Kind, now: number): Promise<Stored<'attendance'>> {
  return inWriteTransaction(async () => {
    const [child, { timeZone }] = await Promise.all([db.children.get(childId), loadSettings()]);
    if (!child || child.deleted) throw new InvalidWriteError('childId: no such child on this tablet');
    const day = centreDay(now, timeZone);
    await assertDayWritable(day);
    return writeInTransaction('attendance', uuidv7(now), { childId, day, kind, at: now, deleted: false }, { create: true, fresh: true, now });
  });
}

/** Checks a child in. A second check-in (another tablet, a double tap) is harmless: one visit. */
export function checkIn(childId: string, now = Date.now()): Promise<Stored<'attendance'>> {
  return recordAttendance(childId, 'in', now);
}

export type CheckOut = { event: Stored<'attendance'>; sessionChange: SessionChange | null };

/**
 * Checks a child out, and takes them out of the activity session they were in, in the same
 * transaction: a child who has gone home must not count in a session's headcount.
 */
export function checkOut(childId: string, now = Date.now()): Promise<CheckOut> {
  return inWriteTransaction(async () => {
    const event = await recordAttendance(childId, 'out', now);
    const sessionChange = await leaveRunningSession(childId, now);
    return { event, sessionChange };
  });
}

/** Undo of a check-out: voids the event and puts the child back in their session, together. */
export function undoCheckOut(checkOut: CheckOut, now = Date.now()): Promise<void> {
  return inWriteTransaction(async () => {
    await voidAttendance(checkOut.event.id, now);
    if (checkOut.sessionChange) await undoSessionChange(checkOut.sessionChange, now);
  });
}

/** Undo: voids an attendance event. Events are never edited, only marked deleted. */
export function voidAttendance(eventId: string, now = Date.now()): Promise<Stored<'attendance'>> {
  return inWriteTransaction(async () => {
    const event = await db.attendance.get(eventId);
    if (!event) throw new InvalidWriteError('id: no such attendance event');
    if (event.day) await assertDayWritable(event.day);
    return writeInTransaction('attendance', eventId, { deleted: true }, { now });
  });
}
