import { useLiveQuery } from 'dexie-react-hooks';
import type { Enrolment } from '../core/database';
import { db } from '../db';
import { loadEnrolment } from '../repositories/sync-state';

/** This tablet's enrolment, live: null when it was never enrolled, undefined while it is read. */
export function useEnrolment(): Enrolment | null | undefined {
  return useLiveQuery(() => loadEnrolment(db), []);
}
