import type { Store } from './types';

/**
 * PGlite has no autovacuum, so it never gathers the table statistics the planner needs: without
 * them a pull page of a year-old centre scans and sorts every later record instead of reading the
 * cursor index (a fresh tablet's pull of a year took 23 s instead of 16 s). PostgreSQL analyses by
 * itself. Called after the migrations, and by the push route as records accumulate.
 */
export async function analyse(store: Store): Promise<void> {
  // The whole database: whatever tables its migrations made (a test may bring its own).
  if (store.driver === 'pglite') await store.query('ANALYZE');
}

/**
 * Counts the ops pushed and analyses again after every `every` of them, once the push that
 * crossed the line has been answered. A failed ANALYZE leaves the old statistics: nothing is lost.
 */
export function analyseAsRecordsGrow(store: Store, every = 10_000): (ops: number) => void {
  let since = 0;
  return (ops) => {
    since += ops;
    if (since < every) return;
    since = 0;
    analyse(store).catch(() => undefined);
  };
}
