import { dayCloseId } from '../../../shared/ids';
import { readSettings } from '../../../shared/schema';
import { dayFacts, factsKey, recordsByDay, summaryRules, summariseRange, type ChildRow, type DayCorrection, type DayFacts, type RangeReport } from '../../../shared/summary';
import type { DaybookDatabase, KeptDayFacts } from '../core/database';

/**
 * The lead's summaries on the tablet, from kept day facts (database.ts, version 3). Reading is
 * split from keeping so the reading side can run in a live query (which may not write): a day
 * whose facts are not kept is reported missing, `keepDayFacts` computes and stores it, and the
 * live query runs again on its own.
 */

const keyOf = factsKey;

export type RangeView = { state: 'ready'; report: RangeReport; facts: DayFacts[] } | { state: 'missing'; days: string[] };

/** Above this many children, reading every child at once beats looking each one up. */
const READ_ALL_CHILDREN_FROM = 300;

/** The children a report over these facts needs: those who came, and those registered in the range. */
async function childrenFor(database: DaybookDatabase, facts: readonly DayFacts[], from: string, to: string): Promise<ChildRow[]> {
  const ids = new Set<string>();
  for (const day of facts) for (const id of day.childIds) ids.add(id);
  if (ids.size >= READ_ALL_CHILDREN_FROM) return database.children.toArray();
  const [named, registered] = await Promise.all([
    database.children.bulkGet([...ids]),
    database.children.where('registeredOn').between(from, to, true, true).toArray(),
  ]);
  return [...named.filter((child) => child !== undefined), ...registered];
}

/**
 * The report over `days` (consecutive, oldest first) from kept facts, or the days whose facts are
 * not kept yet (or were kept under other settings). Only reads: safe inside useLiveQuery.
 */
export async function readRange(database: DaybookDatabase, days: readonly string[]): Promise<RangeView> {
  const [settings, kept, corrections] = await Promise.all([database.settings.toArray(), database.dayFacts.bulkGet(days as string[]), correctionsOf(database, days)]);
  const key = keyOf(summaryRules(readSettings(settings)));
  const missing = days.filter((_, i) => kept[i]?.rulesKey !== key);
  if (missing.length > 0) return { state: 'missing', days: missing };
  const facts = kept as KeptDayFacts[];
  const children = await childrenFor(database, facts, days[0]!, days[days.length - 1]!);
  return { state: 'ready', report: summariseRange(facts, children, corrections), facts };
}

/** What erasures and purges took out of these days' figures (corrections.ts). */
async function correctionsOf(database: DaybookDatabase, days: readonly string[]): Promise<DayCorrection[]> {
  return (await database.dayCorrections.bulkGet(days as string[])).filter((correction) => correction !== undefined);
}

/** The facts of `days` from their records, read in the caller's transaction. */
async function factsFromRecords(database: DaybookDatabase, days: readonly string[]): Promise<{ facts: DayFacts[]; key: string }> {
  const sorted = [...days].sort();
  const from = sorted[0]!;
  const to = sorted[sorted.length - 1]!;
  const [settings, attendance, shifts, sessions, closes] = await Promise.all([
    database.settings.toArray(),
    database.attendance.where('day').between(from, to, true, true).toArray(),
    database.shifts.where('day').between(from, to, true, true).toArray(),
    database.sessions.where('day').between(from, to, true, true).toArray(),
    database.dayCloses.bulkGet(sorted.map(dayCloseId)),
  ]);
  const participations = sessions.length === 0 ? [] : await database.participations.where('sessionId').anyOf(sessions.map((session) => session.id)).toArray();
  const rules = summaryRules(readSettings(settings));
  const grouped = recordsByDay(sorted, { attendance, shifts, sessions, participations, dayCloses: closes.filter((close) => close !== undefined) });
  return { facts: grouped.map((day) => dayFacts(day, rules)), key: keyOf(rules) };
}

const FACT_SOURCES = ['settings', 'attendance', 'shifts', 'sessions', 'participations', 'dayCloses'];

/**
 * Computes and keeps the facts of `days`. Read and kept in one transaction with the records, so a
 * write can never land between the reading and the keeping and leave stale facts behind.
 */
export function keepDayFacts(database: DaybookDatabase, days: readonly string[]): Promise<void> {
  if (days.length === 0) return Promise.resolve();
  return database.transaction('rw', [...FACT_SOURCES, 'dayFacts'], async () => {
    const { facts, key } = await factsFromRecords(database, days);
    await database.dayFacts.bulkPut(facts.map((day) => ({ ...day, rulesKey: key })));
  });
}

/**
 * The report computed straight from the records, keeping nothing: for when keeping fails (the
 * tablet's storage is full), so the lead still sees the figures.
 */
export function computeRange(database: DaybookDatabase, days: readonly string[]): Promise<RangeView> {
  return database.transaction('r', [...FACT_SOURCES, 'children', 'dayCorrections'], async () => {
    const [{ facts }, corrections] = await Promise.all([factsFromRecords(database, days), correctionsOf(database, days)]);
    const children = await childrenFor(database, facts, days[0]!, days[days.length - 1]!);
    return { state: 'ready', report: summariseRange(facts, children, corrections), facts } satisfies RangeView;
  });
}
