import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mergeOp } from '../../src/shared/merge';
import { writeRecord } from '../../src/client/db/core/write';
import { loadEnrolment, loadPullCursor } from '../../src/client/db/repositories/sync-state';
import { startSync } from '../../src/client/sync/runtime';
import { syncActivity } from '../../src/client/sync/status';
import type { Timers } from '../../src/client/sync/scheduler';
import type { Transport } from '../../src/client/sync/transport';
import { expectedState, injectTransport, newCentreId, newTablet, serverState, startInProcessServer, tabletState } from './support';

/**
 * A database closed under a running sync, as Chrome and Safari on iOS close IndexedDB under a page
 * (Dexie issue 2008): the tab's own Dexie instance answers DatabaseClosedError from then on. The
 * same tab, with the app's own sync wiring (startSync), recovers at its next scheduled sync, and
 * the server ends holding each op once. The scheduler runs on a clock the test moves by hand;
 * the server and IndexedDB run as usual.
 */

let server: Awaited<ReturnType<typeof startInProcessServer>>;

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await server?.close();
});

/** Timers on a clock that moves only when the test says: `next()` runs the earliest one due. */
function handClock(start: number) {
  let time = start;
  let ids = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout: (run, ms) => {
      const id = ++ids;
      due.set(id, { at: time + ms, run });
      return id as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimeout: (handle) => void due.delete(handle as unknown as number),
  };
  return {
    timers,
    now: () => time,
    /** Waits (for the sync's own work, not for time) until a timer is due within `ms`. */
    untilDue: (ms: number) => vi.waitFor(() => expect([...due.values()].some((timer) => timer.at - time <= ms)).toBe(true)),
    /** Moves the clock to the earliest timer and runs it; returns how far the clock moved. */
    next(): number {
      const [id, timer] = [...due].sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
      if (id === undefined || !timer) throw new Error('no timer is due');
      due.delete(id);
      const moved = timer.at - time;
      time = Math.max(time, timer.at);
      timer.run();
      return moved;
    },
  };
}

async function ackedSeq(deviceId: string): Promise<number> {
  const [row] = await server.store.query<{ acked_seq: number | string }>('SELECT acked_seq FROM devices WHERE id = $1', [deviceId]);
  return Number(row?.acked_seq);
}

/** The server through inject, counting for each op seq how many pushes took it as new. */
function countingTransport(onAnswer: (request: Parameters<Transport>[0]) => void) {
  const base = injectTransport(server.app);
  const takenAsNew = new Map<number, number>();
  let acked = 0;
  const transport: Transport = async (request) => {
    const answer = await base(request);
    if (request.path === '/api/v1/sync/push' && answer.status === 200) {
      const ackedSeq = (answer.body as { ackedSeq: number }).ackedSeq;
      for (let seq = acked + 1; seq <= ackedSeq; seq++) takenAsNew.set(seq, (takenAsNew.get(seq) ?? 0) + 1);
      acked = Math.max(acked, ackedSeq);
    }
    onAnswer(request);
    return answer;
  };
  return { transport, takenAsNew };
}

describe('a database closed under a running sync', () => {
  it.each([
    ['the push', '/api/v1/sync/push'],
    ['the pull', '/api/v1/sync/pull'],
  ])('while %s is answered recovers in the same tab at the next sync, with nothing lost or doubled', async (_what, closedAt) => {
    const centreId = await newCentreId(server.store, `Closed during ${closedAt}`);
    const other = await newTablet(server, centreId, `other-${closedAt}`);
    await writeRecord(other.database, 'volunteers', 'from-other', { displayName: 'Amira', active: true }, { create: true });
    await other.engine(injectTransport(server.app)).syncOnce();

    const tablet = await newTablet(server, centreId, `closing-${closedAt}`);
    for (let n = 1; n <= 3; n++) await writeRecord(tablet.database, 'volunteers', `v${n}`, { displayName: `Volunteer ${n}`, active: true }, { create: true });
    const { deviceId } = (await loadEnrolment(tablet.database))!;

    let closes = 1;
    const { transport, takenAsNew } = countingTransport((request) => {
      // The answer is on its way when the browser closes the database under the page.
      if (request.path.startsWith(closedAt) && closes-- > 0) tablet.database.close();
    });
    const clock = handClock(Date.now());
    const stop = startSync({ database: tablet.database, transportFor: () => transport, scheduler: { timers: clock.timers, now: clock.now, locks: null, events: null } });
    try {
      // The first sync fails with the database closed; the next one is the backoff's, a couple
      // of seconds on (a sync's own time limit is minutes away).
      await clock.untilDue(3_000);
      expect(tablet.database.isOpen()).toBe(false);
      expect(closes).toBe(0);

      // Nothing else runs it: the clock moves only here. After it, the usual minute's wait.
      clock.next();
      await clock.untilDue(60_000);

      expect(tablet.database.isOpen()).toBe(true);
      expect(await tablet.database.outbox.count()).toBe(0);
      expect(await ackedSeq(deviceId)).toBe(3);
      // Each op was taken as new by exactly one push: the one whose answer was lost, or the next.
      expect([...takenAsNew]).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      const everyOp = [...other.log, ...tablet.log];
      const expected = expectedState(everyOp, mergeOp);
      expect(await serverState(server.store, centreId)).toEqual(expected);
      expect(await tabletState(tablet.database)).toEqual(expected);
      expect(await loadPullCursor(tablet.database)).toBeGreaterThan(0);
      expect(await tablet.database.meta.get('syncOutcome')).toMatchObject({ outcome: 'synced' });
    } finally {
      stop();
    }
    expect(syncActivity.get().syncing).toBe(false);
  });
});
