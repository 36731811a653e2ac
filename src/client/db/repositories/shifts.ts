import { centreDay } from '../../../shared/dates';
import { uuidv7 } from '../../../shared/ids';
import { fromShifts, presentAt } from '../../../shared/presence';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { assertDayWritable } from './day-guard';
import { loadSettings } from './settings';

type Kind = 'on' | 'off';

async function recordShift(database: DaybookDatabase, volunteerId: string, kind: Kind, now: number): Promise<Stored<'shifts'>> {
  return inWriteTransaction(database, async () => {
    // Reads go out together: each await is a trip through the event loop on a slow tablet.
    const [volunteer, { timeZone }] = await Promise.all([database.volunteers.get(volunteerId), loadSettings(database)]);
    if (!volunteer || volunteer.deleted) throw new InvalidWriteError('no-such-volunteer', 'volunteerId: no such volunteer on this tablet');
    // Signing off stays possible for someone who left the list, so nobody is stuck on duty.
    if (kind === 'on' && volunteer.active !== true) throw new InvalidWriteError('volunteer-off-list', 'volunteerId: this volunteer is no longer on the list');
    const day = centreDay(now, timeZone);
    await assertDayWritable(database, day);
    return writeInTransaction(database, 'shifts', uuidv7(now), { volunteerId, day, kind, at: now, deleted: false }, { create: true, fresh: true, now });
  });
}

/**
 * Signs a volunteer on. Signing on someone already on duty (another tablet, a double tap) is
 * harmless: the presence rule reads two `on` events in a row as one stretch from the first.
 */
export function signOn(database: DaybookDatabase, volunteerId: string, now = Date.now()): Promise<Stored<'shifts'>> {
  return recordShift(database, volunteerId, 'on', now);
}

/** Signs a volunteer off. */
export function signOff(database: DaybookDatabase, volunteerId: string, now = Date.now()): Promise<Stored<'shifts'>> {
  return recordShift(database, volunteerId, 'off', now);
}

/** Undo: voids a shift event. Events are never edited, only marked deleted. */
export function voidShiftEvent(database: DaybookDatabase, eventId: string, now = Date.now()): Promise<Stored<'shifts'>> {
  return inWriteTransaction(database, async () => {
    const event = await database.shifts.get(eventId);
    if (!event) throw new InvalidWriteError('no-such-record', 'id: no such shift event');
    if (event.day) await assertDayWritable(database, event.day);
    return writeInTransaction(database, 'shifts', eventId, { deleted: true }, { now });
  });
}

/** True when the volunteer is on duty on `day` (after every event of that day). */
export async function isOnDuty(database: DaybookDatabase, volunteerId: string, day: string): Promise<boolean> {
  const events = await database.shifts.where('volunteerId').equals(volunteerId).toArray();
  return presentAt(fromShifts(events.filter((event) => event.day === day))).has(volunteerId);
}

/** True when the volunteer has any shift event that still counts (not voided). */
export async function hasShifts(database: DaybookDatabase, volunteerId: string): Promise<boolean> {
  const events = await database.shifts.where('volunteerId').equals(volunteerId).toArray();
  return events.some((event) => !event.deleted);
}
