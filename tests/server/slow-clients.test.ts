import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { capConnections, DEFAULT_HTTP_LIMITS } from '../../src/server/http-guards';
import { openStore, type Store } from '../../src/server/store';
import { addressMatcher } from '../../src/server/trusted-proxies';
import { contractError, listenOnLoopback, parseResponse, rawExchange } from './raw-http';

/**
 * Issue 10, finding 8: a client on the centre's network that trickles a request holds its
 * connection only until its time is up, and can hold only so many connections. The timeouts are
 * made small for the test; each trickle would take tens of seconds to finish, so a connection
 * that is not cut off shows as a test that fails, never as one that passes slowly.
 */

const SMALL_LIMITS = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 300,
  timeoutCheckIntervalMs: 50,
};

let store: Store;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  store = await openStore({ inMemory: true });
  app = await buildApp({
    store,
    version: 'test',
    httpLimits: SMALL_LIMITS,
    routes: (instance) => {
      instance.post('/api/v1/echo', (request) => ({ received: request.body }));
    },
  });
  port = await listenOnLoopback(app);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('a client that trickles its request', () => {
  it('is cut off with a 408 in the contract’s shape when its headers do not arrive in time', async () => {
    const { received, trickled } = await rawExchange(port, 'GET /api/v1/health HTTP/1.1\r\n', `X-Slow: ${'a'.repeat(2_000)}\r\n\r\n`);
    expect(trickled).toBeLessThan(2_000);
    const response = parseResponse(received);
    expect(response.status).toBe(408);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', connection: 'close', 'x-content-type-options': 'nosniff' });
    expect(contractError(response.body)).toEqual({ code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive; send it again.' });
  });

  it('is cut off with a 408 when its body does not arrive in time', async () => {
    const body = JSON.stringify({ notes: 'x'.repeat(2_000) });
    const head = `POST /api/v1/echo HTTP/1.1\r\nHost: daybook\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { received, trickled } = await rawExchange(port, head, body);
    expect(trickled).toBeLessThan(body.length);
    const response = parseResponse(received);
    expect(response.status).toBe(408);
    expect(contractError(response.body).code).toBe('REQUEST_TIMEOUT');
  });

  it('is not what a quick client meets: the same request sent at once is answered', async () => {
    const body = JSON.stringify({ notes: 'x'.repeat(2_000) });
    const request = `POST /api/v1/echo HTTP/1.1\r\nHost: daybook\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const response = parseResponse((await rawExchange(port, request)).received);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ received: { notes: 'x'.repeat(2_000) } });
  });

  it('cannot keep an idle connection open past the keep-alive timeout', async () => {
    // Nothing after the first request, and no Connection: close: only the keep-alive timeout
    // ends this exchange; without it the test would wait until its own timeout and fail.
    const { received } = await rawExchange(port, 'GET /api/v1/health HTTP/1.1\r\nHost: daybook\r\n\r\n');
    const response = parseResponse(received);
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('keep-alive');
  });
});

describe('the connection caps', () => {
  it('has production defaults a trickler cannot outlast', () => {
    expect(DEFAULT_HTTP_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, maxConnections: 1_024, maxConnectionsPerAddress: 32 });
    // Node refuses a headers timeout longer than the request timeout; and the check runs often enough to matter.
    expect(DEFAULT_HTTP_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(DEFAULT_HTTP_LIMITS.requestTimeoutMs);
    expect(DEFAULT_HTTP_LIMITS.timeoutCheckIntervalMs).toBeLessThanOrEqual(DEFAULT_HTTP_LIMITS.headersTimeoutMs / 5);
    expect(app.server.maxConnections).toBe(1_024);
    expect(app.server.requestTimeout).toBe(600);
    expect(app.server.headersTimeout).toBe(300);
  });

  it('closes a connection over the total cap before it can send anything', async () => {
    const capped = await buildApp({ store, version: 'test', httpLimits: { maxConnections: 2 } });
    const cappedPort = await listenOnLoopback(capped);
    const open: Socket[] = [];
    try {
      let accepted = 0;
      const twoAccepted = new Promise<void>((resolve) => capped.server.on('connection', () => ++accepted === 2 && resolve()));
      open.push(connect(cappedPort, '127.0.0.1'), connect(cappedPort, '127.0.0.1'));
      await twoAccepted;
      const third = await rawExchange(cappedPort, 'GET /api/v1/health HTTP/1.1\r\nHost: daybook\r\n\r\n');
      expect(third.received).toBe('');
    } finally {
      for (const socket of open) socket.destroy();
      await capped.close();
    }
  });

  /** A server stand-in that counts what the cap does to each connection it is handed. */
  function fakeServer() {
    const server = Object.assign(new EventEmitter(), { maxConnections: 0 });
    const connection = (remoteAddress: string) => {
      const socket = Object.assign(new EventEmitter(), { remoteAddress, destroyed: false, destroy: () => (socket.destroyed = true) });
      server.emit('connection', socket);
      return socket;
    };
    return { server, connection };
  }

  it('lets one address hold only so many connections, and gives them back as they close', () => {
    const { server, connection } = fakeServer();
    capConnections(server, { maxConnections: 100, maxConnectionsPerAddress: 3 }, addressMatcher(['loopback', '10.0.0.5']));
    expect(server.maxConnections).toBe(100);
    const attacker = [1, 2, 3, 4].map(() => connection('192.168.1.66'));
    expect(attacker.map((socket) => socket.destroyed)).toEqual([false, false, false, true]);
    // Another tablet on the same network is not held up by them.
    expect(connection('192.168.1.20').destroyed).toBe(false);
    attacker[0]!.emit('close');
    expect(connection('192.168.1.66').destroyed).toBe(false);
    expect(connection('192.168.1.66').destroyed).toBe(true);
    // The proxy carries every tablet's connections, and loopback is this machine: neither is capped per address.
    for (let i = 0; i < 10; i++) {
      expect(connection('10.0.0.5').destroyed).toBe(false);
      expect(connection('::ffff:127.0.0.1').destroyed).toBe(false);
    }
  });
});
