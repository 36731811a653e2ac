import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncResult } from './engine';
import { backoffDelay, createSyncScheduler, LOCK_TIMEOUT_MS, retryDelay, type SchedulerOptions, type SyncTriggers } from './scheduler';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const SECOND = 1_000;

const result = (outcome: SyncResult['outcome']): SyncResult => ({ outcome, pushed: 0, rejected: 0, pulled: 0, at: Date.now() });

/** A scheduler with a scripted engine, a database watch the test drives, and its own events. */
function setUp(options: Partial<SchedulerOptions> & { outcomes?: SyncResult['outcome'][] } = {}) {
  const outcomes = [...(options.outcomes ?? [])];
  const syncOnce = vi.fn(() => Promise.resolve(result(outcomes.shift() ?? 'synced')));
  let emit: (triggers: SyncTriggers) => void = () => undefined;
  const visibility: { visibilityState: DocumentVisibilityState } = { visibilityState: 'hidden' };
  const events = { window: new EventTarget(), document: Object.assign(new EventTarget(), visibility) };
  const scheduler = createSyncScheduler({
    engine: { syncOnce },
    watch: (listener) => {
      emit = listener;
      return () => undefined;
    },
    locks: null,
    events,
    random: () => 0.5,
    ...options,
  });
  scheduler.start();
  return { scheduler, syncOnce, events, emit: (triggers: SyncTriggers) => emit(triggers) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it.each([
    [1, 2_000],
    [2, 4_000],
    [3, 8_000],
    [8, 256_000],
    [9, 300_000],
    [30, 300_000],
  ])('after %i failures waits %i ms without jitter', (failures, plain) => {
    expect(backoffDelay(failures, () => 0.5)).toBe(plain);
    expect(backoffDelay(failures, () => 0)).toBe(Math.round(plain * 0.7));
    expect(backoffDelay(failures, () => 1)).toBe(Math.round(plain * 1.3));
  });

  it('stays within ±30 % whatever the dice say', () => {
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffDelay(4, Math.random);
      expect(delay).toBeGreaterThanOrEqual(16_000 * 0.7);
      expect(delay).toBeLessThanOrEqual(16_000 * 1.3);
    }
  });
});

describe('the sync scheduler', () => {
  it('does nothing on a device that is not enrolled, and runs at once when it is', async () => {
    const { syncOnce, emit, events } = setUp();
    emit({ token: null, pending: 3 });
    events.window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(10 * 60 * SECOND);
    expect(syncOnce).not.toHaveBeenCalled();

    emit({ token: 'token-1', pending: 3 });
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(1);
  });

  it('runs on start and then every minute', async () => {
    const { syncOnce, emit } = setUp();
    emit({ token: 'token-1', pending: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(59 * SECOND);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it('runs about 2 s after a local write, once for a burst of writes, and at most 10 s after the first', async () => {
    const { syncOnce, emit } = setUp();
    emit({ token: 'token-1', pending: 0 });
    await vi.advanceTimersByTimeAsync(0);
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncOnce).toHaveBeenCalledTimes(2);

    // A check-in every second for 15 s: the debounce keeps moving, but not past 10 s.
    for (let n = 1; n <= 15; n++) {
      emit({ token: 'token-1', pending: n });
      await vi.advanceTimersByTimeAsync(SECOND);
    }
    expect(syncOnce).toHaveBeenCalledTimes(3);
  });

  it('backs off after failures, 2 s doubling, and starts again from a minute once a sync succeeds', async () => {
    const { scheduler, syncOnce, emit } = setUp({ outcomes: ['offline', 'error', 'offline', 'synced', 'offline'] });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    const gaps: number[] = [];
    for (let run = 2; run <= 5; run++) {
      const before = Date.now();
      gaps.push(scheduler.getSnapshot().nextRunAt! - before);
      await vi.advanceTimersByTimeAsync(scheduler.getSnapshot().nextRunAt! - before);
      expect(syncOnce).toHaveBeenCalledTimes(run);
    }
    expect(gaps).toEqual([2_000, 4_000, 8_000, 60_000]);
    // The failure after the success waits 2 s again.
    expect(scheduler.getSnapshot()).toMatchObject({ failures: 1, nextRunAt: Date.now() + 2_000 });
  });

  it('keeps the jitter of each wait within ±30 %', async () => {
    let dice = 0;
    const { scheduler, emit } = setUp({ outcomes: ['offline'], random: () => dice });
    dice = 0;
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(scheduler.getSnapshot().nextRunAt! - Date.now()).toBe(1_400);
    dice = 1;
    await vi.advanceTimersByTimeAsync(1_400);
    expect(scheduler.getSnapshot().nextRunAt! - Date.now()).toBe(60_000);
  });

  it('does not let local writes cut a backoff short, but going online does', async () => {
    const { scheduler, syncOnce, emit, events } = setUp({ outcomes: ['offline', 'offline', 'offline'] });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(syncOnce).toHaveBeenCalledTimes(3);
    const due = scheduler.getSnapshot().nextRunAt!;
    expect(due - Date.now()).toBe(8_000);
    emit({ token: 'token-1', pending: 2 });
    expect(scheduler.getSnapshot().nextRunAt).toBe(due);

    events.window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(4);
  });

  it('runs when the tab becomes visible, not when it is hidden', async () => {
    const { syncOnce, emit, events } = setUp();
    emit({ token: 'token-1', pending: 0 });
    await vi.advanceTimersByTimeAsync(0);
    events.document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    events.document.visibilityState = 'visible';
    events.document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it.each(['needs-enrolment', 'needs-update'] as const)('waits after %s until a new enrolment, whatever else happens', async (outcome) => {
    const { scheduler, syncOnce, emit, events } = setUp({ outcomes: [outcome] });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    emit({ token: 'token-1', pending: 2 });
    events.window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(60 * 60 * SECOND);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    expect(scheduler.getSnapshot()).toMatchObject({ nextRunAt: null, lastResult: { outcome } });

    emit({ token: 'token-2', pending: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it('runs once more after a run in progress when asked during it, not twice at once', async () => {
    let finish: () => void = () => undefined;
    const syncOnce = vi.fn(
      () =>
        new Promise<SyncResult>((resolve) => {
          finish = () => resolve(result('synced'));
        }),
    );
    const { scheduler, emit } = setUp({ engine: { syncOnce } });
    emit({ token: 'token-1', pending: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(scheduler.getSnapshot().syncing).toBe(true);
    void scheduler.syncNow();
    void scheduler.syncNow();
    expect(syncOnce).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    expect(scheduler.getSnapshot().syncing).toBe(false);
  });

  it('gives up a sync that never ends after its time, and tries again as after a failure', async () => {
    const syncOnce = vi.fn(() => (syncOnce.mock.calls.length === 1 ? new Promise<SyncResult>(() => undefined) : Promise.resolve(result('synced'))));
    const { scheduler, emit } = setUp({ engine: { syncOnce } });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(LOCK_TIMEOUT_MS - 1);
    expect(scheduler.getSnapshot()).toMatchObject({ syncing: true, failures: 0 });
    await vi.advanceTimersByTimeAsync(1);
    expect(scheduler.getSnapshot()).toMatchObject({ syncing: false, failures: 1, lastResult: { outcome: 'error', message: 'the sync did not finish within 5 min and was given up' } });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    expect(scheduler.getSnapshot()).toMatchObject({ failures: 0, lastResult: { outcome: 'synced' } });
  });

  it('stops: no timer, no event, no write runs it any more', async () => {
    const { scheduler, syncOnce, emit, events } = setUp();
    emit({ token: 'token-1', pending: 0 });
    await vi.advanceTimersByTimeAsync(0);
    scheduler.stop();
    emit({ token: 'token-1', pending: 1 });
    events.window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(10 * 60 * SECOND);
    expect(syncOnce).toHaveBeenCalledTimes(1);
  });
});

describe('retryDelay', () => {
  it.each([
    // failures, Retry-After, dice, wait
    [1, undefined, 0.5, 2_000],
    [1, 30_000, 0.5, 34_500],
    [1, 30_000, 0, 30_000],
    [1, 30_000, 1, 39_000],
    // The backoff already waits longer than the server asked: it stands.
    [8, 2_000, 0.5, 256_000],
    // A tablet told "2 s" comes back 2 to 2.6 s later, never sooner; the 2 s backoff may win.
    [1, 2_000, 0, 2_000],
    [1, 2_000, 1, 2_600],
  ] as const)('after %i failures with Retry-After %s and dice %s waits %i ms', (failures, retryAfterMs, dice, wait) => {
    expect(retryDelay(failures, retryAfterMs, () => dice)).toBe(wait);
  });

  it('never comes back before the Retry-After, whatever the dice say', () => {
    for (let i = 0; i < 1_000; i++) {
      const wait = retryDelay(1, 10_000, Math.random);
      expect(wait).toBeGreaterThanOrEqual(10_000);
      expect(wait).toBeLessThanOrEqual(13_000);
    }
  });
});

describe('the sync scheduler and a busy server (503 or 429 with Retry-After)', () => {
  const busy = (retryAfterMs?: number): SyncResult => ({ ...result('offline'), message: '503 SERVER_BUSY: The server is busy', ...(retryAfterMs !== undefined && { retryAfterMs }) });

  function scripted(results: SyncResult[]) {
    return vi.fn(() => Promise.resolve(results.shift() ?? result('synced')));
  }

  it('waits at least the Retry-After, with jitter above it, and counts it as a failure like offline', async () => {
    const syncOnce = scripted([busy(30_000)]);
    const { scheduler, emit } = setUp({ engine: { syncOnce } });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    // The backoff alone would say 2 s.
    expect(scheduler.getSnapshot()).toMatchObject({ failures: 1, nextRunAt: Date.now() + 34_500 });
    await vi.advanceTimersByTimeAsync(34_499);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it('keeps doubling its backoff while the server stays busy, past a short Retry-After', async () => {
    const syncOnce = scripted([busy(2_000), busy(2_000), busy(2_000), busy(2_000)]);
    const { scheduler, emit } = setUp({ engine: { syncOnce }, random: () => 0 });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    const gaps: number[] = [];
    for (let run = 2; run <= 5; run++) {
      const gap = scheduler.getSnapshot().nextRunAt! - Date.now();
      gaps.push(gap);
      await vi.advanceTimersByTimeAsync(gap);
    }
    // Dice 0: the backoff is 70 % of 2, 4, 8, 16 s; the server's 2 s is the floor.
    expect(gaps).toEqual([2_000, 2_800, 5_600, 11_200]);
  });

  it('does not run before the Retry-After when the tablet comes online or a write is made, but at its end', async () => {
    const syncOnce = scripted([busy(20_000)]);
    const { scheduler, emit, events } = setUp({ engine: { syncOnce }, random: () => 1 });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(scheduler.getSnapshot().nextRunAt! - Date.now()).toBe(26_000);
    await vi.advanceTimersByTimeAsync(5_000);
    emit({ token: 'token-1', pending: 2 });
    events.window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    // The chance skips the jitter and the backoff, not the server's own wait.
    expect(scheduler.getSnapshot().nextRunAt! - Date.now()).toBe(15_000);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it('forgets the server’s wait once a sync succeeds', async () => {
    const syncOnce = scripted([busy(20_000), result('synced')]);
    const { scheduler, emit, events } = setUp({ engine: { syncOnce } });
    emit({ token: 'token-1', pending: 1 });
    await vi.advanceTimersByTimeAsync(0);
    // Someone taps "sync now": it runs whatever the server said, and succeeds.
    await scheduler.syncNow();
    expect(scheduler.getSnapshot().failures).toBe(0);
    events.window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(3);
  });
});
