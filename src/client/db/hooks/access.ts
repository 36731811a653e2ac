import { useLiveQuery } from 'dexie-react-hooks';
import type { Role } from '../../../shared/schema';
import type { Stored } from '../core/database';
import { db } from '../db';
import { isDayClosed, loadDayClose } from '../repositories/day-guard';
import { hasLeadPin, loadDeviceRole } from '../repositories/device';

/** This tablet's role, live; undefined while it is read, so nothing reads as a lead's before it is known. */
export function useDeviceRole(): Role | undefined {
  return useLiveQuery(() => loadDeviceRole(db), []);
}

/**
 * What this tablet may do on `day`, live (product.md: a closed day is read-only except for a lead):
 * `loading` until both the role and the day's close are read, so no lead action shows early.
 * The repositories refuse such writes anyway; this hides the buttons that would fail.
 */
export type DayAccess = 'loading' | 'open' | 'closed-lead' | 'read-only';

export function useDayAccess(day: string): DayAccess {
  const state = useLiveQuery(async () => ({ role: await loadDeviceRole(db), closed: await isDayClosed(db, day) }), [day]);
  if (!state) return 'loading';
  if (!state.closed) return 'open';
  return state.role === 'lead' ? 'closed-lead' : 'read-only';
}

/** The day's sign-off, live: null while the day is open, undefined while it is read. */
export function useDayClose(day: string): Stored<'dayCloses'> | null | undefined {
  return useLiveQuery(async () => (await loadDayClose(db, day)) ?? null, [day]);
}

/** Whether this tablet has a lead PIN, live; undefined while it is read. */
export function useLeadPinSet(): boolean | undefined {
  return useLiveQuery(() => hasLeadPin(db), []);
}
