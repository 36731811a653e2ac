import { useLiveQuery } from 'dexie-react-hooks';
import { useSyncExternalStore } from 'react';
import { db } from '../db/db';
import { useNow } from '../db/hooks/settings';
import type { DaybookDatabase, Enrolment, RejectedChange } from '../db/core/database';
import { loadSyncRecords, type SyncRecords } from '../db/repositories/sync-state';
import type { SchedulerSnapshot } from './scheduler';
import { storageStatus, type StorageStatus } from './storage';

/**
 * What the tablet shows about sync (product.md: "online or not, changes waiting, last successful
 * sync, and why a change was refused"). The database holds what every tab must see (how the last
 * sync ended, the outbox, refusals); this tab's scheduler adds whether it is syncing right now.
 */

export type SyncState =
  /** Never enrolled: the tablet works on its own, which is fine. */
  | 'local-only'
  | 'synced'
  | 'syncing'
  | 'offline'
  | 'needs-enrolment'
  | 'needs-update'
  | 'error';

export type SyncStatus = {
  /** False until the database has been read once. */
  ready: boolean;
  state: SyncState;
  online: boolean;
  /** Local changes the server has not acknowledged yet. */
  waiting: number;
  /** When the oldest change in the outbox was made, on this tablet's clock. */
  oldestWaitingAt: number | null;
  /**
   * The oldest has waited WAITING_TOO_LONG_MS or more on an enrolled tablet: sync has not gone
   * through for a while (no wifi, the server down, a tab that hangs), and someone should know
   * before the day's data is at risk. Not when the tablet already says what to do instead
   * (enrol again, update).
   */
  waitingTooLong: boolean;
  lastSyncedAt: number | null;
  rejections: RejectedChange[];
  rejectionCount: number;
  /** Changes from the server wait for an update of the app that knows their tables. */
  updateWaiting: boolean;
  /** Changes made here wait for an update of the server (held: a server of another version refused them). */
  serverUpdateWaiting: boolean;
  storage: StorageStatus;
  enrolment: Enrolment | null;
  /** The last failure's detail, in English (the server's words): for a lead, not a volunteer. */
  message: string | null;
};

type Activity = Pick<SchedulerSnapshot, 'syncing'>;

let activity: Activity = { syncing: false };
const activityListeners = new Set<() => void>();

/** This tab's scheduler reports whether it is syncing (runtime.ts wires it). */
export const syncActivity = {
  subscribe: (listener: () => void): (() => void) => {
    activityListeners.add(listener);
    return () => activityListeners.delete(listener);
  },
  get: (): Activity => activity,
  set: (next: Activity): void => {
    if (next.syncing === activity.syncing) return;
    activity = { syncing: next.syncing };
    for (const listener of activityListeners) listener();
  },
};

function subscribeOnline(listener: () => void): () => void {
  globalThis.addEventListener('online', listener);
  globalThis.addEventListener('offline', listener);
  return () => {
    globalThis.removeEventListener('online', listener);
    globalThis.removeEventListener('offline', listener);
  };
}

const browserOnline = () => globalThis.navigator?.onLine ?? true;

const NOTHING_YET: SyncRecords = { enrolment: null, waiting: 0, outcome: null, lastSyncedAt: null, oldestWaitingAt: null, rejections: [], rejectionCount: 0, updateWaiting: false, serverUpdateWaiting: false };

/**
 * How long a change may wait before the tablet says so. A working tablet sends a change within
 * seconds, an offline one within a minute of the wifi coming back: ten minutes does not cry wolf
 * over a short outage, and is still seen during the session.
 */
export const WAITING_TOO_LONG_MS = 10 * 60_000;

/** The status from its parts: pure, so each combination is a one-line test. `now` is the wall clock. */
export function deriveSyncStatus(records: SyncRecords | undefined, parts: { syncing: boolean; browserOnline: boolean; storage: StorageStatus; now: number }): SyncStatus {
  const read = records ?? NOTHING_YET;
  const outcome = read.outcome?.outcome;
  let state: SyncState;
  if (!read.enrolment) state = 'local-only';
  // Only a new enrolment or an update clears these; going offline does not.
  else if (outcome === 'needs-enrolment' || outcome === 'needs-update') state = outcome;
  else if (parts.syncing) state = 'syncing';
  else if (!parts.browserOnline) state = 'offline';
  // Enrolled and never tried yet: the first sync is about to start.
  else state = outcome ?? 'syncing';
  return {
    ready: records !== undefined,
    state,
    online: parts.browserOnline && state !== 'offline',
    waiting: read.waiting,
    oldestWaitingAt: read.oldestWaitingAt,
    waitingTooLong:
      read.enrolment !== null &&
      state !== 'needs-enrolment' &&
      state !== 'needs-update' &&
      read.oldestWaitingAt !== null &&
      parts.now - read.oldestWaitingAt >= WAITING_TOO_LONG_MS,
    lastSyncedAt: read.lastSyncedAt,
    rejections: read.rejections,
    rejectionCount: read.rejectionCount,
    updateWaiting: read.updateWaiting,
    serverUpdateWaiting: read.serverUpdateWaiting,
    storage: parts.storage,
    enrolment: read.enrolment,
    message: state === 'synced' || state === 'syncing' ? null : (read.outcome?.message ?? null),
  };
}

/** The sync status, live: it changes with every write, sync, refusal and network change. */
export function useSyncStatus(database: DaybookDatabase = db): SyncStatus {
  const records = useLiveQuery(() => loadSyncRecords(database), [database]);
  const { syncing } = useSyncExternalStore(syncActivity.subscribe, syncActivity.get, syncActivity.get);
  const online = useSyncExternalStore(subscribeOnline, browserOnline, () => true);
  const storage = useSyncExternalStore(storageStatus.subscribe, storageStatus.get, storageStatus.get);
  // Read again every half minute: a change that has waited too long shows without a new write.
  const now = useNow();
  return deriveSyncStatus(records, { syncing, browserOnline: online, storage, now });
}
