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

export interface PauseOptions {
  /** Ops pushed before statistics are gathered again (default 10,000). */
  every?: number;
  /** How long the pushes must pause before the ANALYZE runs (default 1 s). */
  quietMs?: number;
  /** Under pushes that never pause, ANALYZE anyway once this many times `every` have been pushed (default 5). */
  atMostTimes?: number;
}

/**
 * Counts the ops pushed and analyses again after every `every` of them, once the pushes pause.
 * A failed ANALYZE leaves the old statistics: nothing is lost. On PGlite an ANALYZE
 * runs on the one session every push needs and takes 150-300 ms once a centre holds 10,000
 * records: run between two pushes, it held the next one up by that long, a sixth of a 20,000-op
 * push's time. The statistics serve the planner of later pulls and reports, so a second of delay
 * costs nothing; under load that never pauses it runs anyway, after `atMostTimes` x `every` ops.
 * Returns the counter to call after each push, and a function that cancels a waiting ANALYZE.
 */
export function analyseWhenPushesPause(store: Store, options: PauseOptions = {}): { pushed: (ops: number) => void; stop: () => void } {
  const { every = 10_000, quietMs = 1000, atMostTimes = 5 } = options;
  let since = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    since = 0;
    analyse(store).catch(() => undefined);
  };
  return {
    pushed: (ops) => {
      if (store.driver !== 'pglite') return;
      since += ops;
      if (since < every) return;
      if (since >= every * atMostTimes) return run();
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, quietMs);
      // A waiting ANALYZE never keeps the process alive: statistics are worth nothing once it ends.
      timer.unref();
    },
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
