import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushLimits } from '../../src/server/load-shedding';
import { openStore, type Queryable, type Store } from '../../src/server/store';
import { postgresSchema, testDatabaseUrl, type PostgresSchema } from '../support/postgres-schema';
import { checkIn, databases, enrolDevice, errorCode, newCentre, postgresDatabases, startServer, storedRecords, type EnrolledDevice, type TestServer } from './support';

/**
 * Issue 10, finding 3: overload answers 503 with Retry-After, never 500. Pushes beyond the caps
 * are turned away before their work starts (429 when the same device already pushes); a pool with
 * no free connection and a PostgreSQL that goes away answer 503; acknowledged ops stay stored.
 * Concurrency here is made, not waited for: a push is held inside its transaction until the test
 * lets it go.
 */

/**
 * A store whose transactions wait until `release()`: a push that is "running". `inside` holds
 * them after BEGIN, a connection taken; otherwise before, so PGlite's one session stays free
 * for the token lookups of the requests the test sends meanwhile.
 */
function holdingStore(store: Store, { inside = false } = {}) {
  let held: Promise<void> | null = null;
  let release = () => undefined as void;
  const waiting: (() => void)[] = [];
  let transactions = 0;
  let queries = 0;
  const wrapped: Store = {
    driver: store.driver,
    connections: store.connections ?? 1,
    query: <T>(sql: string, params?: unknown[]) => {
      queries++;
      return store.query<T>(sql, params);
    },
    transaction: async <T>(work: (tx: Queryable) => Promise<T>) => {
      transactions++;
      const gate = held;
      const wait = async () => {
        if (!gate) return;
        for (const notify of waiting.splice(0)) notify();
        await gate;
      };
      if (inside) return store.transaction(async (tx) => (await wait(), work(tx)));
      await wait();
      return store.transaction(work);
    },
    close: () => store.close(),
  };
  return {
    store: wrapped,
    hold: () => {
      held = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => {
      held = null;
      release();
    },
    /** Resolves once `n` transactions are waiting at the gate. */
    entered: (n: number) =>
      new Promise<void>((resolve) => {
        let seen = 0;
        const onEnter = () => (++seen === n ? resolve() : waiting.push(onEnter));
        waiting.push(onEnter);
      }),
    counts: () => ({ transactions, queries }),
  };
}

function pushBody(device: EnrolledDevice, seq: number) {
  return { protocol: 1, ops: [checkIn(seq, `${device.deviceId}-visit-${seq}`)] };
}

function push(server: TestServer, device: EnrolledDevice, seq: number): Promise<LightMyRequestResponse> {
  return server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: device.headers, payload: pushBody(device, seq) });
}

function expectRefused(response: LightMyRequestResponse, status: 429 | 503, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(errorCode(response)).toBe(code);
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe.each(databases)('load shedding on $name', (database) => {
  let dispose: () => Promise<void>;
  let base: Store;
  beforeAll(async () => {
    ({ store: base, dispose } = await database.open());
  });
  afterAll(() => dispose?.());

  async function serve(limits: PushLimits) {
    const holding = holdingStore(base);
    const server = await startServer(holding.store, { pushLimits: limits });
    const centre = await newCentre(holding.store);
    const other = await newCentre(holding.store, 'Calais');
    return { holding, server, centre, other };
  }

  it('answers a second push of the same device with 429 while its first runs, then takes it', async () => {
    const { holding, server, centre } = await serve({ total: 10, perCentre: 10 });
    try {
      const tablet = await enrolDevice(server, centre.id);
      holding.hold();
      const entered = holding.entered(1);
      const first = push(server, tablet, 1);
      await entered;
      const before = holding.counts().transactions;
      expectRefused(await push(server, tablet, 2), 429, 'TOO_MANY_REQUESTS');
      // Refused before its transaction: it waited for nothing and locked nothing.
      expect(holding.counts().transactions).toBe(before);
      holding.release();
      expect((await first).json()).toMatchObject({ ackedSeq: 1 });
      expect((await push(server, tablet, 2)).json()).toMatchObject({ ackedSeq: 2 });
    } finally {
      holding.release();
      await server.close();
    }
  });

  it("answers 503 to a centre's push beyond its cap, and still takes another centre's", async () => {
    const { holding, server, centre, other } = await serve({ total: 10, perCentre: 2 });
    try {
      const [a, b, c] = [await enrolDevice(server, centre.id), await enrolDevice(server, centre.id), await enrolDevice(server, centre.id)];
      const elsewhere = await enrolDevice(server, other.id);
      holding.hold();
      const entered = holding.entered(3);
      const running = [push(server, a, 1), push(server, b, 1), push(server, elsewhere, 1)];
      await entered;
      expectRefused(await push(server, c, 1), 503, 'SERVER_BUSY');
      holding.release();
      for (const response of await Promise.all(running)) expect(response.statusCode).toBe(200);
      expect((await push(server, c, 1)).statusCode).toBe(200);
    } finally {
      holding.release();
      await server.close();
    }
  });

  it('answers 503 beyond the total cap before even looking the token up', async () => {
    const { holding, server, centre, other } = await serve({ total: 1, perCentre: 1 });
    try {
      const a = await enrolDevice(server, centre.id);
      const b = await enrolDevice(server, other.id);
      holding.hold();
      const entered = holding.entered(1);
      const running = push(server, a, 1);
      await entered;
      const before = holding.counts();
      expectRefused(await push(server, b, 1), 503, 'SERVER_BUSY');
      // Not one statement: overload is not made worse by the requests it turns away.
      expect(holding.counts()).toEqual(before);
      holding.release();
      expect((await running).statusCode).toBe(200);
    } finally {
      holding.release();
      await server.close();
    }
  });

  it('gives the place back after a push that failed before its handler, or whose client hung up', async () => {
    // Room for two, so the device's own place is what shows (429), not the total (503).
    const { holding, server, centre } = await serve({ total: 2, perCentre: 2 });
    try {
      const tablet = await enrolDevice(server, centre.id);
      const malformed = await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: { ...tablet.headers, 'content-type': 'application/json' }, payload: '{"protocol": 1, "ops": [' });
      expect(malformed.statusCode).toBe(400);
      expect((await push(server, tablet, 1)).statusCode).toBe(200);
      expect(holding.counts().transactions).toBeGreaterThan(0);

      // Over a socket: headers and half a body, then the client goes.
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.app.server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.on('error', () => undefined);
      const body = JSON.stringify(pushBody(tablet, 2));
      socket.write(`POST /api/v1/sync/push HTTP/1.1\r\nHost: daybook\r\nAuthorization: Bearer ${tablet.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      // Its place is taken once the server has read the headers and looked its token up.
      await expect.poll(() => server.app.pushesInFlight()).toBe(1);
      expectRefused(await push(server, tablet, 2), 429, 'TOO_MANY_REQUESTS');
      socket.destroy();
      await closed;
      await expect.poll(() => server.app.pushesInFlight()).toBe(0);
      expect((await push(server, tablet, 2)).json()).toMatchObject({ ackedSeq: 2 });
    } finally {
      await server.close();
    }
  });
});

describe.each(postgresDatabases)('PostgreSQL overloaded or away, on $name', () => {
  let schema: PostgresSchema;
  beforeAll(async () => {
    schema = postgresSchema(testDatabaseUrl!);
    await schema.create();
  });
  afterAll(() => schema?.drop());

  it('answers 503 with Retry-After while every pooled connection is busy, and 200 once one is free', async () => {
    // One connection, and a short wait for it: the test holds it, so the wait always runs out.
    const store = await openStore({ databaseUrl: schema.url, poolSize: 1, connectTimeoutMs: 200 });
    const server = await startServer(store);
    try {
      const centre = await newCentre(store);
      const tablet = await enrolDevice(server, centre.id);
      let letGo = () => undefined as void;
      const holding = store.transaction(() => new Promise<void>((resolve) => (letGo = resolve)));
      for (const response of [await push(server, tablet, 1), await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull?cursor=0', headers: tablet.headers })]) {
        expectRefused(response, 503, 'SERVER_BUSY');
        expect(response.headers['retry-after']).toBe('5');
      }
      letGo();
      await holding;
      expect((await push(server, tablet, 1)).json()).toMatchObject({ ackedSeq: 1 });
    } finally {
      await server.close();
      await store.close();
    }
  });

  it('answers 503 while PostgreSQL is away (a restart), mid-transaction too, and loses nothing it acknowledged', async () => {
    const proxy = await cuttableProxy(schema.url);
    const store = await openStore({ databaseUrl: proxy.url, poolSize: 2, connectTimeoutMs: 1_000 });
    const holding = holdingStore(store, { inside: true });
    const server = await startServer(holding.store);
    try {
      const centre = await newCentre(store);
      const tablet = await enrolDevice(server, centre.id);
      expect((await push(server, tablet, 1)).statusCode).toBe(200);

      // A push inside its transaction when PostgreSQL goes.
      holding.hold();
      const entered = holding.entered(1);
      const caught = push(server, tablet, 2);
      await entered;
      await proxy.cut();
      holding.release();
      expectRefused(await caught, 503, 'DATABASE_UNAVAILABLE');
      // And while it is still away: no connection can be made at all.
      expectRefused(await push(server, tablet, 2), 503, 'DATABASE_UNAVAILABLE');

      await proxy.restore();
      // The pool makes new connections as soon as PostgreSQL answers again.
      expect((await push(server, tablet, 2)).json()).toMatchObject({ ackedSeq: 2 });
      const stored = await storedRecords(store, centre.id);
      expect([...stored.keys()].sort()).toEqual([`attendance:${tablet.deviceId}-visit-1`, `attendance:${tablet.deviceId}-visit-2`]);
    } finally {
      holding.release();
      await server.close();
      await store.close();
      await proxy.close();
    }
  });
});

/**
 * A TCP proxy to PostgreSQL that the test can cut and restore: what the pool sees when the
 * database restarts (every connection dropped, then refused until it is back), without touching
 * the PostgreSQL other test files share.
 */
async function cuttableProxy(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  };
  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), cut, restore: listen, close: cut };
}
