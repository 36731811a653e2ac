/**
 * Presence from immutable in/out events (product.md, "Derived rules"). The same rule serves
 * children (attendance: in/out) and volunteers (shifts: on/off).
 */
export type PresenceEvent = {
  id: string;
  /** The child or volunteer the event is about. */
  subjectId: string;
  /** True for `in` / `on`, false for `out` / `off`. */
  entering: boolean;
  at: number;
  deleted?: boolean;
};

export type Presence = {
  /** When the current visit began: the first `in` after the last `out`. */
  since: number;
  /** The event that began it. */
  eventId: string;
};

/** Events ordered as product.md says: by `at`, then by `id`, so every replica agrees. */
export function compareEvents(a: { at: number; id: string }, b: { at: number; id: string }): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Who is present at time `t` (default: after every event): the subjects whose latest
 * non-deleted event at or before `t` is an entry. Two entries in a row (two tablets checking in
 * the same child) are one visit, which began at the first of them. An exit with no entry
 * before it changes nothing.
 */
export function presentAt(events: readonly PresenceEvent[], t = Number.POSITIVE_INFINITY): Map<string, Presence> {
  const ordered = events.filter((event) => !event.deleted && event.at <= t).sort(compareEvents);
  const present = new Map<string, Presence>();
  for (const event of ordered) {
    if (!event.entering) present.delete(event.subjectId);
    else if (!present.has(event.subjectId)) present.set(event.subjectId, { since: event.at, eventId: event.id });
  }
  return present;
}

/** Attendance events as presence events. */
export function fromAttendance(events: readonly { id: string; childId?: string; kind?: string; at?: number; deleted?: boolean }[]): PresenceEvent[] {
  const out: PresenceEvent[] = [];
  for (const e of events) {
    if (e.childId === undefined || e.at === undefined || e.kind === undefined) continue;
    out.push({ id: e.id, subjectId: e.childId, entering: e.kind === 'in', at: e.at, deleted: e.deleted });
  }
  return out;
}

/** Shift events (`on` / `off`) as presence events: a volunteer is on duty like a child is present. */
export function fromShifts(events: readonly { id: string; volunteerId?: string; kind?: string; at?: number; deleted?: boolean }[]): PresenceEvent[] {
  const out: PresenceEvent[] = [];
  for (const e of events) {
    if (e.volunteerId === undefined || e.at === undefined || e.kind === undefined) continue;
    out.push({ id: e.id, subjectId: e.volunteerId, entering: e.kind === 'on', at: e.at, deleted: e.deleted });
  }
  return out;
}
