import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../db';
import { loadRunningSessionByChild, loadSessionsOfDay, type SessionView } from '../repositories/sessions';

/** The day's sessions, live; undefined while loading. */
export function useSessionsOfDay(day: string): SessionView[] | undefined {
  return useLiveQuery(() => loadSessionsOfDay(db, day), [day]);
}

/** The running session a child is in on `day`, live: null when none, undefined while loading. */
export function useRunningSessionOf(childId: string, day: string): string | null | undefined {
  return useLiveQuery(async () => (await loadRunningSessionByChild(db, day)).get(childId) ?? null, [childId, day]);
}
