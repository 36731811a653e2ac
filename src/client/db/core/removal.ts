import { dayCloseId } from '../../../shared/ids';
import { readSettings, type TableName } from '../../../shared/schema';
import { correctionsForRemoval, dayFacts, recordsByDay, summaryRules, withCorrection, type DayRecords } from '../../../shared/summary';
import type { DaybookDatabase, Stored } from './database';

/**
 * Deleting records that the figures still count (an erasure, a purge), on this tablet: the rows
 * themselves go, without an op (each replica applies the same rule, sync-protocol.md), and each
 * day they belonged to keeps its figures through a correction (shared/summary/corrections.ts).
 * Runs in the caller's transaction, which must hold REMOVAL_SCOPE.
 */

export const REMOVAL_SCOPE = ['settings', 'children', 'attendance', 'sessions', 'participations', 'shifts', 'dayCloses', 'registrations', 'dayFacts', 'dayCorrections', 'lateArrivals'];

/** A row of a day's records, as removal sees it: its table and what the row holds. */
export type DayRow = { table: 'attendance' | 'shifts' | 'sessions' | 'participations' | 'dayCloses'; row: { id: string; childId?: string | undefined } };

export type Removal = {
  /** The days whose records lose rows. */
  days: readonly string[];
  /** Which of those days' rows go. */
  removes: (row: DayRow) => boolean;
  /** Children whose own record goes too (with their registrations). */
  childIds: readonly string[];
  /** An erased child's stand-in (corrections.ts); none for a purge. */
  standIn: (childId: string) => string | undefined;
};

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

const TABLES_OF_DAY = ['attendance', 'shifts', 'sessions', 'participations', 'dayCloses'] as const;

export async function removeRecords(database: DaybookDatabase, removal: Removal): Promise<Removed> {
  const days = [...new Set(removal.days)].sort();
  const [settings, records, removedChildren] = await Promise.all([database.settings.toArray(), readDays(database, days), database.children.bulkGet([...removal.childIds])]);
  const rules = summaryRules(readSettings(settings));
  const goes = new Map<DayRow['table'], string[]>(TABLES_OF_DAY.map((table) => [table, []]));
  const left = Object.fromEntries(
    TABLES_OF_DAY.map((table) => [
      table,
      (records[table] as readonly Stored<TableName>[]).filter((row) => {
        if (!removal.removes({ table, row: row })) return true;
        goes.get(table)!.push(row.id);
        return false;
      }),
    ]),
  ) as unknown as typeof records;
  const before = recordsByDay(days, records);
  const after = recordsByDay(days, left);
  // A removed child's registration day loses a new child: a day with no rows removed, whose
  // facts are the same before and after (so empty ones serve).
  const children = removedChildren.filter((child) => child !== undefined);
  const empty = (day: string): DayRecords => ({ day, attendance: [], shifts: [], sessions: [], participations: [] });
  const registrationDays = [...new Set(children.flatMap((child) => (child.registeredOn !== undefined && !days.includes(child.registeredOn) ? [child.registeredOn] : [])))];
  const beforeFacts = [...before, ...registrationDays.map(empty)].map((day) => dayFacts(day, rules));
  const afterFacts = [...after, ...registrationDays.map(empty)].map((day) => dayFacts(day, rules));
  const named = new Set(beforeFacts.flatMap((facts) => facts.childIds));
  for (const child of children) named.delete(child.id);
  const others = (await database.children.bulkGet([...named])).filter((child) => child !== undefined);
  const removedIds = new Set(children.map((child) => child.id));
  const corrections = correctionsForRemoval({ facts: beforeFacts, children: [...others, ...children] }, { facts: afterFacts, children: others }, removal.standIn);

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
