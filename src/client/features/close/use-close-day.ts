import { useLiveQuery } from 'dexie-react-hooks';
import type { Stored } from '../../db/database';
import { loadClosedDay, loadDaysToClose, loadSignOffVolunteers, type ClosedDayView } from '../../db/day-close';

/** The day's sign-off, live: null while the day is open, undefined while loading. */
export function useClosedDay(day: string): ClosedDayView | null | undefined {
  return useLiveQuery(() => loadClosedDay(day), [day]);
}

/** Earlier days with children that are still open, most recent first. */
export function useDaysToClose(today: string): string[] | undefined {
  return useLiveQuery(() => loadDaysToClose(today), [today]);
}

/** The volunteers who may sign `day` off: those on duty first. */
export function useSignOffVolunteers(day: string): Stored<'volunteers'>[] | undefined {
  return useLiveQuery(() => loadSignOffVolunteers(day), [day]);
}
