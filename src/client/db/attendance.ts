import { centreDay } from '../../shared/dates';
import { uuidv7 } from '../../shared/ids';
import { db } from './db';
import type { Stored } from './database';
import { assertDayWritable } from './day-guard';
import { loadSettings } from './settings';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

type Kind = 'in' | 'out';

async function recordAttendance(childId: string, kind: Kind, now: number): Promise<Stored<'attendance'>> {
  return inWriteTransaction(async () => {
    const child = await db.children.get(childId);
    if (!child || child.deleted) throw new InvalidWriteError('childId: no such child on this tablet');
    const { timeZone } = await loadSettings();
    const day = centreDay(now, timeZone);
    await assertDayWritable(day);
    return writeInTransaction('attendance', uuidv7(now), { childId, day, kind, at: now, deleted: false }, { create: true, now });
  });
}

/** Checks a child in. A second check-in (another tablet, a double tap) is harmless: one visit. */
export function checkIn(childId: string, now = Date.now()): Promise<Stored<'attendance'>> {
  return recordAttendance(childId, 'in', now);
}

/** Checks a child out. */
export function checkOut(childId: string, now = Date.now()): Promise<Stored<'attendance'>> {
  return recordAttendance(childId, 'out', now);
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
