import { centreDay } from '../../../shared/dates';
import { checkIssuedCode, checkWristbandCode, childIdFromCode, normaliseCode, type CodeProblem, type CodeScheme } from '../../../shared/codes';
import { uuidv7 } from '../../../shared/ids';
import type { AgeBand, Gender } from '../../../shared/schema';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { fromAttendance } from '../../../shared/presence';
import { visitsOf, type Visit } from '../../../shared/visits';
import { checkIn } from './attendance';
import { loadDeviceRole } from './device';
import { issueCodeForTablet, secureRandom } from './code-series';
import { loadSettings } from './settings';

export type ChildProfile = { ageBand: AgeBand; gender: Gender; languages: readonly string[] };

export type CodeLookup =
  | { status: 'invalid'; problem: CodeProblem }
  | { status: 'found'; code: string; child: Stored<'children'> }
  | { status: 'unknown'; code: string };

/** Reads what a volunteer typed: normalised, checked against the centre's code scheme. */
export function readCode(typed: string, scheme: CodeScheme): { ok: true; code: string } | { ok: false; problem: CodeProblem } {
  const code = normaliseCode(typed, scheme);
  const check = scheme === 'issued' ? checkIssuedCode(code) : checkWristbandCode(code);
  return check.ok ? { ok: true, code } : check;
}

/** Finds the child a typed code names, or says why the code cannot be one. */
export async function lookUpCode(database: DaybookDatabase, typed: string, scheme: CodeScheme): Promise<CodeLookup> {
  const read = readCode(typed, scheme);
  if (!read.ok) return { status: 'invalid', problem: read.problem };
  const child = await database.children.get(childIdFromCode(read.code));
  return child && !child.deleted ? { status: 'found', code: read.code, child } : { status: 'unknown', code: read.code };
}

/** Registered children whose code starts with `prefix` (already normalised), by the `code` index. */
export async function loadCodeSuggestions(database: DaybookDatabase, prefix: string, limit: number): Promise<Stored<'children'>[]> {
  if (prefix.length === 0) return [];
  // A few more than asked for: deleted children are dropped after reading.
  const matches = await database.children.where('code').startsWith(prefix).limit(limit + 4).toArray();
  return matches.filter((child) => !child.deleted).slice(0, limit);
}

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
    const code = await issueCodeForTablet(database, random);
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

export type ChildDetail = {
  child: Stored<'children'>;
  /** The latest visits first, at most `limit` of them. */
  visits: Visit[];
  visitCount: number;
};

/** A child and their recent visits, for the lead's Children screen; null when the code names no child here. */
export async function loadChildDetail(database: DaybookDatabase, childId: string, limit = 10): Promise<ChildDetail | null> {
  const child = await database.children.get(childId);
  if (!child || child.deleted) return null;
  const events = await database.attendance.where('childId').equals(childId).toArray();
  const visits = visitsOf(fromAttendance(events)).reverse();
  return { child, visits: visits.slice(0, limit), visitCount: visits.length };
}

/**
 * Corrects a child's age band, gender and languages (lead only): a volunteer tapped the wrong
 * band at registration, or the child has had a birthday. The code and the visits stay.
 */
export function correctChild(database: DaybookDatabase, childId: string, profile: ChildProfile, now = Date.now()): Promise<Stored<'children'>> {
  return inWriteTransaction(database, async () => {
    if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', "role: only a lead can correct a child's record");
    const child = await database.children.get(childId);
    if (!child || child.deleted) throw new InvalidWriteError('no-such-child', 'childId: no such child on this tablet');
    return writeInTransaction(database, 'children', childId, { ageBand: profile.ageBand, gender: profile.gender, languages: [...profile.languages] }, { now });
  });
}
