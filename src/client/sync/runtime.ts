import { liveQuery } from 'dexie';
import { db } from '../db/db';
import type { DaybookDatabase } from '../db/core/database';
import { loadEnrolment } from '../db/repositories/sync-state';
import { createSyncEngine, type SyncEngine } from './engine';
import { startLiveUpdates } from './live-updates';
import { createSyncScheduler, type SchedulerOptions, type SyncScheduler, type WatchTriggers } from './scheduler';
import { syncActivity } from './status';
import { refreshStorageEstimate, requestPersistentStorage } from './storage';
import type { Transport } from './transport';

/**
 * The outbox size and the enrolment's token, live. Dexie tells every tab of a change, so a write
 * in one tab wakes the scheduler of the tab that holds the sync lock.
 */
export function watchSyncTriggers(database: DaybookDatabase = db): WatchTriggers {
  return (listener) => {
    const subscription = liveQuery(async () => {
      const [enrolment, pending] = await Promise.all([loadEnrolment(database), database.outbox.count()]);
      return { token: enrolment?.token ?? null, pending };
    }).subscribe({
      next: listener,
      // A failed read (the database closing) must not stop the app; the timer runs again.
      error: (error: unknown) => console.warn('sync: could not watch the outbox', error),
    });
    return () => subscription.unsubscribe();
  };
}

/**
 * Chrome and Safari on iOS close IndexedDB under a page (Dexie issue 2008): from then on Dexie
 * answers every call with DatabaseClosedError until the database is opened again, and the sync
 * running then fails half-way. Each sync opens it first when it is closed, so the same tab
 * recovers at its next sync. Nothing is lost or doubled: what the broken sync had not committed
 * is done again, and the server skips a push it already has, a page applied again changes nothing.
 */
export function openedFirst(database: DaybookDatabase, engine: SyncEngine): SyncEngine {
  return {
    async syncOnce() {
      if (!database.isOpen()) await database.open();
      return engine.syncOnce();
    },
  };
}

let active: SyncScheduler | null = null;

export type StartSyncOptions = {
  database?: DaybookDatabase;
  transportFor?: (serverUrl: string) => Transport;
  /** The scheduler's clock, timers, locks and events, for tests; the browser's by default. */
  scheduler?: Pick<SchedulerOptions, 'timers' | 'now' | 'random' | 'locks' | 'events'>;
  /** The waiting pull that brings other tablets' changes within seconds (live-updates.ts); on unless false. */
  liveUpdates?: boolean;
};

/**
 * Starts syncing in this tab: the scheduler, the status it reports, and the request for
 * persistent storage. The app calls it once at start; it returns the function that stops it.
 */
export function startSync(options: StartSyncOptions = {}): () => void {
  const database = options.database ?? db;
  const scheduler = createSyncScheduler({
    ...options.scheduler,
    engine: openedFirst(database, createSyncEngine({ database, transportFor: options.transportFor })),
    watch: watchSyncTriggers(database),
  });
  let wasSyncing = false;
  const unsubscribe = scheduler.subscribe(() => {
    const { syncing } = scheduler.getSnapshot();
    syncActivity.set({ syncing });
    // Pulls fill the disk: look at the space left after each run.
    if (wasSyncing && !syncing) void refreshStorageEstimate();
    wasSyncing = syncing;
  });
  void requestPersistentStorage();
  scheduler.start();
  // Not where events are turned off (tests drive the scheduler by hand there).
  const stopLive =
    options.liveUpdates === false || options.scheduler?.events === null ? () => undefined : startLiveUpdates({ database, scheduler, transportFor: options.transportFor });
  active = scheduler;
  return () => {
    stopLive();
    scheduler.stop();
    unsubscribe();
    syncActivity.set({ syncing: false });
    if (active === scheduler) active = null;
  };
}

/** Syncs now if sync is started in this tab (after an enrolment, say); otherwise does nothing. */
export function requestSync(): void {
  void active?.syncNow();
}
