/**
 * Activity sessions (product.md, "Activity sessions"): a session runs from its start until it is
 * ended; the children in it are its non-deleted participations. Pure rules over the day's
 * `sessions` and `participations` records, so the tablet and the server derive the same picture.
 */

/** The fields of a session these rules read. Partial: a replica may not have every field yet. */
export type SessionInput = {
  id: string;
  startedAt?: number;
  endedAt?: number | null;
  deleted?: boolean;
};

/** The fields of a participation these rules read. */
export type ParticipationInput = {
  id: string;
  sessionId?: string;
  childId?: string;
  deleted?: boolean;
  /** Set when the child left the session while it ran: they took part, but are no longer in it. */
  leftAt?: number | null;
  /**
   * When the participation was last (re)added, as a string whose order is write order: the HLC of
   * its `deleted` field. Decides which of two running sessions a child is in after two tablets
   * added them to both while offline. Missing counts as the oldest write.
   */
  writtenAt?: string;
};

export type SessionState = 'running' | 'ended' | 'deleted';

/** Running until it has an end time; a deleted session (its start undone) is neither. */
export function sessionState(session: SessionInput): SessionState {
  if (session.deleted) return 'deleted';
  // `undefined` as well as null: a session synced before its endedAt field arrived is still running.
  return session.endedAt == null ? 'running' : 'ended';
}

export type SessionOfDay<S extends SessionInput> = {
  session: S;
  state: 'running' | 'ended';
  /** The children in it now (running) or who took part (ended), ordered by id. */
  participantIds: string[];
  headcount: number;
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A participation that counts: not deleted, and naming both its session and its child. */
function isLive(p: ParticipationInput): p is ParticipationInput & { sessionId: string; childId: string } {
  return !p.deleted && p.sessionId !== undefined && p.childId !== undefined;
}

/**
 * Which running session each child is in. A child is in at most one: when two tablets put a child
 * in two running sessions, the participation written last (greatest `writtenAt`) wins, then the
 * session started last, then the greater session id, so every replica picks the same one.
 */
export function runningSessionByChild(sessions: readonly SessionInput[], participations: readonly ParticipationInput[]): Map<string, string> {
  const running = new Map<string, SessionInput>();
  for (const session of sessions) if (sessionState(session) === 'running') running.set(session.id, session);
  const winners = new Map<string, { sessionId: string; writtenAt: string; startedAt: number }>();
  for (const p of participations) {
    if (!isLive(p) || p.leftAt != null) continue;
    const session = running.get(p.sessionId);
    if (!session) continue;
    const candidate = { sessionId: p.sessionId, writtenAt: p.writtenAt ?? '', startedAt: session.startedAt ?? 0 };
    const current = winners.get(p.childId);
    if (!current || compareClaims(candidate, current) > 0) winners.set(p.childId, candidate);
  }
  return new Map([...winners].map(([childId, claim]) => [childId, claim.sessionId]));
}

type Claim = { sessionId: string; writtenAt: string; startedAt: number };

function compareClaims(a: Claim, b: Claim): number {
  return byText(a.writtenAt, b.writtenAt) || a.startedAt - b.startedAt || byText(a.sessionId, b.sessionId);
}

/** The running session a child is in, or null. */
export function runningSessionOf(
  childId: string,
  sessions: readonly SessionInput[],
  participations: readonly ParticipationInput[],
): string | null {
  return runningSessionByChild(sessions, participations).get(childId) ?? null;
}

/** Running sessions first, then each group in the order they started (then by id, for ties). */
export function compareSessionsOfDay(a: SessionInput, b: SessionInput): number {
  const rank = (s: SessionInput) => (sessionState(s) === 'running' ? 0 : 1);
  return rank(a) - rank(b) || (a.startedAt ?? 0) - (b.startedAt ?? 0) || byText(a.id, b.id);
}

/**
 * A day's sessions with their participants and headcounts, ordered for the Sessions screen.
 * Deleted sessions are left out. A running session counts only the children whose running session
 * it is (see runningSessionByChild); an ended one counts every child who took part in it.
 * Participations of sessions not in `sessions` (another day) are ignored.
 */
export function sessionsOfDay<S extends SessionInput>(sessions: readonly S[], participations: readonly ParticipationInput[]): SessionOfDay<S>[] {
  const inRunning = runningSessionByChild(sessions, participations);
  const participants = new Map<string, Set<string>>();
  for (const p of participations) {
    if (!isLive(p)) continue;
    let set = participants.get(p.sessionId);
    if (!set) participants.set(p.sessionId, (set = new Set()));
    set.add(p.childId);
  }
  const list: SessionOfDay<S>[] = [];
  for (const session of [...sessions].sort(compareSessionsOfDay)) {
    const state = sessionState(session);
    if (state === 'deleted') continue;
    let ids = [...(participants.get(session.id) ?? [])];
    if (state === 'running') ids = ids.filter((childId) => inRunning.get(childId) === session.id);
    ids.sort(byText);
    list.push({ session, state, participantIds: ids, headcount: ids.length });
  }
  return list;
}
