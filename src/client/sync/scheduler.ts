import type { SyncEngine, SyncResult } from './engine';

/**
 * When to sync (sync-protocol.md, "Device behaviour"): on start, on `online`, when the tab
 * becomes visible, shortly after each local write, and on a timer; failures back off with
 * jitter so a camp's worth of tablets coming back online do not hit the server at once. One tab
 * syncs at a time (Web Locks); the others skip their turn.
 */

/** What the scheduler watches in the database: the enrolment's token and the outbox size. */
export type SyncTriggers = { token: string | null; pending: number };
export type WatchTriggers = (listener: (triggers: SyncTriggers) => void) => () => void;

export type Timers = {
  setTimeout: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimeout: (handle: ReturnType<typeof setTimeout>) => void;
};

/** `navigator.locks.request` with `ifAvailable`, or null where Web Locks are missing (jsdom). */
export type LockRequest = <T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>) => Promise<T>;

export type SchedulerSnapshot = {
  syncing: boolean;
  lastResult: SyncResult | null;
  /** Failures in a row; 0 after a success. */
  failures: number;
  /** When the next automatic run is due, if one is. */
  nextRunAt: number | null;
};

export type SyncScheduler = {
  start(): void;
  stop(): void;
  /**
   * Runs now whatever the backoff says (and clears a 401 or 426 wait). During a run, asks for one
   * more after it and answers with the run in progress. Null when nothing ran.
   */
  syncNow(): Promise<SyncResult | null>;
  subscribe(listener: () => void): () => void;
  getSnapshot(): SchedulerSnapshot;
};

export type SchedulerOptions = {
  engine: SyncEngine;
  watch: WatchTriggers;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  locks?: LockRequest | null;
  /** Where `online` and `visibilitychange` come from; null listens to nothing (tests). */
  events?: { window: EventTarget; document: EventTarget & { visibilityState: DocumentVisibilityState } } | null;
  debounceMs?: number;
  /** A write keeps pushing the debounced run back, but never past this since the first write. */
  maxDebounceMs?: number;
  intervalMs?: number;
};

export const LOCK_NAME = 'daybook-sync';
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const JITTER = 0.3;

/** The wait after `failures` failures in a row: 2 s doubling up to 5 min, then ±30 %. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const plain = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(plain * (1 + JITTER * (2 * random() - 1)));
}

/**
 * The wait before the next automatic run after a failure: the backoff, and never less than the
 * server's Retry-After when it gave one. That wait gets jitter too, above it only (up to +30 %):
 * a camp's tablets all told "2 s" by a busy server must not all come back in the same instant.
 */
export function retryDelay(failures: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const backoff = backoffDelay(failures, random);
  if (retryAfterMs === undefined) return backoff;
  return Math.max(backoff, Math.round(retryAfterMs * (1 + JITTER * random())));
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};

function defaultLocks(): LockRequest | null {
  const locks = globalThis.navigator?.locks;
  return locks ? (name, options, callback) => locks.request(name, options, callback) : null;
}

function defaultEvents(): SchedulerOptions['events'] {
  return typeof window === 'undefined' ? null : { window, document };
}

export function createSyncScheduler(options: SchedulerOptions): SyncScheduler {
  const timers = options.timers ?? realTimers;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const locks = options.locks === undefined ? defaultLocks() : options.locks;
  const events = options.events === undefined ? defaultEvents() : options.events;
  const debounceMs = options.debounceMs ?? 2_000;
  const maxDebounceMs = options.maxDebounceMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 60_000;

  let started = false;
  let unwatch: (() => void) | null = null;
  // undefined until the first look at the database; null when the device is not enrolled.
  let token: string | null | undefined;
  let pending = 0;
  let running: Promise<SyncResult | null> | null = null;
  let again = false;
  let failures = 0;
  /** Automatic runs (writes, the timer) wait until then after a failure. */
  let retryAt = 0;
  /** The server's Retry-After: not even `online` or a tab coming back runs before it. */
  let notBefore = 0;
  /** After a 401 or a 426 nothing runs by itself until a new enrolment (or a reload). */
  let parked = false;
  let firstWriteAt: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let nextRunAt: number | null = null;
  let lastResult: SyncResult | null = null;
  let snapshot: SchedulerSnapshot = { syncing: false, lastResult, failures, nextRunAt };
  const listeners = new Set<() => void>();

  function notify(): void {
    snapshot = { syncing: running !== null, lastResult, failures, nextRunAt };
    for (const listener of listeners) listener();
  }

  function clearTimer(): void {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    nextRunAt = null;
  }

  function runAt(at: number): void {
    clearTimer();
    nextRunAt = at;
    timer = timers.setTimeout(
      () => {
        timer = null;
        nextRunAt = null;
        void run();
      },
      Math.max(0, at - now()),
    );
    notify();
  }

  const canRun = () => started && typeof token === 'string';

  function run(): Promise<SyncResult | null> {
    if (!canRun()) return Promise.resolve(null);
    if (running) {
      again = true;
      return running;
    }
    clearTimer();
    firstWriteAt = null;
    running = attempt().finally(() => {
      running = null;
      notify();
      if (again && canRun() && !parked && failures === 0) {
        again = false;
        void run();
      }
    });
    notify();
    return running;
  }

  async function attempt(): Promise<SyncResult | null> {
    let result: SyncResult | null;
    try {
      result = locks ? await locks(LOCK_NAME, { ifAvailable: true }, (lock) => (lock ? options.engine.syncOnce() : Promise.resolve(null))) : await options.engine.syncOnce();
    } catch (error) {
      result = { outcome: 'error', pushed: 0, rejected: 0, pulled: 0, at: now(), message: error instanceof Error ? error.message : String(error) };
    }
    settle(result);
    return result;
  }

  function settle(result: SyncResult | null): void {
    if (!started) return;
    if (!result) {
      // Another tab holds the lock and syncs for every tab; look again later.
      runAt(now() + intervalMs);
      return;
    }
    lastResult = result;
    switch (result.outcome) {
      case 'offline':
      case 'error':
        failures += 1;
        retryAt = now() + retryDelay(failures, result.retryAfterMs, random);
        notBefore = result.retryAfterMs === undefined ? 0 : now() + result.retryAfterMs;
        again = false;
        runAt(retryAt);
        return;
      case 'needs-enrolment':
      case 'needs-update':
        parked = true;
        again = false;
        clearTimer();
        return;
      default:
        failures = 0;
        retryAt = 0;
        notBefore = 0;
        runAt(now() + intervalMs);
    }
  }

  function onLocalWrite(): void {
    if (!canRun() || parked) return;
    const at = now();
    firstWriteAt ??= at;
    const due = Math.min(at + debounceMs, firstWriteAt + maxDebounceMs);
    runAt(Math.max(due, retryAt));
  }

  function onChance(): void {
    // `online` and a tab coming back are real chances: they skip the backoff, not a 401 or 426,
    // nor the wait a busy server asked for (then they bring the next run forward to its end).
    if (parked) return;
    if (now() < notBefore) runAt(notBefore);
    else void run();
  }

  function onVisibility(): void {
    if (events?.document.visibilityState === 'visible') onChance();
  }

  function onTriggers(next: SyncTriggers): void {
    const previous = token;
    const grew = next.pending > pending;
    token = next.token;
    pending = next.pending;
    if (token === null) {
      clearTimer();
      notify();
    } else if (token !== previous) {
      // On start, and after a (re-)enrolment: a new token starts afresh.
      parked = false;
      failures = 0;
      retryAt = 0;
      notBefore = 0;
      void run();
    } else if (grew) {
      onLocalWrite();
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      token = undefined;
      parked = false;
      unwatch = options.watch(onTriggers);
      events?.window.addEventListener('online', onChance);
      events?.document.addEventListener('visibilitychange', onVisibility);
    },
    stop() {
      started = false;
      unwatch?.();
      unwatch = null;
      clearTimer();
      events?.window.removeEventListener('online', onChance);
      events?.document.removeEventListener('visibilitychange', onVisibility);
      notify();
    },
    syncNow() {
      parked = false;
      return run();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  };
}
