/**
 * Something that runs SQL: the store itself, or the handle a transaction's work receives.
 * `T` is the row shape the caller expects the SQL to return; it is not checked, so rows that
 * come from outside (a request body stored as JSON) are parsed again where they are read.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export type StoreDriver = 'pglite' | 'postgres';

/**
 * The server's only way to its data: one PostgreSQL dialect whether the database is PGlite
 * (embedded, in DATA_DIR) or a PostgreSQL server (DATABASE_URL).
 *
 * Both drivers return the same JavaScript types: int8 as a number (the store's counters and
 * epoch milliseconds stay far below 2^53; a larger value throws instead of losing digits),
 * numeric as a string, timestamptz as a Date, json and jsonb parsed.
 *
 * `query` and `transaction` throw DatabaseUnavailable (errors.ts) when PostgreSQL is overloaded
 * or away: no pooled connection became free in time, or the connection failed. The request then
 * answers 503 with Retry-After. Any other error comes through as raised.
 */
export interface Store extends Queryable {
  readonly driver: StoreDriver;
  /**
   * How many transactions can run at once: the PostgreSQL pool's size, 1 for PGlite (one
   * session, whose transactions take turns). The server sizes its load shedding from it; a
   * store that does not say (a test's wrapper) is taken to have one.
   */
  readonly connections?: number;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (and
   * the error rethrown). Use only `tx` inside `work`: on PGlite the store itself waits for the
   * transaction to end, so calling it from inside would never return. Transactions do not nest.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with the payload of every NOTIFY on `channel`, from any process on the same
   * database, until the returned function is called. PostgreSQL only: PGlite is one process, and
   * a change feed in that process hears all (sync/change-feed.ts).
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Waits for running queries, then closes the database. Calling it again does nothing. */
  close(): Promise<void>;
}

/** A transaction handle that can also run a script of several statements (a migration). */
export interface ScriptRunner extends Queryable {
  exec(sql: string): Promise<void>;
}

/**
 * One database session, the same connection throughout: what migrations need, because the
 * advisory lock that keeps two starting servers from migrating at once belongs to a session.
 */
export interface Session extends Queryable {
  transaction<T>(work: (tx: ScriptRunner) => Promise<T>): Promise<T>;
}
