import { centreDay } from '../../shared/dates';
import { uuidv7 } from '../../shared/ids';
import { fromAttendance, presentAt } from '../../shared/presence';
import { db } from './db';
import type { Stored } from './database';
import { loadSettings } from './settings';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

type Kind = 'in' | 'out';

async function recordAttendance(childId: string, kind: Kind, now: number): Promise<Stored<'attendance'>> {
  return inWriteTransaction(async () => {
    const child = await db.children.get(childId);
    if (!child || child.deleted) throw new InvalidWriteError('childId: no such child on this tablet');
    const { timeZone } = await loadSettings();
    const day = centreDay(now, timeZone);
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
    return writeInTransaction('attendance', eventId, { deleted: true }, { now });
  });
}

/** The children present on a day, with when their visit began. */
export async function presentOn(day: string): Promise<Map<string, { since: number; eventId: string }>> {
  const events = await db.attendance.where('day').equals(day).toArray();
  return presentAt(fromAttendance(events));
}
