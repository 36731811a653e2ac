import type { TableName } from '../../shared/schema';
import type { DaybookDatabase } from './database';

/** The days a record belongs to, by its own `day`; participations belong to their session's. */
const DAY_TABLES: ReadonlySet<TableName> = new Set(['attendance', 'sessions', 'shifts', 'dayCloses']);

/** A stored row of any table; only `day` and `sessionId` are read, and checked for being text. */
type Row = object;
const textField = (row: Row | undefined, key: 'day' | 'sessionId'): string | undefined => {
  const value: unknown = row !== undefined && key in row ? (row as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/**
 * The days whose kept summary facts the changed rows make stale. `before` is the row as it was
 * (a day could in principle be edited), `after` as it is now. Participations need their session's
 * day, read in the caller's transaction; a session not on this tablet yet has no kept day to spoil
 * (its arrival will name its day).
 */
export async function daysTouched(database: DaybookDatabase, changes: readonly { table: TableName; before?: Row | undefined; after: Row }[]): Promise<string[]> {
  const days = new Set<string>();
  const sessionIds = new Set<string>();
  for (const { table, before, after } of changes) {
    if (DAY_TABLES.has(table)) {
      for (const row of [before, after]) {
        const day = textField(row, 'day');
        if (day !== undefined) days.add(day);
      }
    } else if (table === 'participations') {
      const sessionId = textField(after, 'sessionId');
      if (sessionId !== undefined) sessionIds.add(sessionId);
    }
  }
  if (sessionIds.size > 0) {
    const sessions = await database.sessions.bulkGet([...sessionIds]);
    for (const session of sessions) if (session?.day !== undefined) days.add(session.day);
  }
  return [...days];
}

/** Forgets the kept facts of `days`; call inside the transaction that changed their records. */
export function forgetDayFacts(database: DaybookDatabase, days: readonly string[]): Promise<void> {
  return days.length === 0 ? Promise.resolve() : database.dayFacts.bulkDelete(days as string[]);
}
