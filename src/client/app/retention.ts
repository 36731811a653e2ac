import { db } from '../db/db';
import type { DaybookDatabase } from '../db/core/database';
import { purgedToday, purgeExpired } from '../db/repositories/retention';

/** How often the tablet looks whether a new centre day has begun (and retention is due). */
const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * Retention on this tablet, by itself (product.md, Data protection: "with no one having to
 * remember"): on start, and then once a day. Runs after the first screen; a failure (the database
 * closing, storage full) is tried again at the next check rather than stopping the app.
 */
export function startRetention(database: DaybookDatabase = db): () => void {
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      if (!(await purgedToday(database))) await purgeExpired(database);
    } catch (error) {
      console.warn('retention: could not purge old records yet', error instanceof Error ? error.name : 'error');
    } finally {
      running = false;
    }
  };
  void check();
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  return () => clearInterval(timer);
}
