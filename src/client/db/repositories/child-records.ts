import { fromAttendance } from '../../../shared/presence';
import { visitsOf, type Visit } from '../../../shared/visits';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import type { ChildProfile } from './children';
import { loadDeviceRole } from './device';

/** A child's record as the lead's Children screen reads and corrects it (apart from Today's path). */

/** An activity session a child was counted in. */
export type ChildSession = { sessionId: string; day: string; activity: string; startedAt: number };

export type ChildDetail = {
  child: Stored<'children'>;
  /** The latest visits first, at most `limit` of them. */
  visits: Visit[];
  visitCount: number;
  /** The latest sessions first, at most `limit` of them (an addition undone is not one). */
  sessions: ChildSession[];
  sessionCount: number;
};

/** A child, their recent visits and sessions, for the lead's Children screen; null when the code names no child here. */
export async function loadChildDetail(database: DaybookDatabase, childId: string, limit = 10): Promise<ChildDetail | null> {
  const child = await database.children.get(childId);
  if (!child || child.deleted) return null;
  const [events, participations] = await Promise.all([database.attendance.where('childId').equals(childId).toArray(), database.participations.where('childId').equals(childId).toArray()]);
  const visits = visitsOf(fromAttendance(events)).reverse();
  const taken = participations.filter((participation) => !participation.deleted && participation.sessionId);
  const sessions = (await database.sessions.bulkGet(taken.map((participation) => participation.sessionId!)))
    .filter((session): session is Stored<'sessions'> => session !== undefined && !session.deleted && session.day !== undefined && session.startedAt !== undefined)
    .map((session) => ({ sessionId: session.id, day: session.day!, activity: session.activity ?? '', startedAt: session.startedAt! }))
    .sort((a, b) => b.startedAt - a.startedAt);
  return { child, visits: visits.slice(0, limit), visitCount: visits.length, sessions: sessions.slice(0, limit), sessionCount: sessions.length };
}

/** A child as the lead's list shows them: nothing but the code and the profile. */
export type ChildListEntry = Pick<Stored<'children'>, 'id' | 'code' | 'ageBand' | 'gender' | 'languages' | 'registeredOn'> & { code: string };

/**
 * Every child registered here, by code: a year of a busy centre is about 3,000 small rows, read
 * in one pass (about 50 ms on a cheap tablet). Erased children are gone from the table already.
 */
export async function loadChildList(database: DaybookDatabase): Promise<ChildListEntry[]> {
  const children = await database.children.orderBy('code').toArray();
  return children
    .filter((child): child is Stored<'children'> & { code: string } => !child.deleted && typeof child.code === 'string')
    .map(({ id, code, ageBand, gender, languages, registeredOn }) => ({ id, code, ageBand, gender, languages, registeredOn }));
}

/**
 * The last day each of `childIds` came, for the rows on screen only: the attendance of a year is
 * 100,000 rows, so the list never reads it for all children, only for the few dozen shown.
 */
export async function loadLastVisits(database: DaybookDatabase, childIds: readonly string[]): Promise<Map<string, string>> {
  const last = new Map<string, string>();
  if (childIds.length === 0) return last;
  const events = await database.attendance.where('childId').anyOf([...childIds]).toArray();
  for (const event of events) {
    if (event.deleted || event.childId === undefined || event.day === undefined) continue;
    const seen = last.get(event.childId);
    if (seen === undefined || event.day > seen) last.set(event.childId, event.day);
  }
  return last;
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
