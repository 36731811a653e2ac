import { compareEvents, type PresenceEvent } from './presence';

/**
 * A visit (product.md): from an `in` that found the child not present to the next `out`. Two
 * `in`s in a row (two tablets) are one visit; an `out` with no visit open changes nothing. The
 * same rule gives a volunteer's stretches on duty from `on`/`off` shift events.
 */
export type Visit = {
  subjectId: string;
  start: number;
  /** Null while the visit is still open. */
  end: number | null;
  /** The event that began it. */
  startEventId: string;
};

/** Every visit in the events, ordered by start then subject; deleted events count for nothing. */
export function visitsOf(events: readonly PresenceEvent[]): Visit[] {
  const ordered = events.filter((event) => !event.deleted).sort(compareEvents);
  const open = new Map<string, Visit>();
  const visits: Visit[] = [];
  for (const event of ordered) {
    const current = open.get(event.subjectId);
    if (event.entering) {
      if (current) continue;
      const visit: Visit = { subjectId: event.subjectId, start: event.at, end: null, startEventId: event.id };
      open.set(event.subjectId, visit);
      visits.push(visit);
    } else if (current) {
      current.end = event.at;
      open.delete(event.subjectId);
    }
  }
  return visits.sort((a, b) => a.start - b.start || (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
}

/** A finished visit's length in milliseconds; null while it is open. */
export function visitLength(visit: Visit): number | null {
  return visit.end === null ? null : visit.end - visit.start;
}
