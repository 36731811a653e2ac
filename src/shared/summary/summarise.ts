import type { DaySummary } from '../schema/report';
import { AGE_BANDS, GENDERS, type AgeBand, type Gender } from '../schema/tables';
import { toMinutes, type DayFacts } from './day-facts';
import { correctedFacts, standInChild, type DayCorrection } from './corrections';

/**
 * The day summary of sync-protocol.md ("Day summary"), field for field, plus
 * `mostChildrenPerVolunteer` (product.md: "the lowest ratio cover reached"); its type comes from
 * the report's schema (shared/schema/report.ts). A range's total has no `day`.
 */
export type { DaySummary } from '../schema/report';

export type RangeReport = { days: DaySummary[]; total: DaySummary };

/** What a summary reads of a child's own record. */
export type ChildRow = { id: string; ageBand?: string; gender?: string; registeredOn?: string; deleted?: boolean };

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
const isAgeBand = (value: string | undefined): value is AgeBand => (AGE_BANDS as readonly (string | undefined)[]).includes(value);
const isGender = (value: string | undefined): value is Gender => (GENDERS as readonly (string | undefined)[]).includes(value);

/**
 * Children by age band and gender. A child whose record has not reached this replica yet (its
 * check-in synced first) counts among the unique children but in no band, rather than a guess.
 */
function breakdown(childIds: Iterable<string>, children: ReadonlyMap<string, ChildRow>) {
  const byAgeBand = zeroes(AGE_BANDS);
  const byGender = zeroes(GENDERS);
  for (const id of childIds) {
    const child = children.get(id);
    if (isAgeBand(child?.ageBand)) byAgeBand[child.ageBand] += 1;
    if (isGender(child?.gender)) byGender[child.gender] += 1;
  }
  return { byAgeBand, byGender };
}

const average = (ms: number, count: number) => (count === 0 ? null : toMinutes(ms / count));

function summariseDay(facts: DayFacts, children: ReadonlyMap<string, ChildRow>, newChildren: number, correction: DayCorrection | undefined): DaySummary {
  const { byAgeBand, byGender } = breakdown(facts.childIds, children);
  if (correction) {
    for (const band of AGE_BANDS) byAgeBand[band] += correction.byAgeBand[band];
    for (const gender of GENDERS) byGender[gender] += correction.byGender[gender];
  }
  return {
    day: facts.day,
    uniqueChildren: facts.childIds.length + (correction?.uncounted ?? 0),
    newChildren: newChildren + (correction?.newChildren ?? 0),
    visits: facts.visits,
    byAgeBand,
    byGender,
    peakPresent: facts.peakPresent,
    peakAt: facts.peakAt,
    presentByHour: { ...facts.presentByHour },
    averageVisitMinutes: average(facts.visitMs, facts.endedVisits),
    sessions: facts.sessions,
    sessionsByActivity: structuredClone(facts.sessionsByActivity),
    volunteers: facts.volunteers,
    volunteerMinutes: facts.volunteerMinutes,
    minutesOverRatio: facts.minutesOverRatio,
    minutesWithoutVolunteer: facts.minutesWithoutVolunteer,
    mostChildrenPerVolunteer: facts.mostChildrenPerVolunteer,
  };
}

function addInto(target: Record<string, number>, source: Record<string, number>) {
  for (const [key, value] of Object.entries(source)) target[key] = (target[key] ?? 0) + value;
}

/**
 * A range's total: counts summed, except the children (distinct over the range, with their age
 * bands and genders) and the peak (the highest day's, the earliest such day on a tie). The
 * average visit is over every visit of the range, not an average of daily averages.
 */
/** The children with the erased children's stand-ins, for a range's bands (corrections.ts). */
function withStandIns(children: ReadonlyMap<string, ChildRow>, corrections: ReadonlyMap<string, DayCorrection>): ReadonlyMap<string, ChildRow> {
  const standIns = [...corrections.values()].flatMap((correction) => correction.standIns);
  if (standIns.length === 0) return children;
  const all = new Map(children);
  for (const id of standIns) {
    const child = standInChild(id);
    if (child) all.set(id, child);
  }
  return all;
}

function total(facts: readonly DayFacts[], days: readonly DaySummary[], children: ReadonlyMap<string, ChildRow>, corrections: ReadonlyMap<string, DayCorrection>): DaySummary {
  const childIds = new Set<string>();
  for (const day of facts) for (const id of day.childIds) childIds.add(id);
  const uncounted = facts.reduce((acc, day) => acc + (corrections.get(day.day)?.uncounted ?? 0), 0);
  // Exact while only one day has children: its own count is the range's.
  const approximate = uncounted > 0 && days.filter((day) => day.uniqueChildren > 0).length > 1;
  const sum = (pick: (day: DaySummary) => number) => days.reduce((acc, day) => acc + pick(day), 0);
  const presentByHour: Record<string, number> = {};
  const sessionsByActivity: DaySummary['sessionsByActivity'] = {};
  let peak: DaySummary | undefined;
  let most: number | null = null;
  for (const day of days) {
    addInto(presentByHour, day.presentByHour);
    for (const [activity, figures] of Object.entries(day.sessionsByActivity)) {
      const entry = (sessionsByActivity[activity] ??= { sessions: 0, participants: 0 });
      entry.sessions += figures.sessions;
      entry.participants += figures.participants;
    }
    if (day.peakPresent > (peak?.peakPresent ?? 0)) peak = day;
    if (day.mostChildrenPerVolunteer !== null && (most === null || day.mostChildrenPerVolunteer > most)) most = day.mostChildrenPerVolunteer;
  }
  return {
    uniqueChildren: childIds.size + uncounted,
    newChildren: sum((day) => day.newChildren),
    visits: sum((day) => day.visits),
    ...breakdown(childIds, withStandIns(children, corrections)),
    peakPresent: peak?.peakPresent ?? 0,
    peakAt: peak?.peakAt ?? null,
    presentByHour: Object.fromEntries(Object.entries(presentByHour).sort(([a], [b]) => Number(a) - Number(b))),
    averageVisitMinutes: average(
      facts.reduce((acc, day) => acc + day.visitMs, 0),
      facts.reduce((acc, day) => acc + day.endedVisits, 0),
    ),
    sessions: sum((day) => day.sessions),
    sessionsByActivity: Object.fromEntries(Object.entries(sessionsByActivity).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    volunteers: sum((day) => day.volunteers),
    volunteerMinutes: sum((day) => day.volunteerMinutes),
    minutesOverRatio: sum((day) => day.minutesOverRatio),
    minutesWithoutVolunteer: sum((day) => day.minutesWithoutVolunteer),
    mostChildrenPerVolunteer: most,
    ...(approximate ? { approximate: true as const } : {}),
  };
}

/**
 * The summaries of the days in `facts` (in their order) and their total. `children` must hold at
 * least the children the facts name and those registered on those days; others are ignored.
 */
export function summariseRange(rowFacts: readonly DayFacts[], children: Iterable<ChildRow>, corrections: readonly DayCorrection[] = []): RangeReport {
  const byDay = new Map(corrections.map((correction) => [correction.day, correction]));
  const facts = rowFacts.map((day) => correctedFacts(day, byDay.get(day.day)));
  // By id first: a child given twice (found by two lookups) is still one registration.
  const byId = new Map<string, ChildRow>();
  for (const child of children) byId.set(child.id, child);
  const registered = new Map<string, number>();
  for (const child of byId.values()) {
    if (!child.deleted && child.registeredOn !== undefined) registered.set(child.registeredOn, (registered.get(child.registeredOn) ?? 0) + 1);
  }
  const days = facts.map((day) => summariseDay(day, byId, registered.get(day.day) ?? 0, byDay.get(day.day)));
  return { days, total: total(facts, days, byId, byDay) };
}
