import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaybookDatabase, type MetaRow } from '../../src/client/db/core/database';
import { loadSyncRecords } from '../../src/client/db/repositories/sync-state';
import { writeRecord } from '../../src/client/db/core/write';
import { enrolDevice } from '../../src/client/sync/enrol';
import { createSyncEngine, RESEND_HELD_AFTER_MS } from '../../src/client/sync/engine';
import type { Transport } from '../../src/client/sync/transport';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/store';
import { createCentre, mintEnrolmentCode } from '../../src/server/store/accounts';
import { formatHlc } from '../../src/shared/hlc';
import { checkOp, hlc as hlcText, z, type Op } from '../../src/shared/schema';

/**
 * Issue 12, "versions apart", against the real server: a tablet running a newer app than its
 * server (a server rolled back). The server keeps the contract to the letter (an op with a field
 * it does not know is refused as INVALID_OP, naming the field); the tablet holds the op instead
 * of forgetting it, and sends it again, under a new seq the server does not skip, after the
 * server's version changes.
 */

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openStore({ inMemory: true });
  app = await buildApp({ store, version: '1.0.0' });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

/** The server through Fastify's inject; `app` is whichever version is installed now. */
const transport: Transport = async ({ method, path, token, body }) => {
  const response = await app.inject({
    method,
    url: path,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: response.statusCode, body: response.body === '' ? null : (JSON.parse(response.body) as unknown) };
};

/** The next app's sessions have a `room`: its own schema takes such an op, this code's does not. */
const newerAppTakes = (op: Op) => checkOp(op.table === 'sessions' ? { ...op, fields: Object.fromEntries(Object.entries(op.fields).filter(([key]) => key !== 'room')) } : op).ok;

/** What the newer app's write leaves: the row and its op, in one transaction, as write.ts does. */
async function writeWithRoom(database: DaybookDatabase, at: number): Promise<string> {
  return database.transaction('rw', [database.sessions, database.outbox, database.meta], async () => {
    const device = await database.meta.get('device');
    if (device?.key !== 'device') throw new Error('no device row');
    const hlc = formatHlc({ ms: at, counter: 0, node: device.node });
    const fields = { day: '2026-11-24', activity: 'art', startedAt: at, endedAt: null, room: 'Blue room', deleted: false };
    await database.sessions.put({ id: 's1', ...fields, _hlc: hlc });
    await database.outbox.add({ table: 'sessions', id: 's1', hlc, fields });
    await database.meta.put({ key: 'clock', hlc } satisfies MetaRow);
    return hlc;
  });
}

/** What the tablet sent: each op's seq and clock. */
const pushed = z.object({ ops: z.array(z.object({ seq: z.int(), hlc: hlcText })) });

describe('a tablet newer than the real server', () => {
  it('holds the op the server refuses for a field it does not know, and sends it again under a new seq once the server changes version', async () => {
    const centre = await createCentre(store, { name: 'Dunkirk play centre', timeZone: 'Europe/Paris' });
    const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'lead', now: Date.now() });
    const database = new DaybookDatabase('versions-apart-real-server');
    await database.open();
    try {
      const outcome = await enrolDevice({ serverUrl: 'http://localhost:8080', code, deviceName: 'Tablet A' }, { database, transport, pageProtocol: 'http:' });
      if (!outcome.ok) throw new Error(`could not enrol: ${JSON.stringify(outcome.problem)}`);
      let now = Date.now();
      const pushes: { seq: number; hlc: string }[] = [];
      const watched: Transport = async (request) => {
        if (request.path === '/api/v1/sync/push') pushes.push(...pushed.parse(request.body).ops);
        return transport(request);
      };
      const engine = createSyncEngine({ database, transport: watched, now: () => now, appVersion: '2.0.0', takesOp: newerAppTakes });

      const hlc = await writeWithRoom(database, now);
      await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now });
      expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 1, rejected: 0, held: 1 });
      const [held] = await database.heldOps.toArray();
      expect(held).toMatchObject({ table: 'sessions', id: 's1', hlc, serverVersion: '1.0.0', appVersion: '2.0.0', message: 'fields.room: unknown field' });
      expect(await database.rejections.count()).toBe(0);
      expect(await database.sessions.get('s1')).toMatchObject({ room: 'Blue room' });
      expect(await loadSyncRecords(database)).toMatchObject({ waiting: 1, serverUpdateWaiting: true });

      // Same server, a while later: nothing is sent again.
      now += 60_000;
      await engine.syncOnce();
      expect(pushes).toHaveLength(2);

      // Another version of the server is installed on the same data (still without `room`).
      await app.close();
      app = await buildApp({ store, version: '1.0.1' });
      now += 60_000;
      expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', held: 1 });
      const resent = pushes.at(-1)!;
      expect(resent.hlc).toBe(hlc);
      expect(resent.seq).toBeGreaterThan(held!.seq);
      // Not skipped as already acknowledged: the server looked at it, and refused it again.
      const [again] = await database.heldOps.toArray();
      expect(again).toMatchObject({ seq: resent.seq, hlc, serverVersion: '1.0.1', message: 'fields.room: unknown field' });
      expect(again!.heldAt).toBe(now);

      // A day on, the same server: once more, and no more than once.
      now += RESEND_HELD_AFTER_MS;
      await engine.syncOnce();
      await engine.syncOnce();
      expect(pushes.filter((op) => op.hlc === hlc)).toHaveLength(3);
    } finally {
      await database.delete();
    }
  });
});
