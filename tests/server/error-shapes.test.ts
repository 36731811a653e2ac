import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/store';
import { createCentre, enrol, mintEnrolmentCode } from '../../src/server/store/accounts';
import { contractError, listenOnLoopback, parseResponse, rawExchange } from './raw-http';

/**
 * Issue 10, findings 8 and 12: every error the server sends has the contract's shape
 * (`{"error": {"code", "message"}}` and nothing else), with Retry-After on a 429 or a 503 and the
 * security headers, whether Fastify writes it or Node does before Fastify has a request. Each
 * case goes over a real socket, as a client meets it.
 */

const NOW = Date.UTC(2026, 2, 29, 10, 0, 0);

let store: Store;
let app: FastifyInstance;
let port: number;
let token: string;
const logged: string[] = [];

beforeAll(async () => {
  store = await openStore({ inMemory: true });
  const centre = await createCentre(store, { name: 'Dunkirk', timeZone: 'Europe/Paris' });
  const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', now: NOW });
  const enrolled = await enrol(store, { code, deviceName: 'Blue tablet', now: NOW });
  token = enrolled!.token;
  app = await buildApp({
    store,
    version: 'test',
    clock: () => NOW,
    enrolFailureLimits: { max: 1, windowMs: 60_000 },
    // No push may run: every push is turned away before its work, as under overload.
    pushLimits: { total: 0, perCentre: 0 },
    logger: { level: 'info', stream: { write: (line: string) => logged.push(line) } },
  });
  port = await listenOnLoopback(app);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

/** A request as bytes; `Connection: close` so the exchange ends with the answer. */
function request(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = Object.entries({ host: 'daybook', connection: 'close', ...(body && { 'content-length': String(Buffer.byteLength(body)) }), ...headers });
  return `${method} ${path} HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`;
}

const json = { 'content-type': 'application/json' };
const bearer = () => ({ authorization: `Bearer ${token}` });

const cases: { status: number; code: string; send: () => string; retryAfter?: boolean; label: string }[] = [
  { status: 400, code: 'BAD_REQUEST', label: 'bytes that are not HTTP', send: () => 'HELLO THERE\r\n\r\n' },
  { status: 404, code: 'NOT_FOUND', label: 'an unknown API address', send: () => request('GET', '/api/v1/children/4173-K9-secret') },
  { status: 408, code: 'REQUEST_TIMEOUT', label: 'headers that never end (cut by a 1 s cap below)', send: () => '' },
  {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    label: 'a body over 4 MB',
    send: () => request('POST', '/api/v1/enrol', json, JSON.stringify({ code: 'x'.repeat(4 * 1024 * 1024), deviceName: 'Tablet' })),
  },
  { status: 414, code: 'URI_TOO_LONG', label: 'an address over 2 KB', send: () => request('GET', `/api/v1/health?${'a'.repeat(3_000)}`) },
  { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', label: 'a body that is not JSON', send: () => request('POST', '/api/v1/enrol', { 'content-type': 'application/xml' }, '<code/>') },
  {
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    label: 'a second wrong enrolment code',
    retryAfter: true,
    send: () => request('POST', '/api/v1/enrol', json, JSON.stringify({ code: 'WRONG-CODE-2', deviceName: 'Tablet' })),
  },
  { status: 431, code: 'HEADERS_TOO_LARGE', label: 'headers over 16 KB', send: () => request('GET', '/api/v1/health', { 'x-big': 'a'.repeat(20_000) }) },
  {
    status: 503,
    code: 'SERVER_BUSY',
    label: 'a push while the server sheds load',
    retryAfter: true,
    send: () => request('POST', '/api/v1/sync/push', { ...json, ...bearer() }, JSON.stringify({ protocol: 1, ops: [] })),
  },
];

describe('every error the server sends', () => {
  beforeAll(async () => {
    // The first wrong code: the 429 case is the second one from this address.
    const first = parseResponse((await rawExchange(port, request('POST', '/api/v1/enrol', json, JSON.stringify({ code: 'WRONG-CODE-1', deviceName: 'Tablet' })))).received);
    expect(first.status).toBe(403);
  });

  it.each(cases)('answers $status $code to $label, in the contract’s shape', async ({ status, code, send, retryAfter }) => {
    const exchange =
      status === 408
        ? // The 408 needs a server whose headers timeout is short; the production one is 10 s.
          await slowHeaders()
        : await rawExchange(port, send());
    const response = parseResponse(exchange.received);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(contractError(response.body).code).toBe(code);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    if (retryAfter) expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    else expect(response.headers['retry-after']).toBeUndefined();
  });

  it('never logs the path of a request no route matched', () => {
    const text = logged.join('');
    expect(text).toContain('"status":404');
    expect(text).not.toContain('4173-K9-secret');
    expect(text).not.toContain('/api/v1/children');
  });
});

async function slowHeaders() {
  const slow = await buildApp({ store, version: 'test', httpLimits: { headersTimeoutMs: 200, requestTimeoutMs: 400, timeoutCheckIntervalMs: 50 } });
  try {
    return await rawExchange(await listenOnLoopback(slow), 'GET /api/v1/health HTTP/1.1\r\n', `x-slow: ${'a'.repeat(2_000)}\r\n\r\n`);
  } finally {
    await slow.close();
  }
}
