import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/server/store';
import { checkIn, databases, enrolDevice, errorCode, newCentre, NOW, startServer, type EnrolledDevice, type TestServer } from './support';

/** Every endpoint that needs a token, with no token, a wrong one, a revoked one and the wrong role. */

interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  url: (self: EnrolledDevice) => string;
  payload?: unknown;
  leadOnly: boolean;
  /** What a device with the right role gets. */
  ok: number;
}

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /sync/push': { method: 'POST', url: () => '/api/v1/sync/push', payload: { protocol: 1, ops: [] }, leadOnly: false, ok: 200 },
  'GET /sync/pull': { method: 'GET', url: () => '/api/v1/sync/pull?cursor=0', leadOnly: false, ok: 200 },
  'POST /enrolment-codes': { method: 'POST', url: () => '/api/v1/enrolment-codes', payload: { role: 'volunteer' }, leadOnly: true, ok: 201 },
  'GET /devices': { method: 'GET', url: () => '/api/v1/devices', leadOnly: true, ok: 200 },
  'GET /reports/days': { method: 'GET', url: () => '/api/v1/reports/days?from=2026-03-01&to=2026-03-29', leadOnly: true, ok: 200 },
  'DELETE /devices/:id': { method: 'DELETE', url: (self) => `/api/v1/devices/${self.deviceId}`, leadOnly: true, ok: 204 },
};
const cases = Object.entries(ENDPOINTS);

describe.each(databases)('tokens on $name', (database) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let server: TestServer;
  let centreId: string;
  let lead: EnrolledDevice;
  let volunteer: EnrolledDevice;
  let revoked: EnrolledDevice;

  beforeAll(async () => {
    ({ store, dispose } = await database.open());
    server = await startServer(store);
    centreId = (await newCentre(store)).id;
    lead = await enrolDevice(server, centreId, 'lead');
    volunteer = await enrolDevice(server, centreId, 'volunteer');
    revoked = await enrolDevice(server, centreId, 'lead');
    const response = await server.app.inject({ method: 'DELETE', url: `/api/v1/devices/${revoked.deviceId}`, headers: lead.headers });
    expect(response.statusCode).toBe(204);
  });

  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });

  function call(endpoint: Endpoint, headers: Record<string, string>, self: EnrolledDevice = lead) {
    return server.app.inject({
      method: endpoint.method,
      url: endpoint.url(self),
      headers,
      ...(endpoint.payload !== undefined && { payload: endpoint.payload as Record<string, unknown> }),
    });
  }

  it.each(cases)('%s without a token answers 401 TOKEN_MISSING', async (_name, endpoint) => {
    for (const headers of [{} as Record<string, string>, { authorization: '' }, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }, { authorization: lead.token }]) {
      const response = await call(endpoint, headers);
      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe('TOKEN_MISSING');
    }
  });

  it.each(cases)('%s with an unknown token answers 401 TOKEN_UNKNOWN', async (_name, endpoint) => {
    for (const token of ['not-a-token', `${lead.token}x`, lead.token.toLowerCase() === lead.token ? 'x' : lead.token.toLowerCase()]) {
      const response = await call(endpoint, { authorization: `Bearer ${token}` });
      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe('TOKEN_UNKNOWN');
    }
  });

  it.each(cases)('%s with a revoked token answers 401 TOKEN_REVOKED', async (_name, endpoint) => {
    const response = await call(endpoint, revoked.headers);
    expect(response.statusCode).toBe(401);
    expect(errorCode(response)).toBe('TOKEN_REVOKED');
  });

  it.each(cases.filter(([, endpoint]) => endpoint.leadOnly))('%s with a volunteer token answers 403 LEAD_ONLY and does nothing', async (_name, endpoint) => {
    const before = await store.query('SELECT id, revoked_at FROM devices ORDER BY id');
    const codes = await store.query('SELECT count(*) AS n FROM enrolment_codes');
    const response = await call(endpoint, volunteer.headers, volunteer);
    expect(response.statusCode).toBe(403);
    expect(errorCode(response)).toBe('LEAD_ONLY');
    expect(await store.query('SELECT id, revoked_at FROM devices ORDER BY id')).toEqual(before);
    expect(await store.query('SELECT count(*) AS n FROM enrolment_codes')).toEqual(codes);
  });

  it.each(cases)('%s with the right token and role answers %s', async (_name, endpoint) => {
    // Each call gets a device of its own: DELETE revokes the device it names.
    const self = await enrolDevice(server, centreId, endpoint.leadOnly ? 'lead' : 'volunteer');
    const response = await call(endpoint, self.headers, self);
    expect(response.statusCode, response.body).toBe(endpoint.ok);
  });

  it('accepts the scheme in any case and spaces around the token', async () => {
    for (const authorization of [`bearer ${volunteer.token}`, `BEARER  ${volunteer.token} `]) {
      const response = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: { authorization } });
      expect(response.statusCode).toBe(200);
    }
  });

  it('answers 401 before reading the body, so a bad body from a stranger says nothing about it', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { 'content-type': 'application/json' },
      payload: '{"not json',
    });
    expect(response.statusCode).toBe(401);
  });

  it('stores tokens hashed, never as they are', async () => {
    const rows = await store.query<{ token_hash: string }>('SELECT token_hash FROM devices');
    expect(rows.length).toBeGreaterThan(2);
    for (const { token_hash } of rows) {
      expect(token_hash).toMatch(/^[0-9a-f]{64}$/);
      for (const device of [lead, volunteer, revoked]) expect(token_hash).not.toBe(device.token);
    }
  });

  it('notes when a device was last seen, to the minute, without a write per request', async () => {
    const tablet = await enrolDevice(server, centreId, 'volunteer', 'Seen tablet');
    const lastSeen = async () => {
      const [row] = await store.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM devices WHERE id = $1', [tablet.deviceId]);
      return row!.last_seen_at.getTime();
    };
    try {
      expect(await lastSeen()).toBe(NOW);
      server.setNow(NOW + 30_000);
      await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: tablet.headers });
      expect(await lastSeen()).toBe(NOW);
      server.setNow(NOW + 61_000);
      await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: tablet.headers });
      expect(await lastSeen()).toBe(NOW + 61_000);
      // A push records it in its own transaction, whatever the minute.
      server.setNow(NOW + 62_000);
      await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: tablet.headers, payload: { protocol: 1, ops: [checkIn(1, 'seen-1')] } });
      expect(await lastSeen()).toBe(NOW + 62_000);
    } finally {
      server.setNow(NOW);
    }
  });
});
