import { dayCloseId } from '../../../shared/ids';
import { readSettings, type TableName } from '../../../shared/schema';
import { childrenNamed, planRemoval, summaryRules, withCorrection, type Removal } from '../../../shared/summary';
import type { DaybookDatabase } from './database';

/**
 * Deleting records that the figures still count (an erasure, a purge), on this tablet: the rows
 * themselves go, without an op (each replica applies the same rule, sync-protocol.md), and each
 * day they belonged to keeps its figures through a correction (shared/summary/corrections.ts).
 * Runs in the caller's transaction, which must hold REMOVAL_SCOPE.
 */

export const REMOVAL_SCOPE = ['settings', 'children', 'attendance', 'sessions', 'participations', 'shifts', 'dayCloses', 'registrations', 'dayFacts', 'dayCorrections', 'lateArrivals'];

export type { Removal } from '../../../shared/summary';

/** What a removal deleted, by table: for the caller's count (the admin's `purged`, a test). */
export type Removed = Partial<Record<TableName, number>>;

/** The records of `days` as they are on this tablet, read by index (days need not be consecutive). */
async function readDays(database: DaybookDatabase, days: readonly string[]) {
  if (days.length === 0) return { attendance: [], shifts: [], sessions: [], participations: [], dayCloses: [] };
  const [attendance, shifts, sessions, closes] = await Promise.all([
    database.attendance.where('day').anyOf(days).toArray(),
    database.shifts.where('day').anyOf(days).toArray(),
    database.sessions.where('day').anyOf(days).toArray(),
    database.dayCloses.bulkGet(days.map(dayCloseId)),
  ]);
  const participations = sessions.length === 0 ? [] : await database.participations.where('sessionId').anyOf(sessions.map((session) => session.id)).toArray();
  return { attendance, shifts, sessions, participations, dayCloses: closes.filter((close) => close !== undefined) };
}

export async function removeRecords(database: DaybookDatabase, removal: Removal): Promise<Removed> {
  const days = [...new Set(removal.days)].sort();
  const [settings, records] = await Promise.all([database.settings.toArray(), readDays(database, days)]);
  const named = await database.children.bulkGet([...new Set([...childrenNamed(records), ...removal.childIds])]);
  const children = named.filter((child) => child !== undefined);
  const { goes, corrections } = planRemoval(removal, records, children, summaryRules(readSettings(settings)));
  const removedIds = new Set(children.filter((child) => removal.childIds.includes(child.id)).map((child) => child.id));

  const kept = await database.dayCorrections.bulkGet(corrections.map((correction) => correction.day));
  const registrations = removedIds.size === 0 ? [] : await database.registrations.where('childId').anyOf([...removedIds]).primaryKeys();
  const gone = [...goes].flatMap(([table, ids]) => ids.map((id) => `${table}/${id}`));
  await Promise.all([
    database.dayCorrections.bulkPut(corrections.map((correction, i) => withCorrection(kept[i], correction))),
    ...[...goes].map(([table, ids]) => (ids.length === 0 ? Promise.resolve() : database.table(table).bulkDelete(ids))),
    removedIds.size === 0 ? Promise.resolve() : database.children.bulkDelete([...removedIds]),
    registrations.length === 0 ? Promise.resolve() : database.registrations.bulkDelete(registrations),
    gone.length === 0 ? Promise.resolve() : database.lateArrivals.bulkDelete(gone),
    // The kept facts of those days were of the rows that are gone.
    database.dayFacts.bulkDelete(days),
  ]);
  const removed: Removed = {};
  for (const [table, ids] of goes) if (ids.length > 0) removed[table] = ids.length;
  if (removedIds.size > 0) removed.children = removedIds.size;
  if (registrations.length > 0) removed.registrations = registrations.length;
  return removed;
}
