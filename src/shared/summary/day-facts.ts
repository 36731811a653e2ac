import { dayEnd, localHour, localHourSlots, type HourSlot } from '../dates';
import { dayCloseId } from '../ids';
import type { CentreSettings } from '../schema/settings';
import { fromAttendance, fromShifts } from '../presence';
import { visitsOf, type Visit } from '../visits';

/**
 * The facts of one centre day, from that day's records alone (sync-protocol.md, "Day summary").
 * They hold everything a day summary needs except what depends on the children's own records
 * (age band, gender, registration day), so a tablet can keep them per day and a range report
 * reads 31 small rows instead of 12,000 events; the children are looked up when summarising.
 */

/** The fields these rules read. Partial: a replica may not have every field of a record yet. */
export type AttendanceRow = { id: string; childId?: string; kind?: string; at?: number; deleted?: boolean };
export type ShiftRow = { id: string; volunteerId?: string; kind?: string; at?: number; deleted?: boolean };
export type SessionRow = { id: string; activity?: string; deleted?: boolean };
export type ParticipationRow = { id: string; sessionId?: string; childId?: string; deleted?: boolean };
export type DayCloseRow = { id?: string; closedAt?: number; deleted?: boolean };

/**
 * The version of what dayFacts computes. Facts a tablet kept under another version are worked
 * out again: raise it whenever a change here changes any figure or the shape of DayFacts.
 */
export const DAY_FACTS_VERSION = 1;

/** One day's records: the events, sessions and shifts whose `day` it is, and its sign-off. */
export type DayRecords = {
  day: string;
  attendance: readonly AttendanceRow[];
  shifts: readonly ShiftRow[];
  sessions: readonly SessionRow[];
  /** The participations of those sessions (others are ignored). */
  participations: readonly ParticipationRow[];
  dayClose?: DayCloseRow | undefined;
};

/** What the day's figures depend on besides its records. */
export type SummaryRules = { timeZone: string; maxChildrenPerVolunteer: number };

/**
 * What kept facts depend on besides their records: the code's version and the settings. Facts
 * kept under another key (on a tablet or the server) are worked out again.
 */
export const factsKey = (rules: SummaryRules): string => `${DAY_FACTS_VERSION}|${rules.timeZone}|${rules.maxChildrenPerVolunteer}`;

/** The rules of the centre's settings, as the tablet and the server both read them. */
export function summaryRules(settings: CentreSettings): SummaryRules {
  return { timeZone: settings.timeZone, maxChildrenPerVolunteer: settings.ratioLimits.maxChildrenPerVolunteer };
}

/** From `at` until the next step (or the day's horizon): so many children and volunteers in. */
export type PresenceStep = [at: number, children: number, volunteers: number];

export type DayFacts = {
  day: string;
  /** Distinct children with a non-deleted `in` that day, sorted. */
  childIds: string[];
  visits: number;
  peakPresent: number;
  peakAt: number | null;
  /** Most children present during each local hour that had anyone present. */
  presentByHour: Record<string, number>;
  /** Visits that ended that day (by an `out`, or by the day's closing), and their total length. */
  endedVisits: number;
  visitMs: number;
  sessions: number;
  sessionsByActivity: Record<string, { sessions: number; participants: number }>;
  volunteers: number;
  volunteerMinutes: number;
  minutesOverRatio: number;
  minutesWithoutVolunteer: number;
  /** The most children per volunteer on duty at any moment (one decimal): the lowest cover reached. */
  mostChildrenPerVolunteer: number | null;
  /** Children present and volunteers on duty through the day, for the chart. */
  timeline: PresenceStep[];
  /** Where the timeline stops: the day's closing, else its last event; null with no events. */
  horizon: number | null;
};

const MINUTE = 60_000;

/** Milliseconds as whole minutes, rounded to the nearest (the contract's rule). */
export const toMinutes = (ms: number): number => Math.round(ms / MINUTE);

/**
 * Where an open visit or shift ends: at the day's closing when the day is closed (and the visit
 * began before it), otherwise nowhere: it is left out of lengths.
 */
function endOf(visit: Visit, closedAt: number | null): number | null {
  if (visit.end !== null) return visit.end;
  return closedAt !== null && closedAt >= visit.start ? closedAt : null;
}

/** Sums of lengths, counting only stretches that ended. */
function lengths(visits: readonly Visit[], closedAt: number | null): { ended: number; ms: number } {
  let ended = 0;
  let ms = 0;
  for (const visit of visits) {
    const end = endOf(visit, closedAt);
    if (end === null) continue;
    ended += 1;
    ms += end - visit.start;
  }
  return { ended, ms };
}

/**
 * Children and volunteers in, step by step. Everything that happens at one instant is applied
 * together, so a check-out and a check-in in the same millisecond never show a phantom peak.
 */
function presenceSteps(children: readonly Visit[], volunteers: readonly Visit[], closedAt: number | null): PresenceStep[] {
  const deltas = new Map<number, [number, number]>();
  const add = (at: number, child: number, volunteer: number) => {
    const delta = deltas.get(at) ?? [0, 0];
    delta[0] += child;
    delta[1] += volunteer;
    deltas.set(at, delta);
  };
  for (const visit of children) {
    add(visit.start, 1, 0);
    const end = endOf(visit, closedAt);
    if (end !== null) add(end, -1, 0);
  }
  for (const shift of volunteers) {
    add(shift.start, 0, 1);
    const end = endOf(shift, closedAt);
    if (end !== null) add(end, 0, -1);
  }
  const steps: PresenceStep[] = [];
  let inNow = 0;
  let onNow = 0;
  for (const at of [...deltas.keys()].sort((a, b) => a - b)) {
    const [child, volunteer] = deltas.get(at)!;
    inNow += child;
    onNow += volunteer;
    const last = steps[steps.length - 1];
    if (last && last[1] === inNow && last[2] === onNow) continue;
    steps.push([at, inNow, onNow]);
  }
  return steps;
}

/** The hour of `at` from the day's slots (no Intl call), or from the zone for a stray time. */
function hourReader(slots: readonly HourSlot[], timeZone: string): (at: number) => number {
  const first = slots[0]?.start ?? Number.POSITIVE_INFINITY;
  const end = slots.length > 0 ? slots[slots.length - 1]!.start + 3_600_000 : Number.NEGATIVE_INFINITY;
  let index = 0;
  return (at) => {
    // A clock set wrong can stamp an event of this day outside it: ask the zone.
    if (at < first || at >= end) return localHour(at, timeZone);
    // Reads come in time order, so the slot is at or after the previous one: walk, rarely back.
    if (slots[index]!.start > at) index = 0;
    while (index + 1 < slots.length && slots[index + 1]!.start <= at) index += 1;
    return slots[index]!.hour;
  };
}

/** Most children present during each local hour: each step counts in every hour it overlaps. */
function byHour(steps: readonly PresenceStep[], horizon: number, slots: readonly HourSlot[], timeZone: string): Record<string, number> {
  const hourOf = hourReader(slots, timeZone);
  const most = new Map<number, number>();
  const note = (hour: number, children: number) => most.set(hour, Math.max(most.get(hour) ?? 0, children));
  steps.forEach(([at, children], i) => {
    if (children === 0) return;
    const until = steps[i + 1]?.[0] ?? horizon;
    note(hourOf(at), children);
    for (const slot of slots) if (slot.start > at && slot.start < until) note(slot.hour, children);
  });
  const result: Record<string, number> = {};
  for (const hour of [...most.keys()].sort((a, b) => a - b)) result[String(hour)] = most.get(hour)!;
  return result;
}

/** Minutes spent in each situation the lead watches, from the steps up to the horizon. */
function ratioMinutes(steps: readonly PresenceStep[], horizon: number, maxChildrenPerVolunteer: number) {
  let overMs = 0;
  let withoutMs = 0;
  let most: number | null = null;
  steps.forEach(([at, children, volunteers], i) => {
    const length = (steps[i + 1]?.[0] ?? horizon) - at;
    if (volunteers > 0) {
      if (children > maxChildrenPerVolunteer * volunteers) overMs += length;
      const perVolunteer = Math.round((children / volunteers) * 10) / 10;
      if (children > 0 && (most === null || perVolunteer > most)) most = perVolunteer;
    } else if (children > 0) {
      withoutMs += length;
    }
  });
  return { minutesOverRatio: toMinutes(overMs), minutesWithoutVolunteer: toMinutes(withoutMs), mostChildrenPerVolunteer: most };
}

function sessionFigures(sessions: readonly SessionRow[], participations: readonly ParticipationRow[]) {
  const live = sessions.filter((session) => !session.deleted);
  const activityOf = new Map<string, string>();
  const byActivity = new Map<string, { sessions: number; children: Set<string> }>();
  for (const session of live) {
    // A session whose activity has not arrived yet counts as a session but under no activity.
    if (session.activity === undefined) continue;
    activityOf.set(session.id, session.activity);
    const entry = byActivity.get(session.activity) ?? { sessions: 0, children: new Set<string>() };
    entry.sessions += 1;
    byActivity.set(session.activity, entry);
  }
  for (const participation of participations) {
    if (participation.deleted || participation.sessionId === undefined || participation.childId === undefined) continue;
    const activity = activityOf.get(participation.sessionId);
    if (activity !== undefined) byActivity.get(activity)!.children.add(participation.childId);
  }
  const sessionsByActivity: DayFacts['sessionsByActivity'] = {};
  for (const activity of [...byActivity.keys()].sort()) {
    const entry = byActivity.get(activity)!;
    sessionsByActivity[activity] = { sessions: entry.sessions, participants: entry.children.size };
  }
  return { sessions: live.length, sessionsByActivity };
}

/** The day's facts: pure, so the tablet and the server derive the same from the same records. */
export function dayFacts(records: DayRecords, rules: SummaryRules): DayFacts {
  const close = records.dayClose;
  // A lead may sign a day off the next morning: what was left open ends at the closing, but never
  // after the day itself has ended.
  const closedAt = close && !close.deleted && close.closedAt !== undefined ? Math.min(close.closedAt, dayEnd(records.day, rules.timeZone)) : null;
  const attendance = fromAttendance(records.attendance);
  const childVisits = visitsOf(attendance);
  const shiftEvents = fromShifts(records.shifts);
  const shifts = visitsOf(shiftEvents);
  const childIds = [...new Set(attendance.filter((event) => event.entering && !event.deleted).map((event) => event.subjectId))].sort();

  const steps = presenceSteps(childVisits, shifts, closedAt);
  let horizon: number | null = null;
  for (const event of [...attendance, ...shiftEvents]) if (!event.deleted && (horizon === null || event.at > horizon)) horizon = event.at;
  if (closedAt !== null && horizon !== null && closedAt > horizon) horizon = closedAt;

  let peakPresent = 0;
  let peakAt: number | null = null;
  for (const [at, children] of steps) {
    if (children > peakPresent) {
      peakPresent = children;
      peakAt = at;
    }
  }
  const visitLengths = lengths(childVisits, closedAt);
  const shiftLengths = lengths(shifts, closedAt);
  return {
    day: records.day,
    childIds,
    visits: childVisits.length,
    peakPresent,
    peakAt,
    presentByHour: horizon === null ? {} : byHour(steps, horizon, localHourSlots(records.day, rules.timeZone), rules.timeZone),
    endedVisits: visitLengths.ended,
    visitMs: visitLengths.ms,
    ...sessionFigures(records.sessions, records.participations),
    volunteers: new Set(shifts.map((shift) => shift.subjectId)).size,
    volunteerMinutes: toMinutes(shiftLengths.ms),
    ...(horizon === null
      ? { minutesOverRatio: 0, minutesWithoutVolunteer: 0, mostChildrenPerVolunteer: null }
      : ratioMinutes(steps, horizon, rules.maxChildrenPerVolunteer)),
    timeline: steps,
    horizon,
  };
}

/** Records of many days (any order), sorted into each day from `days`; days with none are empty. */
export function recordsByDay(
  days: readonly string[],
  records: {
    attendance: readonly (AttendanceRow & { day?: string })[];
    shifts: readonly (ShiftRow & { day?: string })[];
    sessions: readonly (SessionRow & { day?: string })[];
    participations: readonly ParticipationRow[];
    dayCloses: readonly (DayCloseRow & { day?: string })[];
  },
): DayRecords[] {
  const byDay = new Map<string, { attendance: AttendanceRow[]; shifts: ShiftRow[]; sessions: SessionRow[]; participations: ParticipationRow[]; dayClose?: DayCloseRow }>();
  for (const day of days) byDay.set(day, { attendance: [], shifts: [], sessions: [], participations: [] });
  const of = (day: string | undefined) => (day === undefined ? undefined : byDay.get(day));
  for (const row of records.attendance) of(row.day)?.attendance.push(row);
  for (const row of records.shifts) of(row.day)?.shifts.push(row);
  const sessionDay = new Map<string, string>();
  for (const row of records.sessions) {
    const entry = of(row.day);
    if (!entry) continue;
    entry.sessions.push(row);
    sessionDay.set(row.id, row.day!);
  }
  for (const row of records.participations) {
    const day = row.sessionId === undefined ? undefined : sessionDay.get(row.sessionId);
    of(day)?.participations.push(row);
  }
  for (const row of records.dayCloses) {
    // Only the day's own sign-off (its id comes from the day): a second record naming the same
    // day, which no tablet writes, must not make the figures depend on the order rows come in.
    const entry = of(row.day);
    if (entry && (row.id === undefined || row.id === dayCloseId(row.day!))) entry.dayClose = row;
  }
  return days.map((day) => ({ day, ...byDay.get(day)! }));
}
