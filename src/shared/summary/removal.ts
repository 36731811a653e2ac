import { combineCorrections, correctionFor, type DayCorrection } from './corrections';
import { dayFacts, recordsByDay, type AttendanceRow, type DayCloseRow, type DayFacts, type DayRecords, type ParticipationRow, type SessionRow, type ShiftRow, type SummaryRules } from './day-facts';
import { summariseRange, type ChildRow } from './summarise';

/**
 * The corrections that keep the figures of `days` when records are deleted (an erasure or a
 * purge): the facts of those days before and after the deletion, and the children before and
 * after (an erased child's record goes too). Days whose figures the deletion does not change get
 * none. `standIn` names an erased child (see corrections.ts); a purge gives none.
 */
export function correctionsForRemoval(
  before: { facts: readonly DayFacts[]; children: readonly ChildRow[] },
  after: { facts: readonly DayFacts[]; children: readonly ChildRow[] },
  standIn: (childId: string) => string | undefined,
): DayCorrection[] {
  const was = summariseRange(before.facts, before.children).days;
  const is = summariseRange(after.facts, after.children).days;
  const corrections: DayCorrection[] = [];
  before.facts.forEach((facts, i) => {
    const afterFacts = after.facts[i]!;
    if (afterFacts.day !== facts.day) throw new Error('before and after must list the same days');
    const correction = correctionFor({ facts, children: was[i]! }, { facts: afterFacts, children: is[i]! }, standIn);
    if (changesAnything(correction)) corrections.push(correction);
  });
  return corrections;
}

/** A day's kept correction and a new one, as one (either may be missing). */
export function withCorrection(kept: DayCorrection | undefined, added: DayCorrection): DayCorrection {
  return kept ? combineCorrections(kept, added) : added;
}

function changesAnything(correction: DayCorrection): boolean {
  const { day: _day, peakAt, standIns, ...figures } = correction;
  if (peakAt !== null || standIns.length > 0) return true;
  const nonZero = (value: unknown): boolean => (typeof value === 'number' ? value !== 0 : typeof value === 'object' && value !== null && Object.values(value).some(nonZero));
  return Object.values(figures).some(nonZero);
}

/** The rows of some days, as a removal reads them (tablet and server alike). */
export type DayRows = {
  attendance: readonly (AttendanceRow & { day?: string | undefined })[];
  shifts: readonly (ShiftRow & { day?: string | undefined })[];
  sessions: readonly (SessionRow & { day?: string | undefined })[];
  participations: readonly ParticipationRow[];
  dayCloses: readonly (DayCloseRow & { day?: string | undefined })[];
};

export type RemovedTable = keyof DayRows;
export const TABLES_OF_DAY: readonly RemovedTable[] = ['attendance', 'shifts', 'sessions', 'participations', 'dayCloses'];

/** What a removal deletes: the rows of some days, and children with their own record. */
export type Removal = {
  /** The days whose records lose rows. */
  days: readonly string[];
  /** Which of those days' rows go. */
  removes: (row: { table: RemovedTable; row: { id: string; childId?: string | undefined } }) => boolean;
  /** Children whose own record goes too. */
  childIds: readonly string[];
  /** An erased child's stand-in (corrections.ts); none for a purge. */
  standIn: (childId: string) => string | undefined;
};

/** The rows that go, by table, and the corrections that keep the days' figures. */
export type RemovalPlan = { goes: Map<RemovedTable, string[]>; corrections: DayCorrection[] };

/** The children a removal of these rows must be given: those the rows name. */
export function childrenNamed(rows: DayRows): string[] {
  const ids = new Set<string>();
  for (const row of rows.attendance) if (row.childId !== undefined) ids.add(row.childId);
  for (const row of rows.participations) if (row.childId !== undefined) ids.add(row.childId);
  return [...ids];
}

/**
 * Plans a removal, the same on a tablet and on the server: `rows` are every record of
 * `removal.days` (participations of their sessions), `children` at least the children those rows
 * name (childrenNamed) and those removed, `rules` the centre's. A removed child's registration day
 * loses a new child too: a day with no rows removed, whose facts are the same before and after,
 * so empty ones serve.
 */
export function planRemoval(removal: Removal, rows: DayRows, children: readonly ChildRow[], rules: SummaryRules): RemovalPlan {
  const days = [...new Set(removal.days)].sort();
  const goes = new Map<RemovedTable, string[]>(TABLES_OF_DAY.map((table) => [table, []]));
  const left = Object.fromEntries(
    TABLES_OF_DAY.map((table) => [
      table,
      (rows[table] as readonly { id: string; childId?: string }[]).filter((row) => {
        if (!removal.removes({ table, row })) return true;
        goes.get(table)!.push(row.id);
        return false;
      }),
    ]),
  ) as unknown as DayRows;
  const removedIds = new Set(removal.childIds);
  const removed = children.filter((child) => removedIds.has(child.id));
  const others = children.filter((child) => !removedIds.has(child.id));
  const empty = (day: string): DayRecords => ({ day, attendance: [], shifts: [], sessions: [], participations: [] });
  const registrationDays = [...new Set(removed.flatMap((child) => (child.registeredOn !== undefined && !days.includes(child.registeredOn) ? [child.registeredOn] : [])))];
  const beforeFacts = [...recordsByDay(days, rows), ...registrationDays.map(empty)].map((day) => dayFacts(day, rules));
  const afterFacts = [...recordsByDay(days, left), ...registrationDays.map(empty)].map((day) => dayFacts(day, rules));
  const corrections = correctionsForRemoval({ facts: beforeFacts, children: [...others, ...removed] }, { facts: afterFacts, children: others }, removal.standIn);
  return { goes, corrections };
}
