import { useLiveQuery } from 'dexie-react-hooks';
import type { Stored } from '../core/database';
import { db } from '../db';
import { loadClosedDay, loadDaysToClose, loadLateArrivals, loadSignOffVolunteers, type ClosedDayView, type LateArrivalView } from '../repositories/day-close';

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

/** What reached `day` after it was closed, live; undefined while loading. */
export function useLateArrivals(day: string): LateArrivalView[] | undefined {
  return useLiveQuery(() => loadLateArrivals(db, day), [day]);
}
