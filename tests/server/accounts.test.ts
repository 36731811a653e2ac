import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_LETTERS } from '../../src/shared/codes';
import { hashEnrolmentCode, hashSecret } from '../../src/server/secrets';
import type { Store } from '../../src/server/store';
import {
  createCentre,
  createFirstCentre,
  enrol,
  findCentre,
  findDeviceByToken,
  listCentres,
  listDevices,
  mintEnrolmentCode,
  revokeDevice,
  touchDevice,
} from '../../src/server/store/accounts';
import { DAY_MS, databases, HOUR, NOW } from './support';

/** The store's centres, enrolment codes and devices, on every database this machine has. */

const CODE = /^[0-9ACDEFHJKLMNPRTUVWXY]{4}-[0-9ACDEFHJKLMNPRTUVWXY]{4}-[0-9ACDEFHJKLMNPRTUVWXY]{4}$/;

describe.each(databases)('accounts in the store on $name', (database) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ store, dispose } = await database.open());
  });

  afterAll(async () => {
    await dispose?.();
  });

  const centre = (name = 'Dunkirk') => createCentre(store, { name, timeZone: 'Europe/Paris' });

  async function usesLeft(code: string): Promise<number | undefined> {
    const [row] = await store.query<{ uses_left: number }>('SELECT uses_left FROM enrolment_codes WHERE code_hash = $1', [hashEnrolmentCode(code)]);
    return row?.uses_left;
  }

  it('creates centres and finds them again', async () => {
    const made = await centre('Calais');
    expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(made).toEqual({ id: made.id, name: 'Calais', timeZone: 'Europe/Paris' });
    expect(await findCentre(store, made.id)).toEqual(made);
    expect(await findCentre(store, 'no-such-centre')).toBeUndefined();
    expect(await listCentres(store)).toContainEqual(made);
  });

  it('mints readable codes, stored as a hash, with 1 use and 7 days by default', async () => {
    const { id } = await centre();
    const minted = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', now: NOW });
    expect(minted.code).toMatch(CODE);
    expect(minted.expiresAt).toBe(NOW + 7 * DAY_MS);
    const [row] = await store.query<{ role: string; uses_left: number; expires_at: Date }>(
      'SELECT role, uses_left, expires_at FROM enrolment_codes WHERE code_hash = $1',
      [hashEnrolmentCode(minted.code)],
    );
    expect(row).toEqual({ role: 'volunteer', uses_left: 1, expires_at: new Date(NOW + 7 * DAY_MS) });
    const codes = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await mintEnrolmentCode(store, { centreId: id, role: 'lead', now: NOW })).code)));
    expect(codes.size).toBe(20);
  });

  it('clears expired and spent codes when it mints a new one', async () => {
    const { id } = await centre();
    const old = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', ttlHours: 1, now: NOW - 2 * HOUR });
    const spent = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', now: NOW - 2 * HOUR });
    expect(await enrol(store, { code: spent.code, deviceName: 'Tab', now: NOW - 2 * HOUR })).toBeDefined();
    expect(await usesLeft(old.code)).toBe(1);
    expect(await usesLeft(spent.code)).toBe(0);
    await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', now: NOW });
    expect(await usesLeft(old.code)).toBeUndefined();
    expect(await usesLeft(spent.code)).toBeUndefined();
  });

  it('enrols with a code: one use taken, a device with a hashed token, its role and the centre', async () => {
    const made = await centre('Grande-Synthe');
    const { code } = await mintEnrolmentCode(store, { centreId: made.id, role: 'lead', uses: 2, now: NOW });
    const enrolment = await enrol(store, { code, deviceName: 'Office laptop', now: NOW });
    expect(enrolment!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(enrolment).toEqual({
      device: {
        id: enrolment!.device.id,
        centreId: made.id,
        name: 'Office laptop',
        role: 'lead',
        codeSeries: SERIES_LETTERS[0],
        lastSeenAt: NOW,
        revoked: false,
      },
      token: enrolment!.token,
      centre: made,
    });
    expect(await usesLeft(code)).toBe(1);
    const [row] = await store.query<{ token_hash: string }>('SELECT token_hash FROM devices WHERE id = $1', [enrolment!.device.id]);
    expect(row!.token_hash).toBe(hashSecret(enrolment!.token));
    expect(await findDeviceByToken(store, enrolment!.token)).toEqual(enrolment!.device);
    expect(await findDeviceByToken(store, 'someone-elses-token')).toBeUndefined();
  });

  it('refuses a wrong, spent or expired code without using anything', async () => {
    const { id } = await centre();
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', ttlHours: 1, now: NOW });
    expect(await enrol(store, { code: 'ACDE-FHJK-LMNP', deviceName: 'Tab', now: NOW })).toBeUndefined();
    expect(await enrol(store, { code, deviceName: 'Tab', now: NOW + HOUR })).toBeUndefined();
    expect(await usesLeft(code)).toBe(1);
    expect(await enrol(store, { code, deviceName: 'Tab', now: NOW + HOUR - 1 })).toBeDefined();
    expect(await enrol(store, { code, deviceName: 'Tab', now: NOW })).toBeUndefined();
    expect(await usesLeft(code)).toBe(0);
  });

  it('keeps the code’s use when the device cannot be stored', async () => {
    const { id } = await centre();
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', now: NOW });
    await expect(enrol(store, { code, deviceName: 'nul\u0000name', now: NOW })).rejects.toThrow();
    expect(await usesLeft(code)).toBe(1);
    expect(await listDevices(store, id)).toEqual([]);
  });

  it('gives each device of a centre its own series letter, revoked ones included, then none', async () => {
    const { id } = await centre();
    const { id: otherCentre } = await centre('Elsewhere');
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', uses: 25, now: NOW });
    const series: (string | null)[] = [];
    for (let i = 0; i < SERIES_LETTERS.length + 2; i++) {
      const enrolment = await enrol(store, { code, deviceName: `Tab ${i}`, now: NOW });
      series.push(enrolment!.device.codeSeries);
      // A lost tablet's codes are in the records: its letter is never given again.
      if (i === 2) await revokeDevice(store, { deviceId: enrolment!.device.id, now: NOW });
    }
    expect(series).toEqual([...SERIES_LETTERS, null, null]);
    // Another centre starts again at the first letter.
    const { code: elsewhere } = await mintEnrolmentCode(store, { centreId: otherCentre, role: 'volunteer', now: NOW });
    expect((await enrol(store, { code: elsewhere, deviceName: 'Tab', now: NOW }))!.device.codeSeries).toBe(SERIES_LETTERS[0]);
  });

  it('gives tablets enrolling at the same moment different letters', async () => {
    const { id } = await centre();
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', uses: 8, now: NOW });
    const enrolments = await Promise.all(Array.from({ length: 8 }, (_, i) => enrol(store, { code, deviceName: `Tab ${i}`, now: NOW })));
    const letters = enrolments.map((enrolment) => enrolment!.device.codeSeries);
    expect(new Set(letters).size).toBe(8);
    expect(await usesLeft(code)).toBe(0);
  });

  it('spends a code exactly as many times as it allows when tablets enrol at once', async () => {
    const { id } = await centre();
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', uses: 3, now: NOW });
    const enrolments = await Promise.all(Array.from({ length: 6 }, (_, i) => enrol(store, { code, deviceName: `Tab ${i}`, now: NOW })));
    expect(enrolments.filter(Boolean)).toHaveLength(3);
    expect(await listDevices(store, id)).toHaveLength(3);
  });

  it('lists a centre’s devices in enrolment order, and revokes only within the centre asked', async () => {
    const { id } = await centre();
    const { id: otherId } = await centre('Elsewhere');
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', uses: 2, now: NOW });
    const first = (await enrol(store, { code, deviceName: 'First', now: NOW }))!.device;
    const second = (await enrol(store, { code, deviceName: 'Second', now: NOW }))!.device;
    expect((await listDevices(store, id)).map((device) => device.name)).toEqual(['First', 'Second']);

    expect(await revokeDevice(store, { deviceId: first.id, centreId: otherId, now: NOW })).toBe(false);
    expect(await revokeDevice(store, { deviceId: 'no-such-device', now: NOW })).toBe(false);
    expect((await listDevices(store, id)).map((device) => device.revoked)).toEqual([false, false]);

    expect(await revokeDevice(store, { deviceId: first.id, centreId: id, now: NOW })).toBe(true);
    expect(await revokeDevice(store, { deviceId: first.id, now: NOW + HOUR })).toBe(true);
    const [row] = await store.query<{ revoked_at: Date }>('SELECT revoked_at FROM devices WHERE id = $1', [first.id]);
    expect(row!.revoked_at).toEqual(new Date(NOW));
    expect((await listDevices(store, id)).map((device) => [device.id, device.revoked])).toEqual([
      [first.id, true],
      [second.id, false],
    ]);
  });

  it('moves last seen forward only', async () => {
    const { id } = await centre();
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'volunteer', now: NOW });
    const { device, token } = (await enrol(store, { code, deviceName: 'Tab', now: NOW }))!;
    await touchDevice(store, device.id, NOW + HOUR);
    await touchDevice(store, device.id, NOW);
    expect((await findDeviceByToken(store, token))!.lastSeenAt).toBe(NOW + HOUR);
  });

  it('refuses a device role other than lead or volunteer, and a token hash used twice', async () => {
    const { id } = await centre();
    const insert = (deviceId: string, role: string, tokenHash: string) =>
      store.query('INSERT INTO devices (id, centre_id, name, role, token_hash) VALUES ($1, $2, $3, $4, $5)', [deviceId, id, 'x', role, tokenHash]);
    await expect(insert('d-admin', 'admin', 'hash-1')).rejects.toThrow(/check constraint/);
    await insert('d-1', 'lead', 'hash-2');
    await expect(insert('d-2', 'lead', 'hash-2')).rejects.toThrow(/duplicate key/);
  });
});

describe.each(databases)('the first centre on $name', (database) => {
  it('is created once, with a lead code, even when two servers start at the same moment', async () => {
    const { store, dispose } = await database.open();
    try {
      const options = { name: 'My centre', timeZone: 'Europe/Paris', leadCodeTtlHours: 30 * 24, now: NOW };
      const results = await Promise.all([createFirstCentre(store, options), createFirstCentre(store, options)]);
      const created = results.filter((result) => result !== undefined);
      expect(created).toHaveLength(1);
      const { centre, leadCode } = created[0]!;
      expect(await listCentres(store)).toEqual([centre]);
      expect(leadCode.expiresAt).toBe(NOW + 30 * DAY_MS);
      expect(await createFirstCentre(store, options)).toBeUndefined();
      const enrolment = await enrol(store, { code: leadCode.code, deviceName: 'Lead', now: NOW });
      expect(enrolment!.device.role).toBe('lead');
    } finally {
      await dispose();
    }
  });
});
