import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DaybookDatabase, type Enrolment } from '../db/core/database';
import { storeEnrolment } from '../db/repositories/sync-state';
import { writeRecord } from '../db/core/write';
import { startSync, watchSyncTriggers } from './runtime';
import { syncActivity } from './status';
import type { Transport } from './transport';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-1',
  deviceId: 'device-1',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'lead',
  codeSeries: null,
  enrolledAt: T0,
};

let database: DaybookDatabase;
let count = 0;

beforeEach(async () => {
  count += 1;
  database = new DaybookDatabase(`runtime-test-${count}`);
  await database.open();
});

afterEach(async () => {
  await database.delete();
});

describe('watchSyncTriggers', () => {
  it('reports the token and the outbox size, and again after each write', async () => {
    const seen = vi.fn();
    const unwatch = watchSyncTriggers(database)(seen);
    try {
      await vi.waitFor(() => expect(seen).toHaveBeenLastCalledWith({ token: null, pending: 0 }));
      await storeEnrolment(database, enrolment);
      await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
      await vi.waitFor(() => expect(seen).toHaveBeenLastCalledWith({ token: 'token-1', pending: 1 }));
    } finally {
      unwatch();
    }
  });
});

describe('startSync', () => {
  it('syncs as soon as the device is enrolled, and reports that it is syncing', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    const transport = vi.fn<Transport>((request) =>
      Promise.resolve(
        request.path === '/api/v1/sync/push'
          ? { status: 200, body: { ackedSeq: 1, rejected: [], serverTime: T0 } }
          : { status: 200, body: { changes: [], nextCursor: 0, hasMore: false, serverTime: T0 } },
      ),
    );
    const seenSyncing: boolean[] = [];
    const unsubscribe = syncActivity.subscribe(() => seenSyncing.push(syncActivity.get().syncing));
    const stop = startSync({ database, transportFor: () => transport });
    try {
      await storeEnrolment(database, enrolment);
      await vi.waitFor(async () => expect(await database.outbox.count()).toBe(0));
      expect(transport).toHaveBeenCalledWith(expect.objectContaining({ path: '/api/v1/sync/push', token: 'token-1' }));
      await vi.waitFor(() => expect(seenSyncing).toEqual([true, false]));
    } finally {
      stop();
      unsubscribe();
    }
  });
});
