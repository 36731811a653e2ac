import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaybookDatabase } from '../../src/client/db/core/database';
import { loadEnrolment } from '../../src/client/db/repositories/sync-state';
import { writeRecord } from '../../src/client/db/core/write';
import { enrolDevice } from '../../src/client/sync/enrol';
import { createSyncEngine } from '../../src/client/sync/engine';
import type { Transport } from '../../src/client/sync/transport';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/store';
import { createCentre, mintEnrolmentCode } from '../../src/server/store/accounts';
import { enrolmentCodeResponse } from '../../src/shared/schema';

/**
 * Two tablets and the real server in one process: enrolment through the enrol endpoint, a code
 * minted by the lead tablet, pushes and pulls through Fastify's inject on PGlite in memory.
 */

let app: FastifyInstance;
let store: Store;

beforeAll(async () => {
  store = await openStore({ inMemory: true });
  app = await buildApp({ store, version: 'two-tablets-test' });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

const transport: Transport = async ({ method, path, token, body }) => {
  const response = await app.inject({
    method,
    url: path,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: response.statusCode, body: response.body === '' ? null : (JSON.parse(response.body) as unknown) };
};

async function tablet(name: string, code: string): Promise<DaybookDatabase> {
  const database = new DaybookDatabase(name);
  await database.open();
  const outcome = await enrolDevice({ serverUrl: 'http://localhost:8080', code, deviceName: name }, { database, transport, pageProtocol: 'http:' });
  if (!outcome.ok) throw new Error(`${name} could not enrol: ${JSON.stringify(outcome.problem)}`);
  return database;
}

/** Every synced record a tablet holds, without the local clocks. */
async function records(database: DaybookDatabase) {
  const rows = await database.volunteers.toArray();
  return rows.map(({ _hlc: _clock, _hlcs: _clocks, ...fields }) => fields).sort((a, b) => a.id.localeCompare(b.id));
}

describe('two tablets through the real server', () => {
  it('enrol, exchange their writes field by field, and end with the same records and empty outboxes', async () => {
    const centre = await createCentre(store, { name: 'Dunkirk play centre', timeZone: 'Europe/Paris' });
    const { code: leadCode } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'lead', now: Date.now() });
    const a = await tablet('tablet-a', leadCode);
    let b: DaybookDatabase | undefined;
    try {
      const leadToken = (await loadEnrolment(a))!.token;
      const minted = await transport({ method: 'POST', path: '/api/v1/enrolment-codes', token: leadToken, body: { role: 'volunteer' } });
      expect(minted.status).toBe(201);
      b = await tablet('tablet-b', enrolmentCodeResponse.parse(minted.body).code);
      expect(await loadEnrolment(b)).toMatchObject({ role: 'volunteer', centre: { name: 'Dunkirk play centre' } });

      const syncA = createSyncEngine({ database: a, transport });
      const syncB = createSyncEngine({ database: b, transport });
      await writeRecord(a, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true });
      await writeRecord(b, 'volunteers', 'v2', { displayName: 'Sam', active: true }, { create: true });
      expect(await syncA.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 1 });
      expect(await syncB.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 1, pulled: 2 });

      // Offline, both edit v1: A renames her, B (later) marks her inactive. Both changes stay.
      await writeRecord(a, 'volunteers', 'v1', { displayName: 'Amira K.' });
      await writeRecord(b, 'volunteers', 'v1', { active: false });
      await syncA.syncOnce();
      await syncB.syncOnce();
      await syncA.syncOnce();

      const onA = await records(a);
      expect(onA).toEqual([
        { id: 'v1', displayName: 'Amira K.', active: false, deleted: false },
        { id: 'v2', displayName: 'Sam', active: true, deleted: false },
      ]);
      expect(await records(b)).toEqual(onA);
      expect(await a.outbox.count()).toBe(0);
      expect(await b.outbox.count()).toBe(0);
      expect(await a.rejections.count()).toBe(0);

      // The lead revokes tablet B: its next sync keeps its outbox and asks for enrolment.
      const deviceB = (await loadEnrolment(b))!.deviceId;
      expect((await transport({ method: 'DELETE', path: `/api/v1/devices/${deviceB}`, token: leadToken })).status).toBe(204);
      await writeRecord(b, 'volunteers', 'v2', { active: false });
      expect(await syncB.syncOnce()).toMatchObject({ outcome: 'needs-enrolment' });
      expect(await b.outbox.count()).toBe(1);
    } finally {
      await a.delete();
      await b?.delete();
    }
  });
});
