import { useLiveQuery } from 'dexie-react-hooks';
import type { Stored } from '../core/database';
import { db } from '../db';
import { loadVolunteers } from '../repositories/volunteers';

/** The sign-on list, live: a volunteer added on another tablet appears once synced. Undefined while loading. */
export function useVolunteers(): Stored<'volunteers'>[] | undefined {
  return useLiveQuery(() => loadVolunteers(db), []);
}
