import { centreDay } from '../../../shared/dates';
import {
  checkIssuedCode,
  checkWristbandCode,
  childIdFromCode,
  FIRST_SERIAL,
  issueCode,
  LAST_SERIAL,
  normaliseCode,
  SERIES_LETTERS,
  type CodeProblem,
  type CodeScheme,
} from '../../../shared/codes';
import type { AgeBand, Gender } from '../../../shared/schema';
import type { DaybookDatabase, MetaRow, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { checkIn } from './attendance';
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

/**
 * Registers a child under a code a volunteer typed (a wristband, or a code issued on another
 * tablet that has not synced here yet). The id comes from the code, so the same code registered
 * on two offline tablets is one child once they sync.
 */
export async function registerChild(database: DaybookDatabase, typed: string, profile: ChildProfile, now = Date.now()): Promise<Registration> {
  return inWriteTransaction(database, async () => {
    const settings = await loadSettings(database);
    const read = readCode(typed, settings.codeScheme);
    if (!read.ok) throw new InvalidWriteError('code-invalid', `code: ${read.problem}`);
    return writeChild(database, read.code, profile, centreDay(now, settings.timeZone), now);
  });
}

/**
 * Issues the device's next code and registers the child under it, in one transaction, so a
 * serial is never handed out twice even if the tab dies between the two steps.
 */
export async function registerNewChild(database: DaybookDatabase, profile: ChildProfile, now = Date.now()): Promise<Registration> {
  return inWriteTransaction(database, async () => {
    const settings = await loadSettings(database);
    const series = await database.meta.get('codeSeries');
    let current = series?.key === 'codeSeries' ? series : { key: 'codeSeries' as const, series: SERIES_LETTERS[0]!, nextSerial: FIRST_SERIAL };
    let code = '';
    // Skip serials already taken (a code that came back from the server after a wipe).
    for (;;) {
      if (current.nextSerial > LAST_SERIAL) throw new InvalidWriteError('codes-used-up', 'code: this tablet has issued every code of its series');
      code = issueCode(current.series, current.nextSerial);
      current = { ...current, nextSerial: current.nextSerial + 1 };
      if (!(await database.children.get(childIdFromCode(code)))) break;
    }
    await database.meta.put(current satisfies MetaRow);
    return writeChild(database, code, profile, centreDay(now, settings.timeZone), now);
  });
}

export type Registration = { child: Stored<'children'>; created: boolean };

/** Registered children whose code starts with `prefix` (already normalised), by the `code` index. */
export async function loadCodeSuggestions(database: DaybookDatabase, prefix: string, limit: number): Promise<Stored<'children'>[]> {
  if (prefix.length === 0) return [];
  // A few more than asked for: deleted children are dropped after reading.
  const matches = await database.children.where('code').startsWith(prefix).limit(limit + 4).toArray();
  return matches.filter((child) => !child.deleted).slice(0, limit);
}

async function writeChild(database: DaybookDatabase, code: string, profile: ChildProfile, day: string, now: number): Promise<Registration> {
  const id = childIdFromCode(code);
  const existing = await database.children.get(id);
  // Registering a code that is already a child keeps the first registration: nothing doubles.
  if (existing && !existing.deleted) return { child: existing, created: false };
  const child = await writeInTransaction(
    database,
    'children',
    id,
    { code, ageBand: profile.ageBand, gender: profile.gender, languages: [...profile.languages], registeredOn: day, deleted: false },
    { create: true, now },
  );
  return { child, created: true };
}

export type RegisteredVisit = Registration & { eventId: string };

/**
 * Registers a child (under the typed code, or a newly issued one when `typed` is null) and
 * checks them in, in one transaction: a crash cannot leave a registered child who is not in.
 */
export function registerAndCheckIn(database: DaybookDatabase, typed: string | null, profile: ChildProfile, now = Date.now()): Promise<RegisteredVisit> {
  return inWriteTransaction(database, async () => {
    const registration = typed === null ? await registerNewChild(database, profile, now) : await registerChild(database, typed, profile, now);
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
    if (visit.created) await writeInTransaction(database, 'children', visit.child.id, { deleted: true }, { now });
  });
}
