import { ConfigError } from '../errors';
import type { Migration } from './migrations';
import type { Session } from './types';

// One lock per schema: two servers starting together on the same PostgreSQL schema take turns,
// and the second finds the first one's migrations recorded. Different schemas (parallel test
// runs) do not wait for each other. The lock is the session's, so a crashed process drops it.
const LOCK_KEY = `hashtext('daybook.migrations:' || coalesce(current_schema(), ''))`;

/** Refuses a list a developer got wrong: ids must be 1, 2, 3... with no gap or repeat. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    if (migration.id !== index + 1) {
      throw new Error(`migration ${migration.id} (${migration.name}) is out of order: expected id ${index + 1}`);
    }
  });
}

/**
 * Applies every migration of `list` not yet recorded in `schema_migrations`, in order, each in
 * its own transaction. Returns the ids it applied (none when the schema was up to date).
 */
export async function applyMigrations(session: Session, list: readonly Migration[]): Promise<number[]> {
  checkMigrationList(list);
  await session.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
  try {
    await session.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        id integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const recorded = await session.query<{ id: number; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id');
    checkRecorded(recorded, list);
    const done = new Set(recorded.map((row) => row.id));
    const applied: number[] = [];
    for (const migration of list) {
      if (done.has(migration.id)) continue;
      await session
        .transaction(async (tx) => {
          await tx.exec(migration.sql);
          await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
        })
        .catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`database migration ${migration.id} (${migration.name}) failed: ${reason}`, { cause: error });
        });
      applied.push(migration.id);
    }
    return applied;
  } finally {
    // If the connection broke, the server has already released the lock with the session.
    await session.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => undefined);
  }
}

/** The database may be ahead of this code (an older version started on a newer database). */
function checkRecorded(recorded: readonly { id: number; name: string }[], list: readonly Migration[]): void {
  for (const row of recorded) {
    const known = list[row.id - 1];
    if (!known) {
      throw new ConfigError(
        `the database schema is at migration ${row.id}, newer than this version of Daybook knows (${list.length}); run the newer version`,
      );
    }
    if (known.name !== row.name) {
      throw new ConfigError(
        `the database's migration ${row.id} is "${row.name}" but this version of Daybook calls it "${known.name}"; this database belongs to another version`,
      );
    }
  }
}
