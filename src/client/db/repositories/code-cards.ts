import type { DaybookDatabase } from '../core/database';
import { loadChildList, type ChildListEntry } from './child-records';
import { loadEnrolment } from './sync-state';

/**
 * What the Code cards screen reads. A card carries the code and the centre's name only
 * (product.md, data protection); the age band and registration day are read to help the lead
 * pick the right child from the list, never to print.
 */

/** A child as the card list shows them: the code to print, and what helps the lead pick the right child. */
export type CardChild = Pick<ChildListEntry, 'id' | 'code' | 'ageBand' | 'registeredOn'>;

/** The children registered on this tablet, by code: the Children screen's list (child-records.ts). */
export const loadCardChildren: (database: DaybookDatabase) => Promise<CardChild[]> = loadChildList;

/** The centre's name as the server gave it at enrolment; null on a tablet that was never enrolled. */
export async function loadCentreName(database: DaybookDatabase): Promise<string | null> {
  return (await loadEnrolment(database))?.centre.name ?? null;
}
