import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../db';
import { loadOnDuty, loadPresentChildren, type OnDutyVolunteer, type PresentChild } from '../repositories/presence';

/** The children present on `day`, live; undefined while loading. */
export function usePresentChildren(day: string): PresentChild[] | undefined {
  return useLiveQuery(() => loadPresentChildren(db, day), [day]);
}

/** The volunteers on duty on `day`, live; undefined while loading. */
export function useOnDuty(day: string): OnDutyVolunteer[] | undefined {
  return useLiveQuery(() => loadOnDuty(db, day), [day]);
}
