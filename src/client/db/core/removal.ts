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

/** What a removal will do, worked out from the records as they were read (see planRecordRemoval). */
export type RemovalPlan = {
  days: string[];
  goes: Map<TableName, string[]>;
  corrections: ReturnType<typeof planRemoval>['corrections'];
  removedIds: Set<string>;
  registrations: string[];
};

/** What a removal reads: the records of its days, the children they name, the settings. */
export type RemovalInputs = Awaited<ReturnType<typeof readRemovalInputs>>;

/** Reads what a removal touches. Writes nothing; call in a transaction for a consistent view. */
export async function readRemovalInputs(database: DaybookDatabase, removal: Removal) {
  const days = [...new Set(removal.days)].sort();
  const [settings, records] = await Promise.all([database.settings.toArray(), readDays(database, days)]);
  const named = await database.children.bulkGet([...new Set([...childrenNamed(records), ...removal.childIds])]);
  const children = named.filter((child) => child !== undefined);
  const removedIds = new Set(children.filter((child) => removal.childIds.includes(child.id)).map((child) => child.id));
  const registrations = removedIds.size === 0 ? [] : (await database.registrations.where('childId').anyOf([...removedIds]).primaryKeys()).map(String);
  return { days, settings, records, children, removedIds, registrations };
}

/** Works out what goes and what each day keeps, from what was read: no database, no transaction held. */
export function planFromInputs(removal: Removal, inputs: RemovalInputs): RemovalPlan {
  const { goes, corrections } = planRemoval(removal, inputs.records, inputs.children, summaryRules(readSettings(inputs.settings)));
  return { days: inputs.days, goes: new Map([...goes].map(([table, ids]) => [table, [...ids]])), corrections, removedIds: inputs.removedIds, registrations: inputs.registrations };
}

/** Reads what a removal touches and works out what goes and what each day keeps. Writes nothing. */
export async function planRecordRemoval(database: DaybookDatabase, removal: Removal): Promise<RemovalPlan> {
  return planFromInputs(removal, await readRemovalInputs(database, removal));
}

/** Carries a plan out: the corrections added to what each day kept already, the rows deleted. Call in a transaction holding REMOVAL_SCOPE. */
export async function applyRecordRemoval(database: DaybookDatabase, plan: RemovalPlan): Promise<Removed> {
  const { days, goes, corrections, removedIds, registrations } = plan;
  const kept = await database.dayCorrections.bulkGet(corrections.map((correction) => correction.day));
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

/** Plans and carries out a removal in the caller's transaction, which must hold REMOVAL_SCOPE. */
export async function removeRecords(database: DaybookDatabase, removal: Removal): Promise<Removed> {
  return applyRecordRemoval(database, await planRecordRemoval(database, removal));
}

/**
 * The ids of every record of `day` on this tablet now, by table, read by key only: what a purge
 * planned outside its write checks inside it, so nothing that arrived meanwhile is left counted
 * twice or deleted uncounted.
 */
export async function recordKeysOfDay(database: DaybookDatabase, day: string): Promise<Map<TableName, string[]>> {
  const [attendance, shifts, sessions, close] = await Promise.all([
    database.attendance.where('day').equals(day).primaryKeys(),
    database.shifts.where('day').equals(day).primaryKeys(),
    database.sessions.where('day').equals(day).primaryKeys(),
    database.dayCloses.get(dayCloseId(day)),
  ]);
  const participations = sessions.length === 0 ? [] : await database.participations.where('sessionId').anyOf(sessions).primaryKeys();
  return new Map<TableName, string[]>([
    ['attendance', attendance.map(String)],
    ['shifts', shifts.map(String)],
    ['sessions', sessions.map(String)],
    ['participations', participations.map(String)],
    ['dayCloses', close ? [close.id] : []],
  ]);
}
