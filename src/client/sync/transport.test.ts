import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { errorOf, fetchTransport, GZIP_FROM_BYTES, MAX_RETRY_AFTER_MS, NetworkError, parseRetryAfter } from './transport';

const fakeFetch = (answer: () => Promise<Response>) => vi.fn<typeof fetch>(answer);

describe('fetchTransport', () => {
  it('sends JSON with the bearer token to the path under the base address, and reads JSON back', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response('{"ackedSeq":3}', { status: 200 })));
    const transport = fetchTransport('https://daybook.test/', { fetch });
    const answer = await transport({ method: 'POST', path: '/api/v1/sync/push', token: 't1', body: { protocol: 1, ops: [] } });
    expect(answer).toEqual({ status: 200, body: { ackedSeq: 3 } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://daybook.test/api/v1/sync/push');
    expect(init).toMatchObject({
      method: 'POST',
      headers: { accept: 'application/json', authorization: 'Bearer t1', 'content-type': 'application/json' },
      body: '{"protocol":1,"ops":[]}',
      cache: 'no-store',
    });
  });

  it('gzips a body from GZIP_FROM_BYTES on, and says so in Content-Encoding', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response('{"ackedSeq":40}', { status: 200 })));
    const ops = Array.from({ length: 40 }, (_, i) => ({ seq: i + 1, table: 'attendance', id: `a${i}`, fields: { kind: 'in', deleted: false } }));
    const body = { protocol: 1, ops };
    expect(JSON.stringify(body).length).toBeGreaterThan(GZIP_FROM_BYTES);
    await fetchTransport('https://daybook.test', { fetch })({ method: 'POST', path: '/api/v1/sync/push', token: 't1', body });
    const init = fetch.mock.calls[0]![1]!;
    expect(init.headers).toMatchObject({ 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const sent = new Uint8Array(init.body as ArrayBuffer);
    // gzip's magic bytes, a body far smaller than the JSON, and the same JSON once inflated.
    expect([sent[0], sent[1]]).toEqual([0x1f, 0x8b]);
    expect(sent.byteLength).toBeLessThan(JSON.stringify(body).length / 4);
    expect(JSON.parse(gunzipSync(sent).toString('utf8'))).toEqual(body);
  });

  it('sends a small body as it is', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response('{}', { status: 201 })));
    await fetchTransport('https://daybook.test', { fetch })({ method: 'POST', path: '/api/v1/enrol', body: { code: 'ABCD-EFGH-JKMN', deviceName: 'Tablet 1' } });
    const init = fetch.mock.calls[0]![1]!;
    expect(init.headers).not.toHaveProperty('content-encoding');
    expect(init.body).toBe('{"code":"ABCD-EFGH-JKMN","deviceName":"Tablet 1"}');
  });

  it('sends no token and no body when there are none', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response(null, { status: 204 })));
    expect(await fetchTransport('https://daybook.test', { fetch })({ method: 'DELETE', path: '/api/v1/devices/d1' })).toEqual({ status: 204, body: null });
    expect(fetch.mock.calls[0]![1]).toMatchObject({ headers: { accept: 'application/json' }, body: undefined });
  });

  it('returns a body that is not JSON (a captive portal page) as null, with its status', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response('<html>Log in to the Wi-Fi</html>', { status: 200 })));
    expect(await fetchTransport('https://daybook.test', { fetch })({ method: 'GET', path: '/api/v1/sync/pull' })).toEqual({ status: 200, body: null });
  });

  it('turns a failed connection or a timeout into a NetworkError', async () => {
    const failing = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(fetchTransport('https://daybook.test', { fetch: failing })({ method: 'GET', path: '/x' })).rejects.toThrow(NetworkError);
    // A server that never answers: the request's own timeout aborts it.
    const slow = vi.fn<typeof fetch>(
      (_url, init) => new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('timed out', 'TimeoutError')))),
    );
    await expect(fetchTransport('https://daybook.test', { fetch: slow, timeoutMs: 5 })({ method: 'GET', path: '/x' })).rejects.toThrow(NetworkError);
  });
});

describe('Retry-After', () => {
  const NOW = Date.UTC(2026, 10, 24, 9, 0, 0);

  it('comes back with a busy server’s answer', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response('{"error":{"code":"SERVER_BUSY","message":"busy"}}', { status: 503, headers: { 'retry-after': '5' } })));
    expect(await fetchTransport('https://daybook.test', { fetch })({ method: 'POST', path: '/api/v1/sync/push' })).toEqual({
      status: 503,
      body: { error: { code: 'SERVER_BUSY', message: 'busy' } },
      retryAfterMs: 5_000,
    });
  });

  it('is left out when the server does not say', async () => {
    const fetch = fakeFetch(() => Promise.resolve(new Response('{}', { status: 503 })));
    expect(await fetchTransport('https://daybook.test', { fetch })({ method: 'GET', path: '/x' })).not.toHaveProperty('retryAfterMs');
  });

  it.each([
    ['0', 0],
    ['2', 2_000],
    [' 120 ', 120_000],
    ['Tue, 24 Nov 2026 09:00:30 GMT', 30_000],
    ['Tue, 24 Nov 2026 08:59:00 GMT', 0],
    ['86400', MAX_RETRY_AFTER_MS],
    ['', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
  ] as const)('reads %j as %s ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });
});

describe('errorOf', () => {
  it('reads the contract’s error shape and nothing else', () => {
    expect(errorOf({ error: { code: 'TOKEN_INVALID', message: 'revoked' } })).toEqual({ code: 'TOKEN_INVALID', message: 'revoked' });
    expect(errorOf({ error: 'nope' })).toBeNull();
    expect(errorOf(null)).toBeNull();
    expect(errorOf('<html>')).toBeNull();
  });
});
