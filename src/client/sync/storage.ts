/**
 * The browser's storage for this app (sync-protocol.md: "asks the browser for persistent storage
 * and shows when storage is short or refused"). Without persistence a browser short of space may
 * evict the whole database, outbox included: writes not yet synced would be lost.
 */

export type StorageStatus = {
  /** Whether the browser promised not to evict the data; 'unknown' where it cannot say. */
  persisted: boolean | 'unknown';
  usage: number | null;
  quota: number | null;
  short: boolean;
};

const MB = 1024 * 1024;
/** Free space under which the tablet warns: a tenth of its quota, or 200 MB. */
export const SHORT_FRACTION = 0.1;
export const SHORT_BYTES = 200 * MB;

export function isStorageShort(usage: number, quota: number): boolean {
  const free = quota - usage;
  return free < quota * SHORT_FRACTION || free < SHORT_BYTES;
}

type StorageApi = Partial<Pick<StorageManager, 'persist' | 'persisted' | 'estimate'>>;

const UNKNOWN: StorageStatus = { persisted: 'unknown', usage: null, quota: null, short: false };
let status = UNKNOWN;
let asked = false;
const listeners = new Set<() => void>();

function set(next: StorageStatus): void {
  status = next;
  for (const listener of listeners) listener();
}

export const storageStatus = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): StorageStatus => status,
};

const browserStorage = (): StorageApi | undefined => globalThis.navigator?.storage;

/**
 * Asks for persistent storage, once per page load (Firefox may ask the user; Chrome decides by
 * itself), then reads the estimate. Never throws: a browser without the API shows 'unknown'.
 */
export async function requestPersistentStorage(storage: StorageApi | undefined = browserStorage()): Promise<void> {
  let persisted: boolean | 'unknown' = status.persisted;
  try {
    if (storage?.persisted && (await storage.persisted())) persisted = true;
    else if (storage?.persist && !asked) {
      asked = true;
      persisted = await storage.persist();
    }
  } catch {
    persisted = 'unknown';
  }
  set({ ...status, persisted });
  await refreshStorageEstimate(storage);
}

/** Reads usage and quota again (after a sync, say); cheap. */
export async function refreshStorageEstimate(storage: StorageApi | undefined = browserStorage()): Promise<void> {
  if (!storage?.estimate) return;
  try {
    const { usage, quota } = await storage.estimate();
    if (usage === undefined || quota === undefined) return;
    set({ ...status, usage, quota, short: isStorageShort(usage, quota) });
  } catch {
    // An estimate is a nicety: keep showing the last one.
  }
}

/** Tests start from a browser that was never asked. */
export function resetStorageStatus(): void {
  asked = false;
  set(UNKNOWN);
}
