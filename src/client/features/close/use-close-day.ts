import { useLiveQuery } from 'dexie-react-hooks';
import type { Stored } from '../../db/core/database';
import { db } from '../../db/db';
import { loadClosedDay, loadDaysToClose, loadSignOffVolunteers, type ClosedDayView } from '../../db/repositories/day-close';

/** The day's sign-off, live: null while the day is open, undefined while loading. */
export function useClosedDay(day: string): ClosedDayView | null | undefined {
  return useLiveQuery(() => loadClosedDay(db, day), [day]);
}

/** Earlier days with children that are still open, most recent first. */
export function useDaysToClose(today: string): string[] | undefined {
  return useLiveQuery(() => loadDaysToClose(db, today), [today]);
}

/** The volunteers who may sign `day` off: those on duty first. */
export function useSignOffVolunteers(day: string): Stored<'volunteers'>[] | undefined {
  return useLiveQuery(() => loadSignOffVolunteers(db, day), [day]);
}
