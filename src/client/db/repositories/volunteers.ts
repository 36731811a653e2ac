import { centreDay } from '../../../shared/dates';
import { uuidv7 } from '../../../shared/ids';
import { checkDisplayName, compareByDisplayName, DISPLAY_NAME_MAX, findNameClash } from '../../../shared/shifts';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { loadSettings } from './settings';
import { hasShifts, isOnDuty, signOff, voidShiftEvent } from './shifts';

/**
 * A name an active volunteer already goes by. Two tiles reading "Sam" would have one Sam sign
 * the other on; the message says how to tell them apart. `existing` is the name as stored.
 */
export class DuplicateVolunteerError extends InvalidWriteError {
  override name = 'DuplicateVolunteerError';
  constructor(readonly existing: string) {
    super('name-taken', `displayName: there is already a volunteer called "${existing}"; add a letter to tell them apart, for example "${existing} B."`);
  }
}

function readDisplayName(typed: string): string {
  const checked = checkDisplayName(typed);
  if (checked.ok) return checked.displayName;
  throw checked.problem === 'empty'
    ? new InvalidWriteError('name-empty', 'displayName: type a first name or nickname')
    : new InvalidWriteError('too-long', `displayName: at most ${DISPLAY_NAME_MAX} characters`);
}

/** Call inside the write transaction, so two adds of one name on this tablet cannot both pass. */
async function assertNameFree(database: DaybookDatabase, displayName: string, exceptId?: string): Promise<void> {
  // The volunteers table holds tens of rows a year, not thousands: reading it whole is cheap.
  const clash = findNameClash(displayName, await database.volunteers.toArray(), exceptId);
  if (clash) throw new DuplicateVolunteerError(clash.displayName ?? displayName);
}

async function requireVolunteer(database: DaybookDatabase, id: string): Promise<Stored<'volunteers'>> {
  const volunteer = await database.volunteers.get(id);
  if (!volunteer || volunteer.deleted) throw new InvalidWriteError('no-such-volunteer', 'id: no such volunteer on this tablet');
  return volunteer;
}

/** Adds a volunteer to the sign-on list: a first name or nickname, 1 to 40 characters. */
export function addVolunteer(database: DaybookDatabase, displayName: string, now = Date.now()): Promise<Stored<'volunteers'>> {
  return inWriteTransaction(database, async () => {
    const name = readDisplayName(displayName);
    await assertNameFree(database, name);
    return writeInTransaction(database, 'volunteers', uuidv7(now), { displayName: name, active: true, deleted: false }, { create: true, now });
  });
}

/**
 * Undo of "added": the volunteer was a slip, so the record goes. If they signed on meanwhile,
 * their shift must still count, so they only leave the list.
 */
export function undoAddVolunteer(database: DaybookDatabase, id: string, now = Date.now()): Promise<Stored<'volunteers'>> {
  return inWriteTransaction(database, async () => {
    await requireVolunteer(database, id);
    const fields = (await hasShifts(database, id)) ? { active: false } : { deleted: true };
    return writeInTransaction(database, 'volunteers', id, fields, { now });
  });
}

/** Renames a volunteer (a typo, or "Sam" becoming "Sam B." when a second Sam arrives). */
export function renameVolunteer(database: DaybookDatabase, id: string, displayName: string, now = Date.now()): Promise<Stored<'volunteers'>> {
  return inWriteTransaction(database, async () => {
    const volunteer = await requireVolunteer(database, id);
    const name = readDisplayName(displayName);
    if (volunteer.active) await assertNameFree(database, name, id);
    return writeInTransaction(database, 'volunteers', id, { displayName: name }, { now });
  });
}

export type ActiveChange = {
  volunteer: Stored<'volunteers'>;
  /** What `active` was before, for Undo. */
  wasActive: boolean;
  /** The sign-off written because the volunteer was on duty when they left the list. */
  signedOff: Stored<'shifts'> | null;
};

/**
 * Puts a volunteer on the sign-on list or takes them off it. Their past shifts stay. Someone
 * taken off the list while on duty is signed off in the same transaction: otherwise they would
 * count towards the ratio with no tile left to sign them off.
 */
export function setVolunteerActive(database: DaybookDatabase, id: string, active: boolean, now = Date.now()): Promise<ActiveChange> {
  return inWriteTransaction(database, async () => {
    const before = await requireVolunteer(database, id);
    if (active && !before.active && before.displayName !== undefined) await assertNameFree(database, before.displayName, id);
    let signedOff: Stored<'shifts'> | null = null;
    if (!active) {
      const { timeZone } = await loadSettings(database);
      if (await isOnDuty(database, id, centreDay(now, timeZone))) signedOff = await signOff(database, id, now);
    }
    const volunteer = await writeInTransaction(database, 'volunteers', id, { active }, { now });
    return { volunteer, wasActive: before.active === true, signedOff };
  });
}

/** Undo of `setVolunteerActive`: back on (or off) the list, and the sign-off it wrote voided. */
export function undoActiveChange(database: DaybookDatabase, change: ActiveChange, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    const id = change.volunteer.id;
    const volunteer = await requireVolunteer(database, id);
    if (change.wasActive && !volunteer.active && volunteer.displayName !== undefined) await assertNameFree(database, volunteer.displayName, id);
    if (change.signedOff) await voidShiftEvent(database, change.signedOff.id, now);
    await writeInTransaction(database, 'volunteers', id, { active: change.wasActive }, { now });
  });
}

/** The volunteers on the sign-on list (active, not deleted), by name. */
export async function loadVolunteers(database: DaybookDatabase): Promise<Stored<'volunteers'>[]> {
  const all = await database.volunteers.toArray();
  return all.filter((volunteer) => volunteer.active === true && !volunteer.deleted && volunteer.displayName !== undefined).sort(compareByDisplayName);
}
