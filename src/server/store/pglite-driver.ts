import { PGlite, type Transaction } from '@electric-sql/pglite';
import { ConfigError } from '../errors';
import { INT8_ARRAY_OID, INT8_OID, parseInt8, parseInt8Array } from './type-parsers';
import type { Queryable, ScriptRunner, Session, Store } from './types';

export interface PgliteConnection {
  store: Store;
  /** PGlite is one session already: migrations run on the store's own connection. */
  session: Session;
}

/**
 * Opens PGlite in `dataDir` (an absolute path already checked writable), or in memory. `shownAs`
 * is the directory an error names (DATA_DIR, when `dataDir` is the folder a new database is made in).
 */
export async function openPglite(dataDir: string | undefined, shownAs = dataDir): Promise<PgliteConnection> {
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [INT8_OID]: parseInt8, [INT8_ARRAY_OID]: parseInt8Array },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`the embedded database in DATA_DIR ${shownAs ?? '(memory)'} cannot be opened (${reason})`);
  }

  const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => (await db.query<T>(sql, params)).rows;
  const runner = (tx: Transaction): ScriptRunner => ({
    query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
  });

  let closing: Promise<void> | undefined;
  const store: Store = {
    driver: 'pglite',
    connections: 1,
    query,
    transaction: <T>(work: (tx: Queryable) => Promise<T>) => db.transaction((tx) => work(runner(tx))),
    close: () => (closing ??= db.close()),
  };
  const session: Session = {
    query,
    transaction: <T>(work: (tx: ScriptRunner) => Promise<T>) => db.transaction((tx) => work(runner(tx))),
  };
  return { store, session };
}

/**
 * PGlite's stand-in for autovacuum's analyse, on open: ANALYZE of the tables never analysed, or
 * grown by a fifth since they were (in pages, which a crash does not reset, unlike the activity
 * counters). A whole-database ANALYZE on every start took 4 s of a restart on a year of records,
 * to gather the statistics already kept in pg_statistic. A new database analyses everything.
 */
export async function analyseStaleTables(store: Pick<Store, 'query'>): Promise<string[]> {
  const stale = await store.query<{ name: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r'
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       AND (c.reltuples < 0
            OR pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.2 + 8)
     ORDER BY 1`);
  if (stale.length > 0) await store.query(`ANALYZE ${stale.map((row) => row.name).join(', ')}`);
  return stale.map((row) => row.name);
}
