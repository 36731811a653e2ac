import { AGE_BANDS, GENDERS, type AgeBand, type Gender } from '../schema/tables';
import type { DayFacts } from './day-facts';

/**
 * What a day's figures lost when records were deleted that the figures still count: an erased
 * child's events (sync-protocol.md, Erasure) or every record of a purged day (Retention). The
 * day's figures are then its facts from the rows that are left, plus this correction, so a past
 * day keeps exactly the figures it had, on the tablet and the server alike, and a late change to
 * that day (a tablet that synced weeks later) still adds to them.
 *
 * No child can be read out of a correction: it holds counts and minutes, never a code, an age
 * band or a time of one child. Erased children who came that day are random stand-ins (the same
 * for one child across the days of one erasure, so distinct children over a range stay exact);
 * children of purged days are only a number, and a range's distinct children over such days are
 * then approximate.
 */
export type DayCorrection = {
  day: string;
  standIns: string[];
  /** Children of purged records that day: counted, but no longer told apart from other days'. */
  uncounted: number;
  newChildren: number;
  byAgeBand: Record<AgeBand, number>;
  byGender: Record<Gender, number>;
  visits: number;
  peakPresent: number;
  /** When the day's peak was first reached before the deletion (kept while the peak is the deleted one). */
  peakAt: number | null;
  presentByHour: Record<string, number>;
  endedVisits: number;
  visitMs: number;
  sessions: number;
  sessionsByActivity: Record<string, { sessions: number; participants: number }>;
  volunteers: number;
  volunteerMinutes: number;
  minutesOverRatio: number;
  minutesWithoutVolunteer: number;
  mostChildrenPerVolunteer: number;
};

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** A correction that changes nothing. */
export function noCorrection(day: string): DayCorrection {
  return {
    day,
    standIns: [],
    uncounted: 0,
    newChildren: 0,
    byAgeBand: zeroes(AGE_BANDS),
    byGender: zeroes(GENDERS),
    visits: 0,
    peakPresent: 0,
    peakAt: null,
    presentByHour: {},
    endedVisits: 0,
    visitMs: 0,
    sessions: 0,
    sessionsByActivity: {},
    volunteers: 0,
    volunteerMinutes: 0,
    minutesOverRatio: 0,
    minutesWithoutVolunteer: 0,
    mostChildrenPerVolunteer: 0,
  };
}

/** Per key, a minus b; keys where they agree are left out. */
function difference(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const value = (a[key] ?? 0) - (b[key] ?? 0);
    if (value !== 0) out[key] = value;
  }
  return out;
}

function plus(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = (out[key] ?? 0) + value;
  return out;
}

const tenth = (value: number) => Math.round(value * 10) / 10;

const STAND_IN = /^erased-[0-9a-f-]{36}:([^:]*):([^:]*)$/;

/**
 * A random stand-in for an erased child, the same on each day of one erasure: it carries the age
 * band and gender the days' figures already counted, so a range's total still counts the child
 * once in their band, and nothing else (no code, no id, no time).
 */
export function erasedStandIn(child: { ageBand?: string | undefined; gender?: string | undefined } | undefined): string {
  return `erased-${globalThis.crypto.randomUUID()}:${child?.ageBand ?? ''}:${child?.gender ?? ''}`;
}

/** The child a stand-in stands for, as a range's total counts them; undefined for any other id. */
export function standInChild(id: string): { id: string; ageBand?: string; gender?: string } | undefined {
  const match = STAND_IN.exec(id);
  if (!match) return undefined;
  return { id, ...(match[1] ? { ageBand: match[1] } : {}), ...(match[2] ? { gender: match[2] } : {}) };
}

/** What the children a day's figures read from their own records add up to (summarise.ts). */
export type DayChildren = { newChildren: number; byAgeBand: Record<AgeBand, number>; byGender: Record<Gender, number> };

/**
 * The correction for deleting records of one day: its facts and children's figures before and
 * after. `standIn` names an erased child who came that day; children it gives no name for are
 * counted as `uncounted` (purged).
 */
export function correctionFor(
  before: { facts: DayFacts; children: DayChildren },
  after: { facts: DayFacts; children: DayChildren },
  standIn: (childId: string) => string | undefined,
): DayCorrection {
  const kept = new Set(after.facts.childIds);
  const standIns: string[] = [];
  let uncounted = 0;
  for (const id of before.facts.childIds) {
    if (kept.has(id)) continue;
    const name = standIn(id);
    if (name === undefined) uncounted += 1;
    else standIns.push(name);
  }
  const sessionsByActivity: DayCorrection['sessionsByActivity'] = {};
  for (const activity of new Set([...Object.keys(before.facts.sessionsByActivity), ...Object.keys(after.facts.sessionsByActivity)])) {
    const was = before.facts.sessionsByActivity[activity] ?? { sessions: 0, participants: 0 };
    const is = after.facts.sessionsByActivity[activity] ?? { sessions: 0, participants: 0 };
    if (was.sessions !== is.sessions || was.participants !== is.participants) sessionsByActivity[activity] = { sessions: was.sessions - is.sessions, participants: was.participants - is.participants };
  }
  const peakPresent = before.facts.peakPresent - after.facts.peakPresent;
  return {
    day: before.facts.day,
    standIns: standIns.sort(),
    uncounted,
    newChildren: before.children.newChildren - after.children.newChildren,
    byAgeBand: plus(zeroes(AGE_BANDS), difference(before.children.byAgeBand, after.children.byAgeBand)),
    byGender: plus(zeroes(GENDERS), difference(before.children.byGender, after.children.byGender)),
    visits: before.facts.visits - after.facts.visits,
    peakPresent,
    peakAt: peakPresent > 0 || before.facts.peakAt !== after.facts.peakAt ? before.facts.peakAt : null,
    presentByHour: difference(before.facts.presentByHour, after.facts.presentByHour),
    endedVisits: before.facts.endedVisits - after.facts.endedVisits,
    visitMs: before.facts.visitMs - after.facts.visitMs,
    sessions: before.facts.sessions - after.facts.sessions,
    sessionsByActivity,
    volunteers: before.facts.volunteers - after.facts.volunteers,
    volunteerMinutes: before.facts.volunteerMinutes - after.facts.volunteerMinutes,
    minutesOverRatio: before.facts.minutesOverRatio - after.facts.minutesOverRatio,
    minutesWithoutVolunteer: before.facts.minutesWithoutVolunteer - after.facts.minutesWithoutVolunteer,
    mostChildrenPerVolunteer: tenth((before.facts.mostChildrenPerVolunteer ?? 0) - (after.facts.mostChildrenPerVolunteer ?? 0)),
  };
}

/** Two corrections of one day as one: the earlier one first (its `peakAt` gives way to a later one's). */
export function combineCorrections(earlier: DayCorrection, later: DayCorrection): DayCorrection {
  const sessionsByActivity: DayCorrection['sessionsByActivity'] = structuredClone(earlier.sessionsByActivity);
  for (const [activity, figures] of Object.entries(later.sessionsByActivity)) {
    const entry = (sessionsByActivity[activity] ??= { sessions: 0, participants: 0 });
    entry.sessions += figures.sessions;
    entry.participants += figures.participants;
  }
  return {
    day: earlier.day,
    standIns: [...new Set([...earlier.standIns, ...later.standIns])].sort(),
    uncounted: earlier.uncounted + later.uncounted,
    newChildren: earlier.newChildren + later.newChildren,
    byAgeBand: plus(earlier.byAgeBand, later.byAgeBand),
    byGender: plus(earlier.byGender, later.byGender),
    visits: earlier.visits + later.visits,
    peakPresent: earlier.peakPresent + later.peakPresent,
    peakAt: later.peakAt ?? earlier.peakAt,
    presentByHour: plus(earlier.presentByHour, later.presentByHour),
    endedVisits: earlier.endedVisits + later.endedVisits,
    visitMs: earlier.visitMs + later.visitMs,
    sessions: earlier.sessions + later.sessions,
    sessionsByActivity,
    volunteers: earlier.volunteers + later.volunteers,
    volunteerMinutes: earlier.volunteerMinutes + later.volunteerMinutes,
    minutesOverRatio: earlier.minutesOverRatio + later.minutesOverRatio,
    minutesWithoutVolunteer: earlier.minutesWithoutVolunteer + later.minutesWithoutVolunteer,
    mostChildrenPerVolunteer: tenth(earlier.mostChildrenPerVolunteer + later.mostChildrenPerVolunteer),
  };
}

/**
 * A day's facts with its correction: the figures it had before the deletion. The stand-ins join
 * the day's children (so a range counts each erased child once); the timeline, a chart of the
 * rows that are left, stays as it is.
 */
export function correctedFacts(facts: DayFacts, correction: DayCorrection | undefined): DayFacts {
  if (!correction) return facts;
  const sessionsByActivity: DayFacts['sessionsByActivity'] = structuredClone(facts.sessionsByActivity);
  for (const [activity, figures] of Object.entries(correction.sessionsByActivity)) {
    const entry = (sessionsByActivity[activity] ??= { sessions: 0, participants: 0 });
    entry.sessions += figures.sessions;
    entry.participants += figures.participants;
  }
  const peakPresent = facts.peakPresent + correction.peakPresent;
  const most = facts.mostChildrenPerVolunteer === null && correction.mostChildrenPerVolunteer === 0 ? null : tenth((facts.mostChildrenPerVolunteer ?? 0) + correction.mostChildrenPerVolunteer);
  return {
    ...facts,
    childIds: [...new Set([...facts.childIds, ...correction.standIns])].sort(),
    visits: facts.visits + correction.visits,
    peakPresent,
    peakAt: correction.peakAt ?? facts.peakAt,
    presentByHour: Object.fromEntries(
      Object.entries(plus(facts.presentByHour, correction.presentByHour))
        .filter(([, value]) => value !== 0)
        .sort(([a], [b]) => Number(a) - Number(b)),
    ),
    endedVisits: facts.endedVisits + correction.endedVisits,
    visitMs: facts.visitMs + correction.visitMs,
    sessions: facts.sessions + correction.sessions,
    sessionsByActivity: Object.fromEntries(
      Object.entries(sessionsByActivity)
        .filter(([, figures]) => figures.sessions !== 0 || figures.participants !== 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    volunteers: facts.volunteers + correction.volunteers,
    volunteerMinutes: facts.volunteerMinutes + correction.volunteerMinutes,
    minutesOverRatio: facts.minutesOverRatio + correction.minutesOverRatio,
    minutesWithoutVolunteer: facts.minutesWithoutVolunteer + correction.minutesWithoutVolunteer,
    mostChildrenPerVolunteer: most,
  };
}
