import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DaybookDatabase } from '../db/core/database';
import { enrolAs } from '../db/testing';
import type { SyncResult } from './engine';
import { LIVE_WAIT_SECONDS, startLiveUpdates } from './live-updates';
import type { SchedulerSnapshot } from './scheduler';
import type { TransportRequest, TransportResponse } from './transport';

/**
 * The waiting pull that rings the bell for other tablets' changes: when it asks, what it does
 * with an answer, and when it keeps quiet (hidden, offline, sync failing, stopped).
 */

type Asked = { request: TransportRequest; answer: (response: TransportResponse) => void; fail: (error: Error) => void };

const synced: SyncResult = { outcome: 'synced', pushed: 0, rejected: 0, pulled: 0, at: 0 };
const offline: SyncResult = { outcome: 'offline', pushed: 0, rejected: 0, pulled: 0, at: 0 };
const page = (changes: number, nextCursor: number) => ({
  status: 200,
  body: {
    changes: Array.from({ length: changes }, (_, i) => ({ cursor: nextCursor - changes + i + 1, table: 'volunteers', id: `v${i}`, fields: {}, hlcs: {} })),
    nextCursor,
    hasMore: false,
    serverTime: 0,
  },
});

let database: DaybookDatabase;
let names = 0;
let asked: Asked[];
let snapshot: SchedulerSnapshot;
let listeners: Set<() => void>;
let syncs: number;
let rests: (() => void)[];
let clock: number;
let win: EventTarget & { navigator: { onLine: boolean } };
let doc: EventTarget & { visibilityState: DocumentVisibilityState };

const scheduler = {
  syncNow: vi.fn(async () => {
    syncs += 1;
    // The sync brings the page in: the cursor moves on.
    await database.meta.put({ key: 'pullCursor', cursor: 10 * syncs });
    return synced;
  }),
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: () => snapshot,
};

function setLastResult(result: SyncResult | null): void {
  snapshot = { ...snapshot, lastResult: result };
  for (const listener of listeners) listener();
}

function start() {
  return startLiveUpdates({
    database,
    scheduler,
    transportFor: () => (request) =>
      new Promise<TransportResponse>((resolve, reject) => {
        asked.push({ request, answer: resolve, fail: reject });
        request.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      }),
    events: { window: win, document: doc },
    setTimeout: (callback) => {
      rests.push(callback);
    },
    now: () => clock,
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function askedCount(n: number) {
  await vi.waitFor(() => expect(asked).toHaveLength(n));
}

beforeEach(async () => {
  names += 1;
  database = new DaybookDatabase(`live-updates-${names}`);
  await database.open();
  await enrolAs(database, 'volunteer');
  await database.meta.put({ key: 'pullCursor', cursor: 7 });
  asked = [];
  listeners = new Set();
  syncs = 0;
  rests = [];
  clock = 0;
  snapshot = { syncing: false, lastResult: null, failures: 0, nextRunAt: null };
  win = Object.assign(new EventTarget(), { navigator: { onLine: true } });
  doc = Object.assign(new EventTarget(), { visibilityState: 'visible' }) as EventTarget & { visibilityState: DocumentVisibilityState };
  scheduler.syncNow.mockClear();
});

afterEach(async () => {
  await database.delete();
});

describe('live updates: the waiting pull', () => {
  it('asks nothing until a sync has succeeded, then waits for one change after the stored cursor', async () => {
    const stop = start();
    await settle();
    expect(asked).toHaveLength(0);
    setLastResult(synced);
    await askedCount(1);
    expect(asked[0]!.request).toMatchObject({ method: 'GET', path: `/api/v1/sync/pull?cursor=7&limit=1&wait=${LIVE_WAIT_SECONDS}`, token: 'token-volunteer' });
    stop();
  });

  it('runs one sync when a change comes, and waits again from the cursor that sync left', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    clock += 3_000;
    asked[0]!.answer(page(1, 8));
    await askedCount(2);
    expect(scheduler.syncNow).toHaveBeenCalledTimes(1);
    expect(asked[1]!.request.path).toBe(`/api/v1/sync/pull?cursor=10&limit=1&wait=${LIVE_WAIT_SECONDS}`);
    stop();
  });

  it('asks again at once after a wait that ran out with nothing, and runs no sync for it', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    clock += LIVE_WAIT_SECONDS * 1000;
    asked[0]!.answer(page(0, 7));
    await askedCount(2);
    expect(scheduler.syncNow).not.toHaveBeenCalled();
    expect(rests).toHaveLength(0);
    stop();
  });

  it('rests after an empty answer that came at once (a server that does not wait), instead of asking in a loop', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    asked[0]!.answer(page(0, 7));
    await vi.waitFor(() => expect(rests).toHaveLength(1));
    await settle();
    expect(asked).toHaveLength(1);
    rests[0]!();
    await askedCount(2);
    stop();
  });

  it('ends the waiting pull when the tab is hidden, and waits again once it is shown', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(asked[0]!.request.signal?.aborted).toBe(true));
    await settle();
    expect(asked).toHaveLength(1);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await askedCount(2);
    stop();
  });

  it('keeps quiet offline and while sync fails, and starts again when sync works', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    win.navigator.onLine = false;
    win.dispatchEvent(new Event('offline'));
    await vi.waitFor(() => expect(asked[0]!.request.signal?.aborted).toBe(true));
    win.navigator.onLine = true;
    setLastResult(offline);
    win.dispatchEvent(new Event('online'));
    await settle();
    expect(asked).toHaveLength(1);
    setLastResult(synced);
    await askedCount(2);
    stop();
  });

  it('rests after a failed waiting pull rather than asking again at once', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    asked[0]!.fail(new Error('connection reset'));
    await vi.waitFor(() => expect(rests).toHaveLength(1));
    expect(asked).toHaveLength(1);
    rests[0]!();
    await askedCount(2);
    stop();
  });

  it('ends its waiting pull and asks nothing more once stopped', async () => {
    setLastResult(synced);
    const stop = start();
    await askedCount(1);
    stop();
    expect(asked[0]!.request.signal?.aborted).toBe(true);
    setLastResult(synced);
    await settle();
    expect(asked).toHaveLength(1);
  });
});
