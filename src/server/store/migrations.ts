/**
 * The database schema, one step at a time. A migration is never edited or removed once it has
 * shipped: a server that already applied it would never see the change. To change the schema,
 * append the next id. Each runs in its own transaction, with the row that records it in
 * `schema_migrations`, so a failed step leaves nothing behind and is tried again on next start.
 *
 * The SQL must run on both PGlite and PostgreSQL 15+ (the same dialect; PGlite is PostgreSQL). It
 * may hold several statements, but no BEGIN/COMMIT (the runner wraps it) and nothing that cannot
 * run inside a transaction (CREATE INDEX CONCURRENTLY, VACUUM).
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'centres',
    sql: `
      CREATE TABLE centres (
        id text PRIMARY KEY,
        name text NOT NULL,
        time_zone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
