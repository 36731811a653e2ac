import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRecord } from '../../src/client/db/core/write';
import { createSyncEngine } from '../../src/client/sync/engine';
import { injectTransport, newCentreId, newTablet, serverState, startInProcessServer, tabletState, type Tablet } from './support';

let server: Awaited<ReturnType<typeof startInProcessServer>>;

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await server?.close();
});

async function syncAll(tablets: Tablet[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const tablet of tablets) await tablet.engine(injectTransport(server.app)).syncOnce();
}

describe('sync, case by case', () => {
  it('a delete from one tablet sticks when another tablet later edits a field of a record it has not seen', async () => {
    const centreId = await newCentreId(server.store, 'Deletes stick');
    const [a, b] = [await newTablet(server, centreId, 'ds-a'), await newTablet(server, centreId, 'ds-b')];
    try {
      await writeRecord(b.database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true });
      await b.engine(injectTransport(server.app)).syncOnce();
      await writeRecord(b.database, 'volunteers', 'v1', { deleted: true });
      await b.engine(injectTransport(server.app)).syncOnce();
      // Tablet A has never pulled v1; it edits one field of it, later than the delete.
      await writeRecord(a.database, 'volunteers', 'v1', { active: false });
      await syncAll([a, b]);
      const onServer = await serverState(server.store, centreId);
      expect(onServer['volunteers/v1']).toMatchObject({ deleted: true, active: false, displayName: 'Amira' });
      expect(await tabletState(a.database)).toEqual(onServer);
      expect(await tabletState(b.database)).toEqual(onServer);
    } finally {
      await a.database.delete();
      await b.database.delete();
    }
  });
});

describe('sync and wrong clocks', () => {
  const DAYS_3 = 3 * 24 * 3_600_000;

  it('a tablet 3 days behind learns the server time on its first sync, and its later writes win over earlier ones', async () => {
    const centreId = await newCentreId(server.store, 'Slow clock');
    const [right, slow] = [await newTablet(server, centreId, 'clock-right'), await newTablet(server, centreId, 'clock-slow')];
    const slowNow = () => Date.now() - DAYS_3;
    try {
      await createSyncEngine({ database: slow.database, transport: injectTransport(server.app), now: slowNow }).syncOnce();
      await writeRecord(right.database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true });
      await right.engine(injectTransport(server.app)).syncOnce();
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Later in real time, but 3 days earlier on the slow tablet's own clock.
      await writeRecord(slow.database, 'volunteers', 'v1', { displayName: 'Amira K.' }, { now: slowNow() });
      const [op] = await slow.database.outbox.toArray();
      expect(Number(op!.hlc.slice(0, 13))).toBeGreaterThan(Date.now() - 60_000);
      for (let round = 0; round < 2; round++) {
        await createSyncEngine({ database: slow.database, transport: injectTransport(server.app), now: slowNow }).syncOnce();
        await right.engine(injectTransport(server.app)).syncOnce();
      }
      const onServer = await serverState(server.store, centreId);
      expect(onServer['volunteers/v1']).toMatchObject({ displayName: 'Amira K.' });
      expect(await tabletState(right.database)).toEqual(onServer);
      expect(await tabletState(slow.database)).toEqual(onServer);
    } finally {
      await right.database.delete();
      await slow.database.delete();
    }
  });

  it('a tablet 3 days ahead is refused with CLOCK_AHEAD, moves nobody’s clock, and writes again from the server’s time', async () => {
    const centreId = await newCentreId(server.store, 'Fast clock');
    const [right, fast] = [await newTablet(server, centreId, 'clock-right-2'), await newTablet(server, centreId, 'clock-fast')];
    try {
      // A tablet that has never synced stamps its own wrong time.
      await writeRecord(fast.database, 'volunteers', 'v9', { displayName: 'Jo', active: true }, { create: true, now: Date.now() + DAYS_3 });
      const [ahead] = await fast.database.outbox.toArray();
      const result = await fast.engine(injectTransport(server.app)).syncOnce();
      // The server refused the op (CLOCK_AHEAD); the tablet set its clock back under a new node
      // and wrote the same fields again (clock-reset.ts), so the write is not lost.
      expect(result.rejected).toBe(0);
      expect(await fast.database.table('rejections').count()).toBe(0);
      const stored = await serverState(server.store, centreId);
      expect(stored['volunteers/v9']).toMatchObject({ displayName: 'Jo', active: true });
      const restamped = (await fast.database.table('volunteers').get('v9')) as { _hlc: string } | undefined;
      const hlc = restamped?._hlc ?? '';
      expect(Number(hlc.slice(0, 13))).toBeLessThan(Date.now() + 60_000);
      expect(hlc.slice(-16)).not.toBe(ahead!.hlc.slice(-16));
      // The other tablet pulls nothing from the future; its next write is stamped near now.
      await right.engine(injectTransport(server.app)).syncOnce();
      await writeRecord(right.database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true });
      const [op] = await right.database.outbox.toArray();
      expect(Number(op!.hlc.slice(0, 13))).toBeLessThan(Date.now() + 60_000);
    } finally {
      await right.database.delete();
      await fast.database.delete();
    }
  });
});
