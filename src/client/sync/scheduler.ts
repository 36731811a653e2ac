import type { SyncEngine, SyncResult } from './engine';
import { decide, INITIAL_STATE, type SchedulerContext, type SchedulerEvent, type SchedulerState } from './scheduler-decisions';

/**
 * When to sync (sync-protocol.md, "Device behaviour"): on start, on `online`, when the tab
 * becomes visible, shortly after each local write, and on a timer; failures back off with
 * jitter so a camp's worth of tablets coming back online do not hit the server at once. One tab
 * syncs at a time (Web Locks): another tab waits its turn, and takes the lock from a tab that
 * holds it past the time a sync may take (a hung or frozen tab), so one stuck tab never stops the
 * tablet syncing.
 */

/** What the scheduler watches in the database: the enrolment's token and the outbox size. */
export type SyncTriggers = { token: string | null; pending: number };
export type WatchTriggers = (listener: (triggers: SyncTriggers) => void) => () => void;

export type Timers = {
  setTimeout: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimeout: (handle: ReturnType<typeof setTimeout>) => void;
};

/** `navigator.locks`, or the part of it the scheduler uses; null where Web Locks are missing (jsdom). */
export type Locks = Pick<LockManager, 'request'>;

export type SchedulerSnapshot = {
  /** This tab's sync is running (not only waiting for another tab to finish). */
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
  locks?: Locks | null;
  /** Where `online` and `visibilitychange` come from; null listens to nothing (tests). */
  events?: { window: EventTarget; document: EventTarget & { visibilityState: DocumentVisibilityState } } | null;
  debounceMs?: number;
  /** A write keeps pushing the debounced run back, but never past this since the first write. */
  maxDebounceMs?: number;
  intervalMs?: number;
  /**
   * The longest one sync may hold the lock. Past it the sync is given up and the lock released,
   * and a tab that waited that long for the lock takes it (see `underLock`).
   */
  lockTimeoutMs?: number;
};

export const LOCK_NAME = 'daybook-sync';
/**
 * A sync is a few requests of at most a minute each (transport.ts); a first sync of a year of
 * records on a slow tablet takes a minute or two. Five minutes without finishing is a hang.
 */
export const LOCK_TIMEOUT_MS = 5 * 60_000;
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

function defaultLocks(): Locks | null {
  return globalThis.navigator?.locks ?? null;
}

/** Why a tab stopped waiting for the lock: its wait ran out, or sync was stopped in this tab. */
class LockWaitEnded extends Error {
  override name = 'LockWaitEnded';
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
  const lockTimeoutMs = options.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
  const context = (): SchedulerContext => ({
    now: now(),
    retryDelay: (failures, retryAfterMs) => retryDelay(failures, retryAfterMs, random),
    debounceMs: options.debounceMs ?? 2_000,
    maxDebounceMs: options.maxDebounceMs ?? 10_000,
    intervalMs: options.intervalMs ?? 60_000,
  });

  // What the decisions (scheduler-decisions.ts) keep, and the handles that carry them out.
  let state: SchedulerState = INITIAL_STATE;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<SyncResult | null> | null = null;
  /** This tab's engine is running (it holds the lock, where there are locks). */
  let syncing = false;
  /** Ends this tab's wait for the lock when sync stops here. */
  let lockWait: AbortController | null = null;
  let unwatch: (() => void) | null = null;
  let snapshot: SchedulerSnapshot = { syncing, lastResult: null, failures: 0, nextRunAt: null };
  const listeners = new Set<() => void>();

  function notify(): void {
    snapshot = { syncing, lastResult: state.lastResult, failures: state.failures, nextRunAt: state.nextRunAt };
    for (const listener of listeners) listener();
  }

  /** Decides what `event` means, carries the effects out; a run it began is returned. */
  function dispatch(event: SchedulerEvent): Promise<SyncResult | null> | null {
    const decision = decide(state, event, context());
    state = decision.state;
    let began: Promise<SyncResult | null> | null = null;
    for (const effect of decision.effects) {
      if (effect.type === 'timer') setTimer(effect.at);
      else began = running = attempt();
    }
    notify();
    return began;
  }

  function setTimer(at: number | null): void {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    if (at === null) return;
    timer = timers.setTimeout(
      () => {
        timer = null;
        void dispatch({ type: 'timer' });
      },
      Math.max(0, at - now()),
    );
  }

  const failed = (message: string): SyncResult => ({ outcome: 'error', pushed: 0, rejected: 0, pulled: 0, at: now(), message });

  async function attempt(): Promise<SyncResult | null> {
    let result: SyncResult | null;
    const engine: { run: Promise<SyncResult> | null } = { run: null };
    const syncHere = (): Promise<SyncResult | null> => (state.started ? (engine.run = syncWithinTime()) : Promise.resolve(null));
    try {
      result = locks ? await underLock(locks, syncHere) : await syncHere();
    } catch (error) {
      result = failed(error instanceof Error ? error.message : String(error));
    }
    // A lock taken by another tab ends the request, not the sync running under it: this tab
    // waits for that sync (its own time limit ends it) so that it never runs two at once.
    await engine.run?.catch(() => undefined);
    running = null;
    void dispatch({ type: 'ran', result });
    return result;
  }

  /**
   * Runs `work` under the lock. A tab that finds it held waits in the lock's queue, at most as
   * long as a sync may hold it (lockTimeoutMs), then syncs. A holder gives the lock back when its
   * own time runs out (syncWithinTime); one that has not by then cannot run any code: its tab is
   * hung, or frozen by the system in the background. This tab then takes the lock (`steal`), so
   * the tablet syncs again within that time and one interval. Should the frozen tab ever wake,
   * its sync finds its work done: a push sent again is skipped by the server, a page applied
   * again changes nothing.
   */
  async function underLock(available: Locks, work: () => Promise<SyncResult | null>): Promise<SyncResult | null> {
    const wait = new AbortController();
    lockWait = wait;
    const giveUp = timers.setTimeout(() => wait.abort(new LockWaitEnded('the sync lock was held too long')), lockTimeoutMs);
    const granted = () => {
      timers.clearTimeout(giveUp);
      return work();
    };
    try {
      return await available.request(LOCK_NAME, { signal: wait.signal }, granted);
    } catch (error) {
      if (!wait.signal.aborted || error !== wait.signal.reason) throw error;
      if (!state.started) return null;
      return await available.request(LOCK_NAME, { steal: true }, granted);
    } finally {
      timers.clearTimeout(giveUp);
      if (lockWait === wait) lockWait = null;
    }
  }

  /**
   * The engine's run, given up after lockTimeoutMs: a sync that never answers (a request the
   * browser never ends, a database that never opens) must not keep the lock, and this tab's
   * scheduler, for ever. The run given up on may still end later; nobody waits for it then.
   */
  function syncWithinTime(): Promise<SyncResult> {
    syncing = true;
    notify();
    const sync = options.engine.syncOnce();
    void sync.catch(() => undefined);
    let limit: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<SyncResult>((resolve) => {
      const minutes = Math.round(lockTimeoutMs / 60_000);
      limit = timers.setTimeout(() => resolve(failed(`the sync did not finish within ${minutes} min and was given up`)), lockTimeoutMs);
    });
    return Promise.race([sync, timeUp]).finally(() => {
      if (limit !== undefined) timers.clearTimeout(limit);
      syncing = false;
      notify();
    });
  }

  const onChance = () => void dispatch({ type: 'chance' });
  const onVisibility = () => {
    if (events?.document.visibilityState === 'visible') onChance();
  };

  return {
    start() {
      if (state.started) return;
      void dispatch({ type: 'start' });
      unwatch = options.watch((triggers) => void dispatch({ type: 'triggers', ...triggers }));
      events?.window.addEventListener('online', onChance);
      events?.document.addEventListener('visibilitychange', onVisibility);
    },
    stop() {
      void dispatch({ type: 'stop' });
      lockWait?.abort(new LockWaitEnded('sync was stopped in this tab'));
      unwatch?.();
      unwatch = null;
      events?.window.removeEventListener('online', onChance);
      events?.document.removeEventListener('visibilitychange', onVisibility);
      notify();
    },
    syncNow() {
      // A run under way answers for this ask too (one more follows it if it succeeds).
      return dispatch({ type: 'sync-now' }) ?? running ?? Promise.resolve(null);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  };
}
