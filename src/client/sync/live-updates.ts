import { pullResponse } from '../../shared/schema';
import type { DaybookDatabase } from '../db/core/database';
import { loadEnrolment, loadPullCursor } from '../db/repositories/sync-state';
import type { SyncScheduler } from './scheduler';
import { fetchTransport, type Transport } from './transport';

/**
 * Live updates (sync-protocol.md, pull's `wait`): while the tablet is online and the app is on
 * screen, one pull waits at the server for the centre's next change, so a check-in on the desk
 * tablet shows on the door tablet within a second or two instead of at the next minute's sync.
 *
 * The waiting pull is only a bell: it asks for one change after the stored cursor, and when one
 * comes the scheduler runs a normal sync (push, then pages applied with their cursor, under the
 * sync lock), so there is still one path by which changes reach the database. It waits for that
 * sync before it asks again, and rests while sync is failing (the scheduler's backoff decides
 * when the next try is) or the tab is hidden, so a tablet in a drawer holds no connection open.
 */

/** How long one waiting pull may wait: under the contract's 30 s and proxies' usual 60 s idle limit. */
export const LIVE_WAIT_SECONDS = 25;
/** The rest after a waiting pull that failed, before the next, unless sync succeeds sooner. */
const REST_AFTER_FAILURE_MS = 15_000;

export type LiveUpdateOptions = {
  database: DaybookDatabase;
  scheduler: Pick<SyncScheduler, 'syncNow' | 'subscribe' | 'getSnapshot'>;
  transportFor?: (serverUrl: string) => Transport;
  /** Where `online`, `offline` and `visibilitychange` come from; the browser's by default. */
  events?: { window: EventTarget & { navigator?: { onLine?: boolean } }; document: EventTarget & { visibilityState: DocumentVisibilityState } };
  setTimeout?: (callback: () => void, ms: number) => unknown;
  now?: () => number;
};

/** Starts listening for other tablets' changes; returns what stops it. */
export function startLiveUpdates(options: LiveUpdateOptions): () => void {
  const { database, scheduler } = options;
  const transportFor = options.transportFor ?? ((serverUrl: string) => fetchTransport(serverUrl, { timeoutMs: (LIVE_WAIT_SECONDS + 20) * 1000 }));
  const events = options.events ?? (typeof window === 'undefined' ? undefined : { window, document });
  const later = options.setTimeout ?? ((callback: () => void, ms: number) => globalThis.setTimeout(callback, ms));
  const now = options.now ?? Date.now;
  let stopped = false;
  /** Ends the waiting pull in flight (the tab went hidden or offline, or this stopped). */
  let inFlight: AbortController | null = null;
  /** Wakes the loop when something it waits for changed. */
  let nudge: (() => void) | null = null;
  const wake = () => {
    const next = nudge;
    nudge = null;
    next?.();
  };
  const changed = () => {
    if (!shouldWait()) inFlight?.abort();
    wake();
  };

  const online = () => (events?.window.navigator ?? globalThis.navigator)?.onLine !== false;
  const visible = () => (events ? events.document.visibilityState === 'visible' : true);
  // A sync that ended in anything but success (offline, a busy server, a refused token) leaves
  // the scheduler's backoff in charge; the bell waits for its next success.
  const syncWorks = () => {
    const last = scheduler.getSnapshot().lastResult;
    return last?.outcome === 'synced';
  };
  const shouldWait = () => !stopped && online() && visible() && syncWorks();

  const until = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (condition() || stopped) resolve();
        else nudge = check;
      };
      check();
    });
  const rest = (ms: number) =>
    new Promise<void>((resolve) => {
      nudge = resolve;
      later(resolve, ms);
    });

  async function loop(): Promise<void> {
    while (!stopped) {
      await until(shouldWait);
      if (stopped) return;
      const enrolment = await loadEnrolment(database).catch(() => null);
      if (!enrolment) {
        await until(() => stopped || scheduler.getSnapshot().lastResult !== null);
        await rest(REST_AFTER_FAILURE_MS);
        continue;
      }
      const cursor = await loadPullCursor(database);
      const abort = new AbortController();
      inFlight = abort;
      let heard = false;
      const askedAt = now();
      try {
        const answer = await transportFor(enrolment.serverUrl)({
          method: 'GET',
          path: `/api/v1/sync/pull?cursor=${cursor}&limit=1&wait=${LIVE_WAIT_SECONDS}`,
          token: enrolment.token,
          signal: abort.signal,
        });
        const page = answer.status === 200 ? pullResponse.safeParse(answer.body) : null;
        if (!page?.success) {
          // Not a page (an old server without `wait` answers one at once, so this is something
          // else: a refused token, a proxy's error). The scheduler's own sync will tell.
          await rest(REST_AFTER_FAILURE_MS);
          continue;
        }
        heard = page.data.changes.length > 0;
        // Nothing, and at once: a server that does not wait (an older version, or a proxy that
        // cuts long requests). Asking again at once would be a request a moment; the minute's
        // sync still runs, and this asks again after a rest.
        if (!heard && now() - askedAt < (LIVE_WAIT_SECONDS * 1000) / 2) await rest(REST_AFTER_FAILURE_MS);
      } catch {
        // Aborted (hidden, offline, stopped) or the network failed: try again once it makes sense.
        if (!abort.signal.aborted) await rest(REST_AFTER_FAILURE_MS);
        continue;
      } finally {
        if (inFlight === abort) inFlight = null;
      }
      // The sync that brings the change in; the next wait starts from the cursor it leaves.
      if (heard) await scheduler.syncNow();
    }
  }

  const unsubscribe = scheduler.subscribe(changed);
  events?.window.addEventListener('online', changed);
  events?.window.addEventListener('offline', changed);
  events?.document.addEventListener('visibilitychange', changed);
  void loop();
  return () => {
    stopped = true;
    unsubscribe();
    events?.window.removeEventListener('online', changed);
    events?.window.removeEventListener('offline', changed);
    events?.document.removeEventListener('visibilitychange', changed);
    inFlight?.abort();
    wake();
  };
}
