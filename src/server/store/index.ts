import { ConfigError } from '../errors';
import { clearInterruptedCreation, createDatabaseAtomically, holdsDatabase, prepareDataDir } from './data-dir';
import { applyMigrations } from './migrate';
import { analyse } from './statistics';
import { migrations as schemaMigrations, type Migration } from './migrations';
import { analyseStaleTables, openPglite } from './pglite-driver';
import { openPostgres } from './postgres-driver';
import type { Session, Store } from './types';

export { ConfigError } from '../errors';
export { prepareDataDir } from './data-dir';
export { DataDirLocked, lockDataDir, LOCK_FILE, type DataDirLock, type LockHolder } from './data-dir-lock';
export type { Migration } from './migrations';
export { migrations } from './migrations';
export { redactDatabaseUrl } from './postgres-driver';
export type { Queryable, Store, StoreDriver } from './types';

export interface StoreOptions {
  /** PGlite's directory (the default driver); created when missing. */
  dataDir?: string;
  /** A PostgreSQL URL: use that server instead of PGlite. Wins over `dataDir`. */
  databaseUrl?: string;
  /** PGlite in memory, gone on close: for tests. */
  inMemory?: boolean;
  /** How long to wait for PostgreSQL to answer, or for a busy pool, before giving up (default 5 s). */
  connectTimeoutMs?: number;
  /** PostgreSQL connections the server opens at most (DATABASE_POOL_SIZE, default 10); PGlite has one. */
  poolSize?: number;
  /** Told when an idle PostgreSQL connection fails; the pool replaces it on its own. */
  onIdleError?: (error: Error) => void;
  /** The schema's steps; tests pass their own list, everything else uses the default. */
  migrations?: readonly Migration[];
}

/**
 * Opens the store and brings its schema up to date. Throws a ConfigError, whose message is one
 * line fit to show the person starting the server, when the options cannot work.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const list = options.migrations ?? schemaMigrations;
  if (options.databaseUrl !== undefined) {
    const connection = await openPostgres({
      databaseUrl: options.databaseUrl,
      ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
      ...(options.onIdleError && { onIdleError: options.onIdleError }),
    });
    return migrated(connection.store, connection.session, list, connection.endSession);
  }
  if (options.inMemory) {
    const connection = await openPglite(undefined);
    return migrated(connection.store, connection.session, list);
  }
  if (options.dataDir === undefined) {
    throw new ConfigError('no database given: set DATA_DIR or DATABASE_URL');
  }
  const dir = await prepareDataDir(options.dataDir);
  await clearInterruptedCreation(dir);
  if (!(await holdsDatabase(dir))) {
    // Made, migrated and analysed aside, then moved in whole: a kill during the first start
    // leaves no half-made database (data-dir.ts).
    await createDatabaseAtomically(dir, async (folder) => {
      const fresh = await openPglite(folder, dir);
      try {
        await applyMigrations(fresh.session, list);
        await analyse(fresh.store);
      } finally {
        await fresh.store.close();
      }
    });
  }
  const connection = await openPglite(dir);
  return migrated(connection.store, connection.session, list, undefined, analyseStaleTables);
}

async function migrated(
  store: Store,
  session: Session,
  list: readonly Migration[],
  endSession: () => void = () => undefined,
  analyseOnOpen: (store: Store) => Promise<unknown> = analyse,
): Promise<Store> {
  let applied: number[];
  try {
    applied = await applyMigrations(session, list);
  } catch (error) {
    // The session goes back first: closing the pool waits for every connection it lent.
    endSession();
    await store.close().catch(() => undefined);
    throw error;
  }
  endSession();
  // A migration may change what the tables hold: everything again, then.
  await (applied.length > 0 ? analyse(store) : analyseOnOpen(store));
  return store;
}
