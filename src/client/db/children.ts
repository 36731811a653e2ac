import { centreDay } from '../../shared/dates';
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
} from '../../shared/codes';
import type { AgeBand, Gender } from '../../shared/schema';
import { db } from './db';
import type { MetaRow, Stored } from './database';
import { loadSettings } from './settings';
import { checkIn } from './attendance';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

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
export async function lookUpCode(typed: string, scheme: CodeScheme): Promise<CodeLookup> {
  const read = readCode(typed, scheme);
  if (!read.ok) return { status: 'invalid', problem: read.problem };
  const child = await db.children.get(childIdFromCode(read.code));
  return child && !child.deleted ? { status: 'found', code: read.code, child } : { status: 'unknown', code: read.code };
}

/**
 * Registers a child under a code a volunteer typed (a wristband, or a code issued on another
 * tablet that has not synced here yet). The id comes from the code, so the same code registered
 * on two offline tablets is one child once they sync.
 */
export async function registerChild(typed: string, profile: ChildProfile, now = Date.now()): Promise<Registration> {
  return inWriteTransaction(async () => {
    const settings = await loadSettings();
    const read = readCode(typed, settings.codeScheme);
    if (!read.ok) throw new InvalidWriteError(`code: ${read.problem}`);
    return writeChild(read.code, profile, centreDay(now, settings.timeZone), now);
  });
}

/**
 * Issues the device's next code and registers the child under it, in one transaction, so a
 * serial is never handed out twice even if the tab dies between the two steps.
 */
export async function registerNewChild(profile: ChildProfile, now = Date.now()): Promise<Registration> {
  return inWriteTransaction(async () => {
    const settings = await loadSettings();
    const series = await db.meta.get('codeSeries');
    let current = series?.key === 'codeSeries' ? series : { key: 'codeSeries' as const, series: SERIES_LETTERS[0]!, nextSerial: FIRST_SERIAL };
    let code = '';
    // Skip serials already taken (a code that came back from the server after a wipe).
    for (;;) {
      if (current.nextSerial > LAST_SERIAL) throw new InvalidWriteError('code: this tablet has issued every code of its series');
      code = issueCode(current.series, current.nextSerial);
      current = { ...current, nextSerial: current.nextSerial + 1 };
      if (!(await db.children.get(childIdFromCode(code)))) break;
    }
    await db.meta.put(current satisfies MetaRow);
    return writeChild(code, profile, centreDay(now, settings.timeZone), now);
  });
}

export type Registration = { child: Stored<'children'>; created: boolean };

async function writeChild(code: string, profile: ChildProfile, day: string, now: number): Promise<Registration> {
  const id = childIdFromCode(code);
  const existing = await db.children.get(id);
  // Registering a code that is already a child keeps the first registration: nothing doubles.
  if (existing && !existing.deleted) return { child: existing, created: false };
  const child = await writeInTransaction(
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
export function registerAndCheckIn(typed: string | null, profile: ChildProfile, now = Date.now()): Promise<RegisteredVisit> {
  return inWriteTransaction(async () => {
    const registration = typed === null ? await registerNewChild(profile, now) : await registerChild(typed, profile, now);
    const event = await checkIn(registration.child.id, now);
    return { ...registration, eventId: event.id };
  });
}

/**
 * Undo of "registered and checked in": voids the check-in, and the registration too when this
 * action created it, so the code is free again and no visit is counted.
 */
export function undoRegistration(visit: RegisteredVisit, now = Date.now()): Promise<void> {
  return inWriteTransaction(async () => {
    await writeInTransaction('attendance', visit.eventId, { deleted: true }, { now });
    if (visit.created) await writeInTransaction('children', visit.child.id, { deleted: true }, { now });
  });
}
