import type { DBCore, DBCoreTable } from 'dexie';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/store';
import { createCentre, mintEnrolmentCode } from '../../src/server/store/accounts';
import { DaybookDatabase, SYNCED_TABLES, type OutboxOp } from '../../src/client/db/core/database';
import { toReplica } from '../../src/client/db/core/replica';
import { createSyncEngine, type SyncEngine } from '../../src/client/sync/engine';
import { enrolDevice } from '../../src/client/sync/enrol';
import { NetworkError, type Transport } from '../../src/client/sync/transport';
import type { Replica } from '../../src/shared/merge';

/** The real server, in process, on the embedded database in memory; `clock` is its own time (default Date.now). */
export async function startInProcessServer(
  clock: () => number = Date.now,
): Promise<{ app: FastifyInstance; store: Store; now: () => number; close: () => Promise<void> }> {
  const store = await openStore({ inMemory: true });
  const app = await buildApp({ store, version: 'sync-test', clock });
  return { app, store, now: clock, close: async () => (await app.close(), await store.close()) };
}

/** A transport that is the server, through Fastify's inject: no network, the real routes. */
export function injectTransport(app: FastifyInstance): Transport {
  return async ({ method, path, token, body }) => {
    const response = await app.inject({
      method,
      url: path,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: response.body === '' ? null : (JSON.parse(response.body) as unknown) };
  };
}

/** What can go wrong with one request on a camp connection. */
export type Fault = 'none' | 'lost-request' | 'lost-answer' | 'duplicated';

/**
 * The server, with the network in between: a request may never arrive, arrive and lose its
 * answer, or arrive twice. `faults` is consumed one per request; then requests go through.
 */
export function unreliable(transport: Transport, faults: Fault[], sent: { body: unknown; path: string; token?: string }[] = []): Transport {
  return async (request) => {
    const fault = faults.shift() ?? 'none';
    if (fault === 'lost-request') throw new NetworkError('request lost');
    if (request.method === 'POST' && request.path === '/api/v1/sync/push') sent.push({ body: request.body, path: request.path, token: request.token });
    const answer = await transport(request);
    if (fault === 'duplicated') return transport(request);
    if (fault === 'lost-answer') throw new NetworkError('answer lost');
    return answer;
  };
}

/** `now` is the tablet's own wall clock, which its sync engine reads (and its writes should be given). */
export type Tablet = { name: string; role: 'lead' | 'volunteer'; database: DaybookDatabase; log: OutboxOp[]; now: () => number; engine: (transport: Transport) => SyncEngine };

/**
 * A tablet: its own database (as a fresh install), enrolled in `centreId` with `role`, logging
 * every op it writes. `now` is its wall clock, right or wrong (default Date.now).
 */
export async function newTablet(
  server: { app: FastifyInstance; store: Store; now?: () => number },
  centreId: string,
  name: string,
  role: 'lead' | 'volunteer' = 'lead',
  now: () => number = Date.now,
): Promise<Tablet> {
  const database = new DaybookDatabase(name);
  await database.open();
  const log: OutboxOp[] = [];
  watchOutbox(database, log);
  // Minted on the server's clock: the server checks the code's expiry against that one.
  const { code } = await mintEnrolmentCode(server.store, { centreId, role, now: (server.now ?? Date.now)() });
  const outcome = await enrolDevice(
    { serverUrl: 'http://localhost:8080', code, deviceName: name },
    { database, transport: injectTransport(server.app), pageProtocol: 'http:', now },
  );
  if (!outcome.ok) throw new Error(`enrolment failed: ${JSON.stringify(outcome.problem)}`);
  return { name, role, database, log, now, engine: (transport) => createSyncEngine({ database, transport, now }) };
}

/** A tablet as it comes out of the box: its own database, never enrolled (it is its own lead). */
export async function freshTablet(name: string): Promise<DaybookDatabase> {
  const database = new DaybookDatabase(name);
  await database.open();
  return database;
}

/** Enrols an existing tablet's database into `centreId` with a code of `role`, as the enrol screen would. */
export async function enrolInto(server: { app: FastifyInstance; store: Store }, centreId: string, database: DaybookDatabase, role: 'lead' | 'volunteer'): Promise<void> {
  const { code } = await mintEnrolmentCode(server.store, { centreId, role, now: Date.now() });
  const outcome = await enrolDevice(
    { serverUrl: 'http://localhost:8080', code, deviceName: database.name },
    { database, transport: injectTransport(server.app), pageProtocol: 'http:' },
  );
  if (!outcome.ok) throw new Error(`enrolment failed: ${JSON.stringify(outcome.problem)}`);
}

/** Syncs every tablet, twice round, so each has pushed everything and pulled everyone else's. */
export async function syncAll(server: { app: FastifyInstance }, tablets: readonly DaybookDatabase[]): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (const database of tablets) {
      const result = await createSyncEngine({ database, transport: injectTransport(server.app) }).syncOnce();
      if (result.outcome !== 'synced') throw new Error(`${database.name} did not sync: ${result.outcome} ${result.message ?? ''}`);
    }
  }
}

/**
 * Logs every op the tablet queues, with the seq the outbox gives it once the add succeeds. An op
 * added in a transaction that then aborts (a tab dying inside it) was never queued: it leaves the log.
 */
export function watchOutbox(database: DaybookDatabase, log: OutboxOp[]): void {
  database.outbox.hook('creating', function (_key, op, transaction) {
    const entry = structuredClone(op);
    log.push(entry);
    this.onsuccess = (seq: unknown) => {
      if (typeof seq === 'number') entry.seq = seq;
    };
    transaction.on('abort', () => {
      const at = log.indexOf(entry);
      if (at >= 0) log.splice(at, 1);
    });
  });
}

/** The tablet as it opens again on the same local database (a reload, a restart). */
async function reopened(tablet: Tablet): Promise<Tablet> {
  const database = new DaybookDatabase(tablet.name);
  await database.open();
  watchOutbox(database, tablet.log);
  return { ...tablet, database, engine: (t) => createSyncEngine({ database, transport: t, now: tablet.now }) };
}

/** The tab stops at an await: after `requestsBeforeStop` requests through `transport` nothing more happens, then it reopens. */
export async function stopAndRestart(tablet: Tablet, transport: Transport, requestsBeforeStop: number): Promise<Tablet> {
  let left = requestsBeforeStop;
  const stopping: Transport = async (request) => {
    if (left-- <= 0) throw new Error('the tab was closed');
    return transport(request);
  };
  await createSyncEngine({ database: tablet.database, transport: stopping, now: tablet.now })
    .syncOnce()
    .catch(() => undefined);
  tablet.database.close();
  return reopened(tablet);
}

export class TabClosed extends Error {}

/**
 * The tab dies inside a local transaction: every IndexedDB request of the sync counts a step,
 * and the one after `steps` never happens. Its transaction aborts, as IndexedDB aborts the open
 * transactions of a closed tab: nothing of it is stored, and the tab opens again from what was
 * committed.
 */
export async function dieInsideALocalTransaction(tablet: Tablet, transport: Transport, steps: number): Promise<Tablet> {
  let left = steps;
  const step = () => left-- > 0;
  const dying = new DaybookDatabase(tablet.name);
  dying.use({
    stack: 'dbcore',
    name: 'the tab dies',
    create: (down: DBCore) => ({
      ...down,
      table: (name: string): DBCoreTable => {
        const table = down.table(name);
        const closed = () => Promise.reject(new TabClosed('the tab was closed'));
        return {
          ...table,
          mutate: (req) => (step() ? table.mutate(req) : closed()),
          get: (req) => (step() ? table.get(req) : closed()),
          getMany: (req) => (step() ? table.getMany(req) : closed()),
          query: (req) => (step() ? table.query(req) : closed()),
          openCursor: (req) => (step() ? table.openCursor(req) : closed()),
          count: (req) => (step() ? table.count(req) : closed()),
        };
      },
    }),
  });
  tablet.database.close();
  await dying.open();
  watchOutbox(dying, tablet.log);
  await createSyncEngine({ database: dying, transport, now: tablet.now })
    .syncOnce()
    .catch((error: unknown) => {
      // Only the death it was told to die; anything else is a real failure of the sync.
      if (!(error instanceof TabClosed)) throw error;
    });
  dying.close();
  return reopened(tablet);
}

export async function newCentreId(store: Store, name: string): Promise<string> {
  return (await createCentre(store, { name, timeZone: 'Europe/Paris' })).id;
}

/** Every synced record a tablet holds, as `table/id` -> fields (a missing `deleted` reads as false). */
export async function tabletState(database: DaybookDatabase): Promise<Record<string, Record<string, unknown>>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const table of SYNCED_TABLES) {
    for (const row of await database.table(table).toArray()) {
      state[`${table}/${(row as { id: string }).id}`] = normalise(toReplica(row as never).fields);
    }
  }
  return state;
}

/** Every record of a centre on the server, in the same form. */
export async function serverState(store: Store, centreId: string): Promise<Record<string, Record<string, unknown>>> {
  const rows = await store.query<{ tbl: string; id: string; fields: Record<string, unknown> }>('SELECT tbl, id, fields FROM records WHERE centre_id = $1', [centreId]);
  return Object.fromEntries(rows.map((row) => [`${row.tbl}/${row.id}`, normalise(row.fields)]));
}

/** The HLC of every field of every record of a centre on the server, as `table/id` -> field -> HLC. */
export async function serverClocks(store: Store, centreId: string): Promise<Record<string, Record<string, string>>> {
  const rows = await store.query<{ tbl: string; id: string; hlcs: Record<string, string> }>('SELECT tbl, id, hlcs FROM records WHERE centre_id = $1', [centreId]);
  return Object.fromEntries(rows.map((row) => [`${row.tbl}/${row.id}`, row.hlcs]));
}

/** The HLC of every field of every synced record a tablet holds, in the same form. */
export async function tabletClocks(database: DaybookDatabase): Promise<Record<string, Record<string, string>>> {
  const clocks: Record<string, Record<string, string>> = {};
  for (const table of SYNCED_TABLES) {
    for (const row of await database.table(table).toArray()) clocks[`${table}/${(row as { id: string }).id}`] = toReplica(row as never).hlcs;
  }
  return clocks;
}

export function normalise(fields: Record<string, unknown>): Record<string, unknown> {
  return { deleted: false, ...fields };
}

type Merge = (current: Replica | undefined, op: { hlc: string; fields: Record<string, unknown> }) => { next: Replica };

function mergedReplicas(ops: readonly OutboxOp[], merge: Merge): Map<string, Replica> {
  const replicas = new Map<string, Replica>();
  for (const op of ops) {
    const key = `${op.table}/${op.id}`;
    replicas.set(key, merge(replicas.get(key), op).next);
  }
  return replicas;
}

/** What every replica must hold: all the ops ever written, merged by the shared rule. */
export function expectedState(ops: readonly OutboxOp[], merge: Merge) {
  return Object.fromEntries([...mergedReplicas(ops, merge)].map(([key, replica]) => [key, normalise(replica.fields)]));
}

/**
 * The field clocks every replica must hold, in serverClocks' form. Stricter than expectedState:
 * an op lost on the way whose value happened to equal the one kept still leaves its clock missing.
 */
export function expectedClocks(ops: readonly OutboxOp[], merge: Merge): Record<string, Record<string, string>> {
  return Object.fromEntries([...mergedReplicas(ops, merge)].map(([key, replica]) => [key, replica.hlcs]));
}
