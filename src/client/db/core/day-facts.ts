import type { TableName } from '../../../shared/schema';
import type { DaybookDatabase } from './database';

/** The days a record belongs to, by its own `day`; participations belong to their session's. */
const DAY_TABLES: ReadonlySet<TableName> = new Set(['attendance', 'sessions', 'shifts', 'dayCloses']);

/** A stored row of any table; only `day` and `sessionId` are read, and checked for being text. */
type Row = object;
const textField = (row: Row | undefined, key: 'day' | 'sessionId'): string | undefined => {
  const value: unknown = row !== undefined && key in row ? (row as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

type Change = { table: TableName; before?: Row | undefined; after: Row };

/**
 * Forgets the kept summary facts of the days the changed rows belong to; call inside the
 * transaction that changed them. `before` is the row as it was (a day could in principle be
 * edited), `after` as it is now. Participations need their session's day, read in the same
 * transaction; a session not on this tablet yet has no kept day to spoil (its arrival will name
 * its day). Without participations nothing is read first: a check-in's write goes out with the
 * record's, no extra trip through the event loop on a slow tablet.
 */
export async function forgetDaysTouched(database: DaybookDatabase, changes: readonly Change[]): Promise<void> {
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
    for (const session of await database.sessions.bulkGet([...sessionIds])) if (session?.day !== undefined) days.add(session.day);
  }
  if (days.size > 0) await database.dayFacts.bulkDelete([...days]);
}
