import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebLocksOrigin } from '../../../tests/support/web-locks';
import type { SyncEngine, SyncResult } from './engine';
import { createSyncScheduler, LOCK_NAME, LOCK_TIMEOUT_MS, type SchedulerOptions, type SyncTriggers, type Timers } from './scheduler';

/**
 * Two tabs of one tablet, each with its own scheduler, on one origin's Web Locks with the spec's
 * semantics (tests/support/web-locks.ts): a queue, `signal`, `steal`. Time is vitest's fake clock.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const INTERVAL = MINUTE;

const result = (outcome: SyncResult['outcome']): SyncResult => ({ outcome, pushed: 0, rejected: 0, pulled: 0, at: Date.now() });

/** How many engines run right now, over every tab, and the most there ever were. */
function concurrency() {
  const seen = { now: 0, most: 0, runs: 0 };
  const track = (work: () => Promise<SyncResult>): SyncEngine => ({
    syncOnce: async () => {
      seen.now += 1;
      seen.runs += 1;
      seen.most = Math.max(seen.most, seen.now);
      try {
        return await work();
      } finally {
        seen.now -= 1;
      }
    },
  });
  return { seen, track };
}

/** A tab: its scheduler, on `origin`'s locks, told of the database by `emit` (every tab hears every write). */
function tab(origin: WebLocksOrigin, name: string, engine: SyncEngine, options: Partial<SchedulerOptions> = {}) {
  let emit: (triggers: SyncTriggers) => void = () => undefined;
  const scheduler = createSyncScheduler({
    engine,
    watch: (listener) => {
      emit = listener;
      return () => undefined;
    },
    locks: origin.tab(name),
    events: null,
    random: () => 0.5,
    ...options,
  });
  scheduler.start();
  return { scheduler, emit: (triggers: SyncTriggers) => emit(triggers) };
}

/** The timers of a tab the system froze: nothing it scheduled ever runs. */
const frozen: Timers = { setTimeout: () => setTimeout(() => undefined, 0), clearTimeout: () => undefined };

/** A sync that takes `ms` of the fake clock. */
const takes = (ms: number) => () => new Promise<SyncResult>((resolve) => setTimeout(() => resolve(result('synced')), ms));

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('two tabs of one tablet on real Web Locks semantics', () => {
  it('never sync at the same time, however their writes and syncs interleave, and both keep syncing', async () => {
    const origin = new WebLocksOrigin();
    const { seen, track } = concurrency();
    // A fixed series of durations and gaps, so that a failure replays the same way.
    let seed = 7;
    const dice = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    const runsOf = { a: 0, b: 0 };
    const engineOf = (name: 'a' | 'b') =>
      track(() => {
        runsOf[name] += 1;
        return takes(100 + Math.floor(dice() * 4_000))();
      });
    const tabs = [tab(origin, 'a', engineOf('a')), tab(origin, 'b', engineOf('b'))];
    let pending = 0;
    const everyTab = (triggers: SyncTriggers) => tabs.forEach((each) => each.emit(triggers));
    everyTab({ token: 'token-1', pending });
    for (let write = 0; write < 200; write++) {
      await vi.advanceTimersByTimeAsync(Math.floor(dice() * 6_000));
      // A write in either tab: Dexie tells both tabs that the outbox grew.
      everyTab({ token: 'token-1', pending: ++pending });
      if (dice() < 0.1) void tabs[Math.floor(dice() * 2)]!.scheduler.syncNow();
    }
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(seen.most).toBe(1);
    expect(runsOf.a).toBeGreaterThan(10);
    expect(runsOf.b).toBeGreaterThan(10);
    expect(await origin.tab('observer').query()).toEqual({ held: [], pending: [] });
  });

  it('lets a tab that finds the lock held wait its turn and sync right after, not a minute later', async () => {
    const origin = new WebLocksOrigin();
    const { seen, track } = concurrency();
    const first = tab(origin, 'a', track(takes(3 * SECOND)));
    const second = tab(origin, 'b', track(takes(SECOND)));
    first.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(SECOND);
    second.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    // Waiting is not syncing: this tab shows what the database says, not "Syncing…".
    expect(second.scheduler.getSnapshot()).toMatchObject({ syncing: false, failures: 0 });
    expect((await origin.tab('observer').query()).pending?.map((lock) => lock.clientId)).toEqual(['b']);

    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(second.scheduler.getSnapshot().syncing).toBe(true);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(second.scheduler.getSnapshot()).toMatchObject({ syncing: false, lastResult: { outcome: 'synced' }, nextRunAt: Date.now() + INTERVAL });
    expect(seen).toMatchObject({ most: 1, runs: 2 });
  });

  it('takes the lock from a frozen tab within the time a sync may take and one interval', async () => {
    const origin = new WebLocksOrigin();
    const healthy = vi.fn(() => Promise.resolve(result('synced')));
    const second = tab(origin, 'b', { syncOnce: healthy });
    second.emit({ token: 'token-1', pending: 0 });
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(healthy).toHaveBeenCalledTimes(1);

    // Another tab takes the lock and freezes mid-sync: its sync never ends, and its timers,
    // its own time limit among them, never run.
    const hung = vi.fn(() => new Promise<SyncResult>(() => undefined));
    const first = tab(origin, 'a', { syncOnce: hung }, { timers: frozen });
    first.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(hung).toHaveBeenCalledTimes(1);
    const hungSince = Date.now();

    // The healthy tab's next turn finds the lock held; it waits as long as a sync may take.
    await vi.advanceTimersByTimeAsync(INTERVAL + LOCK_TIMEOUT_MS - 2 * SECOND);
    expect(healthy).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(healthy).toHaveBeenCalledTimes(2);
    expect(Date.now() - hungSince).toBeLessThanOrEqual(LOCK_TIMEOUT_MS + INTERVAL);
    expect((await origin.tab('observer').query()).held).toEqual([]);

    // From then on it syncs every interval, as if the frozen tab were not there.
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(healthy).toHaveBeenCalledTimes(3);
    expect(hung).toHaveBeenCalledTimes(1);
  });

  it('has a tab whose sync hangs give the lock back itself after that time, so the other tab syncs, and then sync again', async () => {
    const origin = new WebLocksOrigin();
    const { seen, track } = concurrency();
    let hangs = true;
    const flaky = vi.fn(() => (hangs ? ((hangs = false), new Promise<SyncResult>(() => undefined)) : Promise.resolve(result('synced'))));
    const first = tab(origin, 'a', { syncOnce: flaky });
    first.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    const healthy = vi.fn(takes(SECOND));
    const second = tab(origin, 'b', track(healthy));
    second.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(LOCK_TIMEOUT_MS - 1);
    expect(healthy).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(first.scheduler.getSnapshot()).toMatchObject({ syncing: false, failures: 1, lastResult: { outcome: 'error' } });
    expect(first.scheduler.getSnapshot().lastResult?.message).toMatch(/did not finish/);
    expect(healthy).toHaveBeenCalledTimes(1);
    // Given back, not stolen: the waiting tab got it at the front of the queue.
    expect((await origin.tab('observer').query()).held).toEqual([{ name: LOCK_NAME, mode: 'exclusive', clientId: 'b' }]);

    // The tab that hung tries again after its backoff, behind the other tab, and syncs.
    await vi.advanceTimersByTimeAsync(3 * SECOND);
    expect(flaky).toHaveBeenCalledTimes(2);
    expect(first.scheduler.getSnapshot()).toMatchObject({ failures: 0, lastResult: { outcome: 'synced' } });
    expect(seen.most).toBe(1);
  });

  it('stops waiting for the lock when sync stops in that tab', async () => {
    const origin = new WebLocksOrigin();
    const first = tab(origin, 'a', { syncOnce: takes(10 * SECOND) });
    first.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    const waiting = vi.fn(() => Promise.resolve(result('synced')));
    const second = tab(origin, 'b', { syncOnce: waiting });
    second.emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(SECOND);
    second.scheduler.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect((await origin.tab('observer').query()).pending).toEqual([]);
    await vi.advanceTimersByTimeAsync(LOCK_TIMEOUT_MS + INTERVAL);
    expect(waiting).not.toHaveBeenCalled();
  });
});
