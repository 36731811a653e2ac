import type { AgeBand } from '../../../shared/schema';
import type { DaybookDatabase } from '../core/database';
import { loadEnrolment } from './sync-state';

/**
 * What the Code cards screen reads. A card carries the code and the centre's name only
 * (product.md, data protection); the age band and registration day are read to help the lead
 * pick the right child from the list, never to print.
 */

export type CardChild = { id: string; code: string; ageBand: AgeBand | null; registeredOn: string | null };

/** The children registered on this tablet, by code (the `code` index gives the order). */
export async function loadCardChildren(database: DaybookDatabase): Promise<CardChild[]> {
  const children: CardChild[] = [];
  await database.children.orderBy('code').each((child) => {
    if (child.deleted || !child.code) return;
    children.push({ id: child.id, code: child.code, ageBand: child.ageBand ?? null, registeredOn: child.registeredOn ?? null });
  });
  return children;
}

/** The centre's name as the server gave it at enrolment; null on a tablet that was never enrolled. */
export async function loadCentreName(database: DaybookDatabase): Promise<string | null> {
  return (await loadEnrolment(database))?.centre.name ?? null;
}
