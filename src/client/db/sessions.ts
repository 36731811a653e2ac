import { useLiveQuery } from 'dexie-react-hooks';
import { centreDay } from '../../shared/dates';
import { participationId, uuidv7 } from '../../shared/ids';
import type { Fields } from '../../shared/schema';
import { runningSessionByChild, sessionState, sessionsOfDay, type ParticipationInput } from '../../shared/sessions';
import { db } from './db';
import type { Stored } from './database';
import { assertDayWritable } from './day-guard';
import { loadPresentChildren } from './presence-hooks';
import { loadSettings } from './settings';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

/**
 * Activity sessions and who takes part in them. Every action returns what its Undo needs: the
 * fields of each record it wrote, as they were before, so Undo restores exactly that state.
 */

const PLACE_MAX = 60;

type RecordBefore =
  | { table: 'sessions'; id: string; fields: Partial<Fields<'sessions'>> }
  | { table: 'participations'; id: string; fields: Partial<Fields<'participations'>> };

/** What an action changed, for `undoSessionChange`. Empty `before` when it changed nothing. */
export type SessionChange = { day: string; before: RecordBefore[] };

export type SessionStart = { activity: string; place?: string };

/** The clock of a participation's last (re)add: the shared rule's tie-break between two tablets. */
function writtenAt(row: Stored<'participations'>): string {
  return row._hlcs?.deleted ?? row._hlc;
}

function asInput(row: Stored<'participations'>): ParticipationInput {
  return { id: row.id, sessionId: row.sessionId, childId: row.childId, deleted: row.deleted, leftAt: row.leftAt, writtenAt: writtenAt(row) };
}

async function runningSession(sessionId: string): Promise<Stored<'sessions'> & { day: string }> {
  const session = await db.sessions.get(sessionId);
  if (!session || session.deleted || session.day === undefined) throw new InvalidWriteError('sessionId: no such session on this tablet');
  if (sessionState(session) !== 'running') throw new InvalidWriteError('sessionId: this session has ended');
  return { ...session, day: session.day };
}

/** The sessions the child is in now (not left) among the running ones of `day`, other than `exceptSessionId`. */
async function runningParticipationsOf(childId: string, day: string, exceptSessionId?: string): Promise<Stored<'participations'>[]> {
  const rows = (await db.participations.where('childId').equals(childId).toArray()).filter(
    (row) => !row.deleted && row.leftAt == null && row.sessionId !== undefined && row.sessionId !== exceptSessionId,
  );
  const sessions = await db.sessions.bulkGet(rows.map((row) => row.sessionId!));
  return rows.filter((_, index) => {
    const session = sessions[index];
    return session !== undefined && session.day === day && sessionState(session) === 'running';
  });
}

/**
 * Notes when the children left their sessions (their participations stay: they took part), and
 * the previous state for Undo.
 */
async function leave(rows: readonly Stored<'participations'>[], before: RecordBefore[], now: number): Promise<void> {
  for (const row of rows) {
    before.push({ table: 'participations', id: row.id, fields: { leftAt: row.leftAt ?? null } });
    await writeInTransaction('participations', row.id, { leftAt: now }, { now });
  }
}

/** Starts a session of one of the centre's active activity types, today, now. */
export function startSession(start: SessionStart, now = Date.now()): Promise<Stored<'sessions'>> {
  return inWriteTransaction(async () => {
    const settings = await loadSettings();
    if (!settings.activityTypes.some((type) => type.active && type.id === start.activity)) {
      throw new InvalidWriteError('activity: not one of the centre’s active activity types');
    }
    const place = start.place?.trim() || undefined;
    if (place !== undefined && place.length > PLACE_MAX) throw new InvalidWriteError(`place: at most ${PLACE_MAX} characters`);
    const day = centreDay(now, settings.timeZone);
    await assertDayWritable(day);
    const fields = { day, activity: start.activity, startedAt: now, endedAt: null, deleted: false, ...(place ? { place } : {}) };
    return writeInTransaction('sessions', uuidv7(now), fields, { create: true, now });
  });
}

/** Undo of `startSession`: the session is deleted, so it leaves the day's list and its counts. */
export function undoStartSession(sessionId: string, now = Date.now()): Promise<void> {
  return inWriteTransaction(async () => {
    const session = await db.sessions.get(sessionId);
    if (!session || session.day === undefined) throw new InvalidWriteError('sessionId: no such session on this tablet');
    await undoSessionChange({ day: session.day, before: [{ table: 'sessions', id: sessionId, fields: { deleted: true } }] }, now);
  });
}

export type ParticipantsAdded = {
  sessionId: string;
  /** Children now in the session who were not before (moved ones included). */
  added: string[];
  /** Children taken out of another running session to join this one. */
  moved: { childId: string; fromSessionId: string }[];
  change: SessionChange;
};

/**
 * Adds children present today to a running session. Moving a child who is in another running
 * session is one tap: their participation there is deleted in the same transaction. The
 * participation id comes from session and child, so adding a child twice (or on two tablets) is
 * one participation.
 */
export function addParticipants(sessionId: string, childIds: readonly string[], now = Date.now()): Promise<ParticipantsAdded> {
  return inWriteTransaction(async () => {
    const session = await runningSession(sessionId);
    await assertDayWritable(session.day);
    const wanted = [...new Set(childIds)];
    if (wanted.length === 0) throw new InvalidWriteError('childIds: choose at least one child');
    const present = new Set((await loadPresentChildren(session.day)).map((entry) => entry.child.id));
    const absent = wanted.find((childId) => !present.has(childId));
    if (absent !== undefined) throw new InvalidWriteError(`childIds: ${absent} is not checked in today`);

    const result: ParticipantsAdded = { sessionId, added: [], moved: [], change: { day: session.day, before: [] } };
    for (const childId of wanted) {
      const elsewhere = await runningParticipationsOf(childId, session.day, sessionId);
      await leave(elsewhere, result.change.before, now);
      for (const row of elsewhere) result.moved.push({ childId, fromSessionId: row.sessionId! });
      const id = participationId(sessionId, childId);
      const existing = await db.participations.get(id);
      const tookPart = existing !== undefined && !existing.deleted;
      const alreadyIn = tookPart && existing.leftAt == null;
      if (!alreadyIn) {
        // Undo puts back what was: no participation (deleted), or a child who had left.
        result.change.before.push({ table: 'participations', id, fields: tookPart ? { leftAt: existing.leftAt ?? null } : { deleted: true } });
        await writeInTransaction('participations', id, { sessionId, childId, leftAt: null, deleted: false }, { create: true, now });
      }
      if (!alreadyIn || elsewhere.length > 0) result.added.push(childId);
    }
    return result;
  });
}

/** Takes a child out of a running session. */
export function removeParticipant(sessionId: string, childId: string, now = Date.now()): Promise<SessionChange> {
  return inWriteTransaction(async () => {
    const session = await runningSession(sessionId);
    await assertDayWritable(session.day);
    const row = await db.participations.get(participationId(sessionId, childId));
    if (!row || row.deleted) throw new InvalidWriteError('childId: this child is not in the session');
    const change: SessionChange = { day: session.day, before: [] };
    await leave([row], change.before, now);
    return change;
  });
}

/** Ends a running session; its participants stay as the children who took part. */
export function endSession(sessionId: string, now = Date.now()): Promise<SessionChange> {
  return inWriteTransaction(async () => {
    const session = await runningSession(sessionId);
    await assertDayWritable(session.day);
    // A tablet whose clock runs behind must not end a session before it started.
    const endedAt = Math.max(now, session.startedAt ?? now);
    await writeInTransaction('sessions', sessionId, { endedAt }, { now });
    return { day: session.day, before: [{ table: 'sessions', id: sessionId, fields: { endedAt: null } }] };
  });
}

/**
 * Takes a child out of whatever running session of today they are in (checking a child out
 * does). Joins the caller's transaction when called inside one. Null when they were in none.
 */
export function leaveRunningSession(childId: string, now = Date.now()): Promise<SessionChange | null> {
  return inWriteTransaction(async () => {
    const { timeZone } = await loadSettings();
    const day = centreDay(now, timeZone);
    const rows = await runningParticipationsOf(childId, day);
    if (rows.length === 0) return null;
    await assertDayWritable(day);
    const change: SessionChange = { day, before: [] };
    await leave(rows, change.before, now);
    return change;
  });
}

/** Undo of any action above: puts back every field it wrote, all in one transaction. */
export function undoSessionChange(change: SessionChange, now = Date.now()): Promise<void> {
  return inWriteTransaction(async () => {
    if (change.before.length === 0) return;
    await assertDayWritable(change.day);
    for (const record of change.before) {
      if (record.table === 'sessions') await writeInTransaction('sessions', record.id, record.fields, { now });
      else await writeInTransaction('participations', record.id, record.fields, { now });
    }
  });
}

export type SessionView = {
  session: Stored<'sessions'>;
  state: 'running' | 'ended';
  /** The children in it (running) or who took part (ended), by code. */
  participants: Stored<'children'>[];
  headcount: number;
};

/** The day's sessions, running first, with their participants. */
export async function loadSessionsOfDay(day: string): Promise<SessionView[]> {
  const sessions = await db.sessions.where('day').equals(day).toArray();
  if (sessions.length === 0) return [];
  const participations = await db.participations
    .where('sessionId')
    .anyOf(sessions.map((session) => session.id))
    .toArray();
  const derived = sessionsOfDay(sessions, participations.map(asInput));
  const childIds = [...new Set(derived.flatMap((entry) => entry.participantIds))];
  const children = new Map<string, Stored<'children'>>();
  for (const child of await db.children.bulkGet(childIds)) if (child && !child.deleted) children.set(child.id, child);
  return derived.map(({ session, state, participantIds }) => {
    // A child erased by the lead (or not synced here yet) has no code to show, so is not counted.
    const participants = participantIds.flatMap((id) => children.get(id) ?? []).sort((a, b) => (a.code ?? '').localeCompare(b.code ?? ''));
    return { session, state, participants, headcount: participants.length };
  });
}

/** The running session each child is in on `day` (child id to session id). */
export async function loadRunningSessionByChild(day: string): Promise<Map<string, string>> {
  const sessions = await db.sessions.where('day').equals(day).toArray();
  const participations = await db.participations
    .where('sessionId')
    .anyOf(sessions.map((session) => session.id))
    .toArray();
  return runningSessionByChild(sessions, participations.map(asInput));
}

/** The day's sessions, live; undefined while loading. */
export function useSessionsOfDay(day: string): SessionView[] | undefined {
  return useLiveQuery(() => loadSessionsOfDay(day), [day]);
}

/** The running session a child is in on `day`, live: null when none, undefined while loading. */
export function useRunningSessionOf(childId: string, day: string): string | null | undefined {
  return useLiveQuery(async () => (await loadRunningSessionByChild(day)).get(childId) ?? null, [childId, day]);
}
