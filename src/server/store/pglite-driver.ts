import { PGlite, type Transaction } from '@electric-sql/pglite';
import { ConfigError } from '../errors';
import { INT8_ARRAY_OID, INT8_OID, parseInt8, parseInt8Array } from './type-parsers';
import type { Queryable, ScriptRunner, Session, Store } from './types';

export interface PgliteConnection {
  store: Store;
  /** PGlite is one session already: migrations run on the store's own connection. */
  session: Session;
}

/** Opens PGlite in `dataDir` (an absolute path already checked writable), or in memory. */
export async function openPglite(dataDir: string | undefined): Promise<PgliteConnection> {
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [INT8_OID]: parseInt8, [INT8_ARRAY_OID]: parseInt8Array },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`the embedded database in DATA_DIR ${dataDir ?? '(memory)'} cannot be opened (${reason})`);
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
