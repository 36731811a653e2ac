import { centreDay } from '../../shared/dates';
import { uuidv7 } from '../../shared/ids';
import { fromShifts, presentAt } from '../../shared/presence';
import { db } from './db';
import type { Stored } from './database';
import { assertDayWritable } from './day-guard';
import { loadSettings } from './settings';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

type Kind = 'on' | 'off';

async function recordShift(volunteerId: string, kind: Kind, now: number): Promise<Stored<'shifts'>> {
  return inWriteTransaction(async () => {
    // Reads go out together: each await is a trip through the event loop on a slow tablet.
    const [volunteer, { timeZone }] = await Promise.all([db.volunteers.get(volunteerId), loadSettings()]);
    if (!volunteer || volunteer.deleted) throw new InvalidWriteError('volunteerId: no such volunteer on this tablet');
    // Signing off stays possible for someone who left the list, so nobody is stuck on duty.
    if (kind === 'on' && volunteer.active !== true) throw new InvalidWriteError('volunteerId: this volunteer is no longer on the list');
    const day = centreDay(now, timeZone);
    await assertDayWritable(day);
    return writeInTransaction('shifts', uuidv7(now), { volunteerId, day, kind, at: now, deleted: false }, { create: true, now });
  });
}

/**
 * Signs a volunteer on. Signing on someone already on duty (another tablet, a double tap) is
 * harmless: the presence rule reads two `on` events in a row as one stretch from the first.
 */
export function signOn(volunteerId: string, now = Date.now()): Promise<Stored<'shifts'>> {
  return recordShift(volunteerId, 'on', now);
}

/** Signs a volunteer off. */
export function signOff(volunteerId: string, now = Date.now()): Promise<Stored<'shifts'>> {
  return recordShift(volunteerId, 'off', now);
}

/** Undo: voids a shift event. Events are never edited, only marked deleted. */
export function voidShiftEvent(eventId: string, now = Date.now()): Promise<Stored<'shifts'>> {
  return inWriteTransaction(async () => {
    const event = await db.shifts.get(eventId);
    if (!event) throw new InvalidWriteError('id: no such shift event');
    if (event.day) await assertDayWritable(event.day);
    return writeInTransaction('shifts', eventId, { deleted: true }, { now });
  });
}

/** True when the volunteer is on duty on `day` (after every event of that day). */
export async function isOnDuty(volunteerId: string, day: string): Promise<boolean> {
  const events = await db.shifts.where('volunteerId').equals(volunteerId).toArray();
  return presentAt(fromShifts(events.filter((event) => event.day === day))).has(volunteerId);
}

/** True when the volunteer has any shift event that still counts (not voided). */
export async function hasShifts(volunteerId: string): Promise<boolean> {
  const events = await db.shifts.where('volunteerId').equals(volunteerId).toArray();
  return events.some((event) => !event.deleted);
}
