import { describe, expect, it } from 'vitest';
import { SERIES_LETTERS } from '../../src/shared/codes';
import { devicesResponse, enrolmentCodeResponse } from '../../src/shared/schema/wire';
import { enrolResponseWithSeries } from '../../src/server/routes/enrol';
import { hashEnrolmentCode } from '../../src/server/secrets';
import type { Store } from '../../src/server/store';
import { mintEnrolmentCode } from '../../src/server/store/accounts';
import { databases, DAY_MS, enrolDevice, errorCode, errorMessage, HOUR, newCentre, NOW, serveDuringTests, type TestServer } from './support';

/** Enrolment with a code, and the lead's endpoints that mint codes and manage tablets. */

describe.each(databases)('enrolment on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  // Each test enrols from an address of its own, so the wrong codes of one never block another.
  let lastAddress = 0;
  const newAddress = () => `10.0.0.${++lastAddress}`;

  function enrolWith(code: string, deviceName = 'Blue tablet', remoteAddress = newAddress()) {
    return server.app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName }, remoteAddress });
  }

  it('enrols a device with a code, answering its token, role, centre and code series', async () => {
    const centre = await newCentre(store, 'Dunkirk play centre');
    const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'lead', now: NOW });
    const response = await enrolWith(code, 'Lead laptop');
    expect(response.statusCode).toBe(201);
    const body = enrolResponseWithSeries.parse(response.json());
    expect(body.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body).toEqual({
      deviceId: body.deviceId,
      token: body.token,
      role: 'lead',
      centre: { id: centre.id, name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
      codeSeries: SERIES_LETTERS[0],
    });
    const pull = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: { authorization: `Bearer ${body.token}` } });
    expect(pull.statusCode).toBe(200);
    const devices = await server.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: `Bearer ${body.token}` } });
    expect(devicesResponse.parse(devices.json()).devices).toEqual([{ id: body.deviceId, name: 'Lead laptop', role: 'lead', lastSeenAt: NOW, revoked: false }]);
  });

  it('reads a code the way people type it: any case, without dashes, O for 0 and I for 1', async () => {
    const centre = await newCentre(store);
    for (let i = 0; i < 5; i++) {
      const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', now: NOW });
      const typed = ` ${code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'I')} `;
      expect((await enrolWith(typed)).statusCode).toBe(201);
    }
  });

  it('keeps only the hash of a code', async () => {
    const centre = await newCentre(store);
    const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', now: NOW });
    const rows = await store.query<{ code_hash: string }>('SELECT code_hash FROM enrolment_codes WHERE centre_id = $1', [centre.id]);
    expect(rows).toEqual([{ code_hash: hashEnrolmentCode(code) }]);
    expect(JSON.stringify(rows)).not.toContain(code.replace(/-/g, ''));
  });

  it('gives each enrolled device the next free series letter', async () => {
    const centre = await newCentre(store);
    const series: (string | null)[] = [];
    for (let i = 0; i < 3; i++) series.push((await enrolDevice(server, centre.id)).codeSeries);
    expect(series).toEqual([...SERIES_LETTERS.slice(0, 3)]);
  });

  it('answers a wrong code with 403 ENROLMENT_CODE_INVALID', async () => {
    const centre = await newCentre(store);
    await mintEnrolmentCode(store, { centreId: centre.id, role: 'lead', now: NOW });
    for (const code of ['0000-0000-0000', 'nope', 'x'.repeat(64)]) {
      const response = await enrolWith(code);
      expect(response.statusCode).toBe(403);
      expect(errorCode(response)).toBe('ENROLMENT_CODE_INVALID');
    }
  });

  it('lets a code be used as many times as it was minted for, then answers 403', async () => {
    const centre = await newCentre(store);
    const once = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', now: NOW });
    expect((await enrolWith(once.code)).statusCode).toBe(201);
    const spent = await enrolWith(once.code);
    expect(spent.statusCode).toBe(403);
    expect(errorCode(spent)).toBe('ENROLMENT_CODE_INVALID');

    const thrice = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', uses: 3, now: NOW });
    const answers = await Promise.all([1, 2, 3, 4].map(() => enrolWith(thrice.code)));
    expect(answers.map((response) => response.statusCode).sort()).toEqual([201, 201, 201, 403]);
  });

  it('answers 403 for an expired code, and accepts it up to its last millisecond', async () => {
    const centre = await newCentre(store);
    const week = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', now: NOW });
    expect(week.expiresAt).toBe(NOW + 7 * DAY_MS);
    const hour = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', ttlHours: 1, now: NOW });
    try {
      server.setNow(NOW + HOUR - 1);
      expect((await enrolWith(hour.code)).statusCode).toBe(201);
      server.setNow(NOW + 7 * DAY_MS);
      const expired = await enrolWith(week.code);
      expect(expired.statusCode).toBe(403);
      expect(errorCode(expired)).toBe('ENROLMENT_CODE_INVALID');
    } finally {
      server.setNow(NOW);
    }
  });

  it.each([
    ['no device name', { code: 'ABCD-EFHJ-KLMN' }, /^deviceName: /],
    ['a blank device name', { code: 'ABCD-EFHJ-KLMN', deviceName: '   ' }, /^deviceName: Too small/],
    // Stored and listed as it came, so refused rather than trimmed (the tablet trims it itself).
    ['a device name with spaces around it', { code: 'ABCD-EFHJ-KLMN', deviceName: '  Lead laptop ' }, /^deviceName: must not start or end with a space/],
    ['a 61-character device name', { code: 'ABCD-EFHJ-KLMN', deviceName: 'x'.repeat(61) }, /^deviceName: Too big/],
    ['a NUL in the device name', { code: 'ABCD-EFHJ-KLMN', deviceName: 'a\u0000b' }, /^deviceName: must not contain a NUL/],
    ['no code', { deviceName: 'Blue' }, /^code: /],
    ['a code that is a number', { code: 1234, deviceName: 'Blue' }, /^code: /],
  ])('answers %s with a 400 naming the field', async (_case, payload, message) => {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/enrol', payload, remoteAddress: newAddress() });
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('BAD_REQUEST');
    expect(errorMessage(response)).toMatch(message);
  });

  it('answers 429 after ten wrong codes from one address, even for a right code, until the window has passed', async () => {
    const centre = await newCentre(store);
    const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', now: NOW + DAY_MS });
    const guesser = newAddress();
    try {
      server.setNow(NOW + DAY_MS);
      for (let i = 0; i < 10; i++) {
        server.setNow(NOW + DAY_MS + i * 60_000);
        expect((await enrolWith(`WRNG-C0DE-000${i}`, 'Guess', guesser)).statusCode).toBe(403);
      }
      const blocked = await enrolWith(code, 'Guess', guesser);
      expect(blocked.statusCode).toBe(429);
      expect(errorCode(blocked)).toBe('TOO_MANY_REQUESTS');
      // The first failure leaves the window at +15 min, so one more guess may come then.
      expect(blocked.headers['retry-after']).toBe(String(15 * 60 - 9 * 60));
      // Another address is not held up.
      expect((await enrolWith('WRNG-C0DE-0000', 'Other', newAddress())).statusCode).toBe(403);
      server.setNow(NOW + DAY_MS + 15 * 60_000);
      expect((await enrolWith(code, 'Guess', guesser)).statusCode).toBe(201);
    } finally {
      server.setNow(NOW);
    }
  });

  describe('the lead endpoints', () => {
    it('mint a code for the lead’s own centre, whatever the body says, that enrols the role asked for', async () => {
      const centre = await newCentre(store);
      const other = await newCentre(store);
      const lead = await enrolDevice(server, centre.id, 'lead');
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/enrolment-codes',
        headers: lead.headers,
        payload: { role: 'volunteer', uses: 2, ttlHours: 48, centreId: other.id },
      });
      expect(response.statusCode).toBe(201);
      const minted = enrolmentCodeResponse.parse(response.json());
      expect(minted.expiresAt).toBe(NOW + 48 * HOUR);
      expect(minted.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      for (let i = 0; i < 2; i++) {
        const enrolled = enrolResponseWithSeries.parse((await enrolWith(minted.code)).json());
        expect(enrolled).toMatchObject({ role: 'volunteer', centre: { id: centre.id } });
      }
      expect((await enrolWith(minted.code)).statusCode).toBe(403);
    });

    it('mint a 7-day, 1-use code by default', async () => {
      const lead = await enrolDevice(server, (await newCentre(store)).id, 'lead');
      const response = await server.app.inject({ method: 'POST', url: '/api/v1/enrolment-codes', headers: lead.headers, payload: { role: 'lead' } });
      const minted = enrolmentCodeResponse.parse(response.json());
      expect(minted.expiresAt).toBe(NOW + 7 * DAY_MS);
      expect((await enrolWith(minted.code)).statusCode).toBe(201);
      expect((await enrolWith(minted.code)).statusCode).toBe(403);
    });

    it.each([
      [{ role: 'admin' }, /^role: /],
      [{}, /^role: /],
      [{ role: 'volunteer', uses: 0 }, /^uses: /],
      [{ role: 'volunteer', uses: 1.5 }, /^uses: /],
      [{ role: 'volunteer', ttlHours: 24 * 91 }, /^ttlHours: /],
    ])('refuse a code request %j with a 400 naming the field', async (payload, message) => {
      const lead = await enrolDevice(server, (await newCentre(store)).id, 'lead');
      const response = await server.app.inject({ method: 'POST', url: '/api/v1/enrolment-codes', headers: lead.headers, payload });
      expect(response.statusCode).toBe(400);
      expect(errorMessage(response)).toMatch(message);
    });

    it("list the centre's own devices only", async () => {
      const centre = await newCentre(store);
      const lead = await enrolDevice(server, centre.id, 'lead', 'Office laptop');
      const tablet = await enrolDevice(server, centre.id, 'volunteer', 'Playroom tablet');
      await enrolDevice(server, (await newCentre(store)).id, 'volunteer', 'Elsewhere');
      const response = await server.app.inject({ method: 'GET', url: '/api/v1/devices', headers: lead.headers });
      expect(response.statusCode).toBe(200);
      expect(devicesResponse.parse(response.json()).devices).toEqual([
        { id: lead.deviceId, name: 'Office laptop', role: 'lead', lastSeenAt: NOW, revoked: false },
        { id: tablet.deviceId, name: 'Playroom tablet', role: 'volunteer', lastSeenAt: NOW, revoked: false },
      ]);
    });

    it('revoke a device of the centre: 204, listed as revoked, its token refused from then on', async () => {
      const centre = await newCentre(store);
      const lead = await enrolDevice(server, centre.id, 'lead');
      const lost = await enrolDevice(server, centre.id, 'volunteer');
      const revoke = () => server.app.inject({ method: 'DELETE', url: `/api/v1/devices/${lost.deviceId}`, headers: lead.headers });
      const response = await revoke();
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const pull = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: lost.headers });
      expect(errorCode(pull)).toBe('TOKEN_REVOKED');
      const list = devicesResponse.parse((await server.app.inject({ method: 'GET', url: '/api/v1/devices', headers: lead.headers })).json());
      expect(list.devices.find((device) => device.id === lost.deviceId)).toMatchObject({ revoked: true });
      // Again: still gone, still 204.
      expect((await revoke()).statusCode).toBe(204);
    });

    it("answer 404 for another centre's device, an unknown one or a malformed id, and revoke nothing", async () => {
      const lead = await enrolDevice(server, (await newCentre(store)).id, 'lead');
      const elsewhere = await enrolDevice(server, (await newCentre(store)).id, 'lead');
      for (const id of [elsewhere.deviceId, '00000000-0000-4000-8000-000000000000', 'not-an-id', 'a%00b']) {
        const response = await server.app.inject({ method: 'DELETE', url: `/api/v1/devices/${id}`, headers: lead.headers });
        expect(response.statusCode).toBe(404);
        expect(errorCode(response)).toBe('NOT_FOUND');
      }
      // Not UTF-8 once decoded: Fastify refuses the path itself.
      const garbled = await server.app.inject({ method: 'DELETE', url: '/api/v1/devices/%ED%A0%80', headers: lead.headers });
      expect(garbled.statusCode).toBe(400);
      errorCode(garbled);
      const pull = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: elsewhere.headers });
      expect(pull.statusCode).toBe(200);
    });
  });
});
