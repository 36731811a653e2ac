import { fromAttendance } from '../../../shared/presence';
import { visitsOf, type Visit } from '../../../shared/visits';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import type { ChildProfile } from './children';
import { loadDeviceRole } from './device';

/** A child's record as the lead's Children screen reads and corrects it (apart from Today's path). */

export type ChildDetail = {
  child: Stored<'children'>;
  /** The latest visits first, at most `limit` of them. */
  visits: Visit[];
  visitCount: number;
};

/** A child and their recent visits, for the lead's Children screen; null when the code names no child here. */
export async function loadChildDetail(database: DaybookDatabase, childId: string, limit = 10): Promise<ChildDetail | null> {
  const child = await database.children.get(childId);
  if (!child || child.deleted) return null;
  const events = await database.attendance.where('childId').equals(childId).toArray();
  const visits = visitsOf(fromAttendance(events)).reverse();
  return { child, visits: visits.slice(0, limit), visitCount: visits.length };
}

/**
 * Corrects a child's age band, gender and languages (lead only): a volunteer tapped the wrong
 * band at registration, or the child has had a birthday. The code and the visits stay.
 */
export function correctChild(database: DaybookDatabase, childId: string, profile: ChildProfile, now = Date.now()): Promise<Stored<'children'>> {
  return inWriteTransaction(database, async () => {
    if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', "role: only a lead can correct a child's record");
    const child = await database.children.get(childId);
    if (!child || child.deleted) throw new InvalidWriteError('no-such-child', 'childId: no such child on this tablet');
    return writeInTransaction(database, 'children', childId, { ageBand: profile.ageBand, gender: profile.gender, languages: [...profile.languages] }, { now });
  });
}
