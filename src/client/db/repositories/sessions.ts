import { centreDay } from '../../../shared/dates';
import { participationId, uuidv7 } from '../../../shared/ids';
import { TEXT_LIMITS } from '../../../shared/schema';
import { runningSessionByChild, sessionState, sessionsOfDay, type ParticipationInput } from '../../../shared/sessions';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { leave, leaveRunningSession, runningParticipationsOf, undoSessionChange, type SessionChange } from './session-leaving';
import { assertDayWritable } from './day-guard';
import { loadPresentChildren } from './presence';
import { loadSettings } from './settings';

export { leaveRunningSession, undoSessionChange, type SessionChange };

/**
 * Activity sessions and who takes part in them. Every action returns what its Undo needs: the
 * fields of each record it wrote, as they were before, so Undo restores exactly that state.
 */

const PLACE_MAX = TEXT_LIMITS.place;

export type SessionStart = { activity: string; place?: string };

/** The clock of a participation's last (re)add: the shared rule's tie-break between two tablets. */
function writtenAt(row: Stored<'participations'>): string {
  return row._hlcs?.deleted ?? row._hlc;
}

function asInput(row: Stored<'participations'>): ParticipationInput {
  return { id: row.id, sessionId: row.sessionId, childId: row.childId, deleted: row.deleted, leftAt: row.leftAt, writtenAt: writtenAt(row) };
}

async function runningSession(database: DaybookDatabase, sessionId: string): Promise<Stored<'sessions'> & { day: string }> {
  const session = await database.sessions.get(sessionId);
  if (!session || session.deleted || session.day === undefined) throw new InvalidWriteError('no-such-session', 'sessionId: no such session on this tablet');
  if (sessionState(session) !== 'running') throw new InvalidWriteError('session-ended', 'sessionId: this session has ended');
  return { ...session, day: session.day };
}

/** Starts a session of one of the centre's active activity types, today, now. */
export function startSession(database: DaybookDatabase, start: SessionStart, now = Date.now()): Promise<Stored<'sessions'>> {
  return inWriteTransaction(database, async () => {
    const settings = await loadSettings(database);
    if (!settings.activityTypes.some((type) => type.active && type.id === start.activity)) {
      throw new InvalidWriteError('no-such-activity', 'activity: not one of the centre’s active activity types');
    }
    const place = start.place?.trim() || undefined;
    if (place !== undefined && place.length > PLACE_MAX) throw new InvalidWriteError('too-long', `place: at most ${PLACE_MAX} characters`);
    const day = centreDay(now, settings.timeZone);
    await assertDayWritable(database, day);
    const fields = { day, activity: start.activity, startedAt: now, endedAt: null, deleted: false, ...(place ? { place } : {}) };
    return writeInTransaction(database, 'sessions', uuidv7(now), fields, { create: true, now });
  });
}

/** Undo of `startSession`: the session is deleted, so it leaves the day's list and its counts. */
export function undoStartSession(database: DaybookDatabase, sessionId: string, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    const session = await database.sessions.get(sessionId);
    if (!session || session.day === undefined) throw new InvalidWriteError('no-such-session', 'sessionId: no such session on this tablet');
    await undoSessionChange(database, { day: session.day, before: [{ table: 'sessions', id: sessionId, fields: { deleted: true } }] }, now);
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
export function addParticipants(database: DaybookDatabase, sessionId: string, childIds: readonly string[], now = Date.now()): Promise<ParticipantsAdded> {
  return inWriteTransaction(database, async () => {
    const session = await runningSession(database, sessionId);
    await assertDayWritable(database, session.day);
    const wanted = [...new Set(childIds)];
    if (wanted.length === 0) throw new InvalidWriteError('choose-children', 'childIds: choose at least one child');
    const present = new Set((await loadPresentChildren(database, session.day)).map((entry) => entry.child.id));
    const absent = wanted.find((childId) => !present.has(childId));
    if (absent !== undefined) throw new InvalidWriteError('child-not-here', `childIds: ${absent} is not checked in today`);

    const result: ParticipantsAdded = { sessionId, added: [], moved: [], change: { day: session.day, before: [] } };
    for (const childId of wanted) {
      const elsewhere = await runningParticipationsOf(database, childId, session.day, sessionId);
      await leave(database, elsewhere, result.change.before, now);
      for (const row of elsewhere) result.moved.push({ childId, fromSessionId: row.sessionId! });
      const id = participationId(sessionId, childId);
      const existing = await database.participations.get(id);
      const tookPart = existing !== undefined && !existing.deleted;
      const alreadyIn = tookPart && existing.leftAt == null;
      if (!alreadyIn) {
        // Undo puts back what was: no participation (deleted), or a child who had left.
        result.change.before.push({ table: 'participations', id, fields: tookPart ? { leftAt: existing.leftAt ?? null } : { deleted: true } });
        await writeInTransaction(database, 'participations', id, { sessionId, childId, leftAt: null, deleted: false }, { create: true, now });
      }
      if (!alreadyIn || elsewhere.length > 0) result.added.push(childId);
    }
    return result;
  });
}

/** Takes a child out of a running session. */
export function removeParticipant(database: DaybookDatabase, sessionId: string, childId: string, now = Date.now()): Promise<SessionChange> {
  return inWriteTransaction(database, async () => {
    const session = await runningSession(database, sessionId);
    await assertDayWritable(database, session.day);
    const row = await database.participations.get(participationId(sessionId, childId));
    if (!row || row.deleted) throw new InvalidWriteError('child-not-in-session', 'childId: this child is not in the session');
    const change: SessionChange = { day: session.day, before: [] };
    await leave(database, [row], change.before, now);
    return change;
  });
}

/** Ends a running session; its participants stay as the children who took part. */
export function endSession(database: DaybookDatabase, sessionId: string, now = Date.now()): Promise<SessionChange> {
  return inWriteTransaction(database, async () => {
    const session = await runningSession(database, sessionId);
    await assertDayWritable(database, session.day);
    // A tablet whose clock runs behind must not end a session before it started.
    const endedAt = Math.max(now, session.startedAt ?? now);
    await writeInTransaction(database, 'sessions', sessionId, { endedAt }, { now });
    return { day: session.day, before: [{ table: 'sessions', id: sessionId, fields: { endedAt: null } }] };
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
export async function loadSessionsOfDay(database: DaybookDatabase, day: string): Promise<SessionView[]> {
  const sessions = await database.sessions.where('day').equals(day).toArray();
  if (sessions.length === 0) return [];
  const participations = await database.participations
    .where('sessionId')
    .anyOf(sessions.map((session) => session.id))
    .toArray();
  const derived = sessionsOfDay(sessions, participations.map(asInput));
  const childIds = [...new Set(derived.flatMap((entry) => entry.participantIds))];
  const children = new Map<string, Stored<'children'>>();
  for (const child of await database.children.bulkGet(childIds)) if (child && !child.deleted) children.set(child.id, child);
  return derived.map(({ session, state, participantIds }) => {
    // A child erased by the lead (or not synced here yet) has no code to show, so is not counted.
    const participants = participantIds.flatMap((id) => children.get(id) ?? []).sort((a, b) => (a.code ?? '').localeCompare(b.code ?? ''));
    return { session, state, participants, headcount: participants.length };
  });
}

/** The running session each child is in on `day` (child id to session id). */
export async function loadRunningSessionByChild(database: DaybookDatabase, day: string): Promise<Map<string, string>> {
  const sessions = await database.sessions.where('day').equals(day).toArray();
  const participations = await database.participations
    .where('sessionId')
    .anyOf(sessions.map((session) => session.id))
    .toArray();
  return runningSessionByChild(sessions, participations.map(asInput));
}
