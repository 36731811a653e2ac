import { centreDay } from '../../../shared/dates';
import { childIdFromCode } from '../../../shared/codes';
import { uuidv7 } from '../../../shared/ids';
import type { AgeBand, Gender } from '../../../shared/schema';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { checkIn } from './attendance';
import { readCode } from './child-codes';
import { issueCodeForTablet, secureRandom } from './code-series';
import { loadSettings } from './settings';

export type ChildProfile = { ageBand: AgeBand; gender: Gender; languages: readonly string[] };

/**
 * Registers a child under a code a volunteer typed (a wristband, or a code issued on another
 * tablet that has not synced here yet). The id comes from the code, so the same code registered
 * on two offline tablets is one child once they sync; the registration row says it happened.
 */
export async function registerChild(database: DaybookDatabase, typed: string, profile: ChildProfile, now = Date.now()): Promise<Registered> {
  return inWriteTransaction(database, async () => {
    const settings = await loadSettings(database);
    const read = readCode(typed, settings.codeScheme);
    if (!read.ok) throw new InvalidWriteError('code-invalid', `code: ${read.problem}`);
    // An erased child's code stays theirs: registering it again would bring back a child the
    // lead erased, and their card may still be in someone's pocket (sync-protocol.md, Erasure).
    if (await database.erasures.get(childIdFromCode(read.code))) throw new InvalidWriteError('code-erased', 'code: it belonged to an erased child');
    return writeChild(database, read.code, profile, centreDay(now, settings.timeZone), now, false);
  });
}

/**
 * Issues the device's next code and registers the child under it, in one transaction, so a
 * serial is never handed out twice even if the tab dies between the two steps.
 */
export async function registerNewChild(database: DaybookDatabase, profile: ChildProfile, now = Date.now(), random: () => number = secureRandom): Promise<Registered> {
  return inWriteTransaction(database, async () => {
    const settings = await loadSettings(database);
    let code = await issueCodeForTablet(database, random);
    // A code of this tablet's series that an erased child had (a local series, drawn at random,
    // can meet one) is passed over: it is never handed out again.
    for (let tries = 0; (await database.erasures.get(childIdFromCode(code))) && tries < 100; tries++) code = await issueCodeForTablet(database, random);
    return writeChild(database, code, profile, centreDay(now, settings.timeZone), now, true);
  });
}

/** A registration: the child, whether this write created them, and the registration row it made. */
export type Registered = { child: Stored<'children'>; created: boolean; registrationId: string | null };

async function writeChild(database: DaybookDatabase, code: string, profile: ChildProfile, day: string, now: number, issued: boolean): Promise<Registered> {
  const id = childIdFromCode(code);
  const existing = await database.children.get(id);
  // Registering a code that is already a child keeps the first registration: nothing doubles.
  if (existing && !existing.deleted) return { child: existing, created: false, registrationId: null };
  const fields = { code, ageBand: profile.ageBand, gender: profile.gender, languages: [...profile.languages], registeredOn: day };
  const child = await writeInTransaction(database, 'children', id, { ...fields, deleted: false }, { create: true, now });
  // The registration as a row of its own: if another tablet registers another child under this
  // code, the record merges but both rows stay, and the lead is told (code-clashes.ts).
  const registration = await writeInTransaction(database, 'registrations', uuidv7(now), { childId: id, ...fields, at: now, issued, deleted: false }, { create: true, fresh: true, now });
  return { child, created: true, registrationId: registration.id };
}

export type RegisteredVisit = Registered & { eventId: string };

/**
 * Registers a child (under the typed code, or a newly issued one when `typed` is null) and
 * checks them in, in one transaction: a crash cannot leave a registered child who is not in.
 */
export function registerAndCheckIn(
  database: DaybookDatabase,
  typed: string | null,
  profile: ChildProfile,
  now = Date.now(),
  random: () => number = secureRandom,
): Promise<RegisteredVisit> {
  return inWriteTransaction(database, async () => {
    const registration = typed === null ? await registerNewChild(database, profile, now, random) : await registerChild(database, typed, profile, now);
    const event = await checkIn(database, registration.child.id, now);
    return { ...registration, eventId: event.id };
  });
}

/**
 * Undo of "registered and checked in": voids the check-in, and the registration too when this
 * action created it, so the code is free again and no visit is counted.
 */
export function undoRegistration(database: DaybookDatabase, visit: RegisteredVisit, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    await writeInTransaction(database, 'attendance', visit.eventId, { deleted: true }, { now });
    if (!visit.created) return;
    await writeInTransaction(database, 'children', visit.child.id, { deleted: true }, { now });
    if (visit.registrationId) await writeInTransaction(database, 'registrations', visit.registrationId, { deleted: true }, { now });
  });
}
