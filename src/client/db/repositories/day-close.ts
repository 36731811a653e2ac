import { addDays, centreDay } from '../../../shared/dates';
import { dayCloseId, uuidv7 } from '../../../shared/ids';
import { fromAttendance, fromShifts, presentAt, type PresenceEvent } from '../../../shared/presence';
import { isCalendarDay, TEXT_LIMITS } from '../../../shared/schema';
import { sessionState } from '../../../shared/sessions';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { assertDayWritable, loadDayClose } from './day-guard';
import { loadDeviceRole } from './device';
import { loadOnDuty } from './presence';
import { leaveRunningSession, undoSessionChange, type SessionChange } from './session-leaving';
import { loadSettings } from './settings';

/**
 * Closing the day (product.md): the lead checks out every child still in at one chosen time and
 * signs the day off. A closed day is read-only except for a lead (day-guard.ts).
 */

export const DAY_CLOSE_NOTES_MAX = TEXT_LIMITS.notes;

/** Why a "check them all out at" time cannot be used. */
export type CheckOutTimeProblem = 'not-a-time' | 'other-day' | 'future' | 'before-check-in' | 'before-sign-on';

const PROBLEM_TEXT: Record<CheckOutTimeProblem, string> = {
  'not-a-time': 'must be a time',
  'other-day': 'must be on the day being closed',
  future: 'must not be in the future',
  'before-check-in': 'must not be before a check-in of a child still here',
  'before-sign-on': 'must not be before a sign-on of a volunteer still on duty',
};

/** A refused check-out time. Nothing was stored; `timeProblem` lets a screen say why at the field. */
export class CheckOutTimeError extends InvalidWriteError {
  override name = 'CheckOutTimeError';
  constructor(readonly timeProblem: CheckOutTimeProblem) {
    super('check-out-time', `checkOutAt: ${PROBLEM_TEXT[timeProblem]}`);
  }
}

// The bounds of the schema's epochMs: outside them centreDay would throw instead of answering.
const EARLIEST = 946_684_800_000;
const LATEST = 7_258_118_400_000;

/**
 * The rule for the check-out time, shared by the repository and the screen (which shows the
 * problem at the field before trying). `lastEventAt` is the latest attendance event of any child
 * still in, `lastShiftAt` the latest shift event of any volunteer still on duty: an `out` or
 * `off` before it would leave them in, since presence follows the latest event.
 */
export function checkOutTimeProblem(input: {
  day: string;
  checkOutAt: number;
  now: number;
  timeZone: string;
  lastEventAt: number | null;
  lastShiftAt?: number | null;
}): CheckOutTimeProblem | null {
  const { day, checkOutAt, now, timeZone, lastEventAt, lastShiftAt = null } = input;
  if (!Number.isSafeInteger(checkOutAt) || checkOutAt < EARLIEST || checkOutAt > LATEST) return 'not-a-time';
  if (centreDay(checkOutAt, timeZone) !== day) return 'other-day';
  if (checkOutAt > now) return 'future';
  if (lastEventAt !== null && checkOutAt < lastEventAt) return 'before-check-in';
  if (lastShiftAt !== null && checkOutAt < lastShiftAt) return 'before-sign-on';
  return null;
}

export type StillCheckedIn = { childId: string; since: number; lastEventAt: number };

/** Who is still in among `events`, with when they came and their latest event. */
function stillIn(events: readonly PresenceEvent[]): { subjectId: string; since: number; lastEventAt: number }[] {
  const present = presentAt(events);
  const last = new Map<string, number>();
  for (const event of events) {
    if (event.deleted || !present.has(event.subjectId)) continue;
    last.set(event.subjectId, Math.max(last.get(event.subjectId) ?? event.at, event.at));
  }
  return [...present].map(([subjectId, presence]) => ({ subjectId, since: presence.since, lastEventAt: last.get(subjectId) ?? presence.since }));
}

/**
 * The children still in on `day`, from the attendance events alone: a child whose record has not
 * synced to this tablet yet is still in the room and must be checked out too.
 */
export async function loadStillCheckedIn(database: DaybookDatabase, day: string): Promise<StillCheckedIn[]> {
  const events = await database.attendance.where('day').equals(day).toArray();
  return stillIn(fromAttendance(events)).map(({ subjectId, ...rest }) => ({ childId: subjectId, ...rest }));
}

export type StillOnDuty = { volunteerId: string; since: number; lastEventAt: number };

/** The volunteers still on duty on `day`, from the shift events alone, as for the children. */
export async function loadStillOnDuty(database: DaybookDatabase, day: string): Promise<StillOnDuty[]> {
  const events = await database.shifts.where('day').equals(day).toArray();
  return stillIn(fromShifts(events)).map(({ subjectId, ...rest }) => ({ volunteerId: subjectId, ...rest }));
}

/** The sessions of `day` still running. */
async function loadRunningSessions(database: DaybookDatabase, day: string): Promise<Stored<'sessions'>[]> {
  return (await database.sessions.where('day').equals(day).toArray()).filter((session) => !session.deleted && sessionState(session) === 'running');
}

async function assertLead(database: DaybookDatabase, action: string): Promise<void> {
  if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', `role: only a lead can ${action} a day`);
}

export type CloseDayInput = {
  day: string;
  /** When every child still in is checked out: on `day`, not in the future. */
  checkOutAt: number;
  /** Optional, at most 500 characters, never a name. */
  notes?: string;
  /** The volunteer id of the lead signing the day off. */
  closedBy: string;
};

/** What a close did, so Undo can take back exactly that. */
export type DayClosing = {
  day: string;
  close: Stored<'dayCloses'>;
  /** The children checked out, and the `out` event written for each. */
  checkedOut: { childId: string; eventId: string }[];
  /** The running sessions those children were taken out of. */
  sessionChanges: SessionChange[];
  /** The volunteers signed off, and the `off` event written for each. */
  signedOff: { volunteerId: string; eventId: string }[];
  /** The sessions the close ended. */
  endedSessions: SessionChange[];
};

/**
 * Closes `day` (product.md, Close the day): checks out every child still in at `checkOutAt`,
 * ends the running sessions and signs the volunteers still on duty off at that same time, and
 * signs the day off, in one transaction: a crash part-way leaves the day open with everyone as
 * they were, never a closed day with children in, volunteers on duty or sessions running.
 */
export function closeDay(database: DaybookDatabase, input: CloseDayInput, now = Date.now()): Promise<DayClosing> {
  return inWriteTransaction(database, async () => {
    await assertLead(database, 'close');
    const { day, checkOutAt, closedBy } = input;
    if (!isCalendarDay(day)) throw new InvalidWriteError('invalid', 'day: must be a calendar date written YYYY-MM-DD');
    const notes = (input.notes ?? '').trim();
    if (notes.length > DAY_CLOSE_NOTES_MAX) throw new InvalidWriteError('too-long', `notes: at most ${DAY_CLOSE_NOTES_MAX} characters`);
    const volunteer = closedBy === '' ? undefined : await database.volunteers.get(closedBy);
    if (!volunteer || volunteer.deleted) throw new InvalidWriteError('choose-signer', 'closedBy: choose the lead signing off from the volunteers');
    if (await loadDayClose(database, day)) throw new InvalidWriteError('day-already-closed', `day: ${day} is already closed`);
    await assertDayWritable(database, day);

    const { timeZone } = await loadSettings(database);
    const [still, onDuty, running] = await Promise.all([loadStillCheckedIn(database, day), loadStillOnDuty(database, day), loadRunningSessions(database, day)]);
    const latest = (list: readonly { lastEventAt: number }[]) => (list.length > 0 ? Math.max(...list.map((entry) => entry.lastEventAt)) : null);
    const problem = checkOutTimeProblem({ day, checkOutAt, now, timeZone, lastEventAt: latest(still), lastShiftAt: latest(onDuty) });
    if (problem) throw new CheckOutTimeError(problem);

    const checkedOut: DayClosing['checkedOut'] = [];
    const sessionChanges: SessionChange[] = [];
    for (const { childId } of still) {
      const event = await writeInTransaction(database, 'attendance', uuidv7(now), { childId, day, kind: 'out', at: checkOutAt, deleted: false }, { create: true, now });
      // A child who has gone home is no longer in an activity. checkOutAt, not now: it names the
      // day whose sessions to look in, and a lead may be closing yesterday this morning.
      const left = await leaveRunningSession(database, childId, checkOutAt);
      if (left) sessionChanges.push(left);
      checkedOut.push({ childId, eventId: event.id });
    }
    // Events at the same instant are ordered by id: a check-in from a tablet whose clock ran ahead
    // can sort after our check-out and leave its child in. Rolling back beats a closed day with a
    // child still in it; a minute later works.
    if (still.length > 0 && (await loadStillCheckedIn(database, day)).length > 0) throw new CheckOutTimeError('before-check-in');

    const endedSessions: SessionChange[] = [];
    for (const session of running) {
      // A session that started after the chosen time (a clock running behind) ends as it starts.
      const endedAt = Math.max(checkOutAt, session.startedAt ?? checkOutAt);
      await writeInTransaction(database, 'sessions', session.id, { endedAt }, { now });
      endedSessions.push({ day, before: [{ table: 'sessions', id: session.id, fields: { endedAt: null } }] });
    }
    const signedOff: DayClosing['signedOff'] = [];
    for (const { volunteerId } of onDuty) {
      const event = await writeInTransaction(database, 'shifts', uuidv7(now), { volunteerId, day, kind: 'off', at: checkOutAt, deleted: false }, { create: true, fresh: true, now });
      signedOff.push({ volunteerId, eventId: event.id });
    }
    if (onDuty.length > 0 && (await loadStillOnDuty(database, day)).length > 0) throw new CheckOutTimeError('before-sign-on');

    const close = await writeInTransaction(database, 'dayCloses', dayCloseId(day), { day, closedAt: now, closedBy, notes, deleted: false }, { create: true, now });
    return { day, close, checkedOut, sessionChanges, signedOff, endedSessions };
  });
}


/** Reopens a closed day (lead only): the close is deleted, the check-outs it made stay. */
export function reopenDay(database: DaybookDatabase, day: string, now = Date.now()): Promise<Stored<'dayCloses'>> {
  return inWriteTransaction(database, async () => {
    await assertLead(database, 'reopen');
    if (!(await loadDayClose(database, day))) throw new InvalidWriteError('day-not-closed', `day: ${day} is not closed`);
    return writeInTransaction(database, 'dayCloses', dayCloseId(day), { deleted: true }, { now });
  });
}

/** Undo of a reopen: the day is closed again, as it was. */
export function undoReopenDay(database: DaybookDatabase, day: string, now = Date.now()): Promise<Stored<'dayCloses'>> {
  return inWriteTransaction(database, async () => {
    await assertLead(database, 'close');
    const close = await database.dayCloses.get(dayCloseId(day));
    if (!close) throw new InvalidWriteError('day-not-closed', `day: ${day} was never closed`);
    return writeInTransaction(database, 'dayCloses', close.id, { deleted: false }, { now });
  });
}

/**
 * Undo of a close: reopens the day, voids the sign-offs and check-outs the close made, runs the
 * sessions it ended again and puts the children back in them, in one transaction, so everything
 * is as before the close.
 */
export function undoCloseDay(database: DaybookDatabase, closing: DayClosing, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    await assertLead(database, 'reopen');
    await writeInTransaction(database, 'dayCloses', closing.close.id, { deleted: true }, { now });
    for (const { eventId } of closing.signedOff) await writeInTransaction(database, 'shifts', eventId, { deleted: true }, { now });
    for (const change of closing.endedSessions) await undoSessionChange(database, change, now);
    for (const { eventId } of closing.checkedOut) await writeInTransaction(database, 'attendance', eventId, { deleted: true }, { now });
    for (const change of closing.sessionChanges) await undoSessionChange(database, change, now);
  });
}

/**
 * Earlier days that had children and were never closed, most recent first: a lead sometimes closes
 * the next morning. Only the last `lookBack` days: an older day is a report question, not a close.
 */
export async function loadDaysToClose(database: DaybookDatabase, today: string, lookBack = 14): Promise<string[]> {
  const days = (await database.attendance.where('day').between(addDays(today, -lookBack), today, true, false).uniqueKeys()).map(String);
  const closes = await database.dayCloses.bulkGet(days.map(dayCloseId));
  return days.filter((_, index) => !closes[index] || closes[index].deleted).reverse();
}

/** Who can sign a day off: the volunteers on duty that day first, then every other active one. */
export async function loadSignOffVolunteers(database: DaybookDatabase, day: string): Promise<Stored<'volunteers'>[]> {
  const onDuty = (await loadOnDuty(database, day)).map((entry) => entry.volunteer);
  const onDutyIds = new Set(onDuty.map((volunteer) => volunteer.id));
  const others = (await database.volunteers.toArray())
    .filter((volunteer) => !volunteer.deleted && volunteer.active && !onDutyIds.has(volunteer.id))
    .sort((a, b) => (a.displayName ?? '').localeCompare(b.displayName ?? ''));
  return [...onDuty, ...others];
}

export type ClosedDayView = { day: string; closedAt: number; closedBy: string; closedByName: string | null; notes: string };

/** The day's sign-off as the close screen shows it; null while the day is open. */
export async function loadClosedDay(database: DaybookDatabase, day: string): Promise<ClosedDayView | null> {
  const close = await loadDayClose(database, day);
  if (!close || close.closedAt === undefined || close.closedBy === undefined) return null;
  // The lead's record may not have synced to this tablet yet: the screen then says "a lead".
  const volunteer = await database.volunteers.get(close.closedBy);
  return { day, closedAt: close.closedAt, closedBy: close.closedBy, closedByName: volunteer?.displayName ?? null, notes: close.notes ?? '' };
}

/** A change that reached a closed day late, as Close day lists it. */
export type LateArrivalView =
  | { key: string; kind: 'check-in' | 'check-out'; code: string | null; at: number; deleted: boolean }
  | { key: string; kind: 'sign-on' | 'sign-off'; name: string | null; at: number; deleted: boolean }
  | { key: string; kind: 'session'; activity: string | null; at: number; deleted: boolean }
  | { key: string; kind: 'participant'; code: string | null; activity: string | null; deleted: boolean };

/**
 * What reached `day` after this tablet knew it was closed (written by sync/apply-page.ts), with
 * what each change was, oldest first. Codes and names may be missing while their records sync.
 */
export async function loadLateArrivals(database: DaybookDatabase, day: string): Promise<LateArrivalView[]> {
  const arrivals = (await database.lateArrivals.where('day').equals(day).toArray()).sort((a, b) => a.arrivedAt - b.arrivedAt || a.key.localeCompare(b.key));
  const ids = (table: string) => arrivals.filter((arrival) => arrival.table === table).map((arrival) => arrival.id);
  const [attendance, shifts, sessions, participations] = await Promise.all([
    database.attendance.bulkGet(ids('attendance')),
    database.shifts.bulkGet(ids('shifts')),
    database.sessions.bulkGet(ids('sessions')),
    database.participations.bulkGet(ids('participations')),
  ]);
  const byId = <R extends { id: string }>(rows: (R | undefined)[]) => new Map(rows.flatMap((row) => (row ? [[row.id, row] as const] : [])));
  const events = byId(attendance);
  const shiftEvents = byId(shifts);
  const participationRows = byId(participations);
  const sessionRows = byId([...sessions, ...(await database.sessions.bulkGet([...participationRows.values()].map((row) => row.sessionId ?? '')))]);
  const childIds = [...events.values(), ...participationRows.values()].map((row) => row.childId ?? '');
  const children = byId(await database.children.bulkGet(childIds));
  const volunteers = byId(await database.volunteers.bulkGet([...shiftEvents.values()].map((row) => row.volunteerId ?? '')));
  return arrivals.flatMap((arrival): LateArrivalView[] => {
    const { key } = arrival;
    if (arrival.table === 'attendance') {
      const event = events.get(arrival.id);
      if (!event?.at) return [];
      const code = children.get(event.childId ?? '')?.code ?? null;
      return [{ key, kind: event.kind === 'out' ? 'check-out' : 'check-in', code, at: event.at, deleted: event.deleted === true }];
    }
    if (arrival.table === 'shifts') {
      const event = shiftEvents.get(arrival.id);
      if (!event?.at) return [];
      const name = volunteers.get(event.volunteerId ?? '')?.displayName ?? null;
      return [{ key, kind: event.kind === 'off' ? 'sign-off' : 'sign-on', name, at: event.at, deleted: event.deleted === true }];
    }
    if (arrival.table === 'sessions') {
      const session = sessionRows.get(arrival.id);
      if (!session?.startedAt) return [];
      return [{ key, kind: 'session', activity: session.activity ?? null, at: session.startedAt, deleted: session.deleted === true }];
    }
    const row = participationRows.get(arrival.id);
    if (!row) return [];
    const code = children.get(row.childId ?? '')?.code ?? null;
    return [{ key, kind: 'participant', code, activity: sessionRows.get(row.sessionId ?? '')?.activity ?? null, deleted: row.deleted === true }];
  });
}

/** The lead has read the list of late arrivals for `day`: it goes (the records stay). */
export async function clearLateArrivals(database: DaybookDatabase, day: string): Promise<void> {
  await database.lateArrivals.where('day').equals(day).delete();
}
