import type { ChildRow, DayRows } from '../../shared/summary';

/**
 * Stored records as the summary reads them. Every op was checked at push, but a record may still
 * lack a field (its first op set only some) or hold one a newer app added: the fields the summary
 * reads are taken by type, and anything else stays out.
 */

export type RecordRow = { tbl: string; id: string; fields: Record<string, unknown> };

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const time = (value: unknown) => (typeof value === 'number' ? value : undefined);
const flag = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };

/** Adds a record of a day's tables to `rows`; others are left out. */
export function dayRow(rows: DayRows, { tbl, id, fields: f }: RecordRow): void {
  const into = rows as Mutable<DayRows>;
  const deleted = flag(f.deleted);
  switch (tbl) {
    case 'attendance':
      into.attendance.push({ id, day: text(f.day), childId: text(f.childId), kind: text(f.kind), at: time(f.at), deleted });
      break;
    case 'shifts':
      into.shifts.push({ id, day: text(f.day), volunteerId: text(f.volunteerId), kind: text(f.kind), at: time(f.at), deleted });
      break;
    case 'sessions':
      into.sessions.push({ id, day: text(f.day), activity: text(f.activity), deleted });
      break;
    case 'participations':
      into.participations.push({ id, sessionId: text(f.sessionId), childId: text(f.childId), deleted });
      break;
    case 'dayCloses':
      into.dayCloses.push({ id, day: text(f.day), closedAt: time(f.closedAt), deleted });
      break;
  }
}

export const childRow = ({ id, fields: f }: RecordRow): ChildRow => ({ id, ageBand: text(f.ageBand), gender: text(f.gender), registeredOn: text(f.registeredOn), deleted: flag(f.deleted) });

export const settingRow = ({ id, fields: f }: RecordRow): { id: string; value?: unknown; deleted?: boolean } => ({ id, value: f.value, deleted: flag(f.deleted) });
