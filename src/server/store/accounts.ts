import { randomUUID } from 'node:crypto';
import { SERIES_LETTERS } from '../../shared/codes';
import type { Role } from '../../shared/schema/wire';
import { hashEnrolmentCode, hashSecret, newDeviceToken, newEnrolmentCode } from '../secrets';
import type { Queryable, Store } from './types';

/**
 * Centres, enrolment codes and devices. Codes and tokens are handed out once, in what these
 * functions return; the database holds only their hashes. Times (`now`) come from the caller's
 * clock, so tests can expire a code by moving it.
 */

export interface Centre {
  id: string;
  name: string;
  timeZone: string;
}

export interface Device {
  id: string;
  centreId: string;
  name: string;
  role: Role;
  /** The letter this device issues child codes in (shared/codes.ts), or null when all are taken. */
  codeSeries: string | null;
  lastSeenAt: number | null;
  revoked: boolean;
}

export const DEFAULT_CODE_USES = 1;
export const DEFAULT_CODE_TTL_HOURS = 7 * 24;
const HOUR_MS = 3_600_000;

interface CentreRow {
  id: string;
  name: string;
  time_zone: string;
}

interface DeviceRow {
  id: string;
  centre_id: string;
  name: string;
  role: Role;
  code_series: string | null;
  last_seen_at: Date | null;
  revoked_at: Date | null;
}

const DEVICE_COLUMNS = 'id, centre_id, name, role, code_series, last_seen_at, revoked_at';

function toCentre(row: CentreRow): Centre {
  return { id: row.id, name: row.name, timeZone: row.time_zone };
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    centreId: row.centre_id,
    name: row.name,
    role: row.role,
    codeSeries: row.code_series,
    lastSeenAt: row.last_seen_at?.getTime() ?? null,
    revoked: row.revoked_at !== null,
  };
}

export async function createCentre(q: Queryable, centre: { name: string; timeZone: string }): Promise<Centre> {
  const [row] = await q.query<CentreRow>('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3) RETURNING id, name, time_zone', [
    randomUUID(),
    centre.name,
    centre.timeZone,
  ]);
  return toCentre(row!);
}

export async function findCentre(q: Queryable, id: string): Promise<Centre | undefined> {
  const [row] = await q.query<CentreRow>('SELECT id, name, time_zone FROM centres WHERE id = $1', [id]);
  return row && toCentre(row);
}

export async function listCentres(q: Queryable): Promise<Centre[]> {
  const rows = await q.query<CentreRow>('SELECT id, name, time_zone FROM centres ORDER BY created_at, id');
  return rows.map(toCentre);
}

export interface MintedCode {
  code: string;
  expiresAt: number;
}

/** A new enrolment code for `centreId` (which must exist). Expired and spent codes are cleared on the way. */
export async function mintEnrolmentCode(
  q: Queryable,
  options: { centreId: string; role: Role; uses?: number; ttlHours?: number; now: number },
): Promise<MintedCode> {
  const code = newEnrolmentCode();
  const expiresAt = options.now + (options.ttlHours ?? DEFAULT_CODE_TTL_HOURS) * HOUR_MS;
  await q.query('DELETE FROM enrolment_codes WHERE expires_at <= $1 OR uses_left <= 0', [new Date(options.now)]);
  await q.query('INSERT INTO enrolment_codes (code_hash, centre_id, role, uses_left, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    hashEnrolmentCode(code),
    options.centreId,
    options.role,
    options.uses ?? DEFAULT_CODE_USES,
    new Date(expiresAt),
  ]);
  return { code, expiresAt };
}

/**
 * The first centre of an empty database, with a code for its lead's tablet; nothing (undefined)
 * when a centre exists. Two servers starting together on one PostgreSQL make one centre: the
 * table lock makes the second wait and then find the first one's.
 */
export async function createFirstCentre(
  store: Store,
  options: { name: string; timeZone: string; leadCodeTtlHours: number; now: number },
): Promise<{ centre: Centre; leadCode: MintedCode } | undefined> {
  return store.transaction(async (tx) => {
    await tx.query('LOCK TABLE centres IN SHARE ROW EXCLUSIVE MODE');
    const [any] = await tx.query('SELECT 1 FROM centres LIMIT 1');
    if (any) return undefined;
    const centre = await createCentre(tx, options);
    const leadCode = await mintEnrolmentCode(tx, { centreId: centre.id, role: 'lead', ttlHours: options.leadCodeTtlHours, now: options.now });
    return { centre, leadCode };
  });
}

export interface Enrolment {
  device: Device;
  /** The bearer token, handed out this once. */
  token: string;
  centre: Centre;
}

/**
 * Enrols a device with `code`, or answers undefined when the code is wrong, spent or expired.
 * One transaction: the code's use and the new device stand or fall together.
 */
export async function enrol(store: Store, options: { code: string; deviceName: string; now: number }): Promise<Enrolment | undefined> {
  const now = new Date(options.now);
  return store.transaction(async (tx) => {
    const [taken] = await tx.query<{ centre_id: string; role: Role }>(
      `UPDATE enrolment_codes SET uses_left = uses_left - 1
       WHERE code_hash = $1 AND uses_left > 0 AND expires_at > $2
       RETURNING centre_id, role`,
      [hashEnrolmentCode(options.code), now],
    );
    if (!taken) return undefined;
    // The centre's row lock makes enrolments of one centre take turns, so two tablets enrolling
    // at once never get the same series letter. NO KEY: the devices insert's foreign-key check
    // needs a share lock on the same row, and so do other writers that only reference the centre.
    const [centreRow] = await tx.query<CentreRow>('SELECT id, name, time_zone FROM centres WHERE id = $1 FOR NO KEY UPDATE', [taken.centre_id]);
    // Revoked devices keep their letter: codes they issued are in the records, and a new device
    // starting the same series would issue them again.
    const used = await tx.query<{ code_series: string }>('SELECT code_series FROM devices WHERE centre_id = $1 AND code_series IS NOT NULL', [
      taken.centre_id,
    ]);
    const usedLetters = new Set(used.map((row) => row.code_series));
    const codeSeries = [...SERIES_LETTERS].find((letter) => !usedLetters.has(letter)) ?? null;
    const token = newDeviceToken();
    const [row] = await tx.query<DeviceRow>(
      `INSERT INTO devices (id, centre_id, name, role, token_hash, code_series, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${DEVICE_COLUMNS}`,
      [randomUUID(), taken.centre_id, options.deviceName, taken.role, hashSecret(token), codeSeries, now],
    );
    return { device: toDevice(row!), token, centre: toCentre(centreRow!) };
  });
}

export async function findDeviceByToken(q: Queryable, token: string): Promise<Device | undefined> {
  const [row] = await q.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE token_hash = $1`, [hashSecret(token)]);
  return row && toDevice(row);
}

/** Records that the device was seen at `now`, unless a later time is already recorded. */
export async function touchDevice(q: Queryable, deviceId: string, now: number): Promise<void> {
  await q.query('UPDATE devices SET last_seen_at = $2 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $2)', [deviceId, new Date(now)]);
}

export async function listDevices(q: Queryable, centreId: string): Promise<Device[]> {
  const rows = await q.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE centre_id = $1 ORDER BY created_at, id`, [centreId]);
  return rows.map(toDevice);
}

export async function findDevice(q: Queryable, deviceId: string): Promise<Device | undefined> {
  const [row] = await q.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [deviceId]);
  return row && toDevice(row);
}

/**
 * Revokes a device: its token answers 401 from then on. Limited to `centreId` when given (a lead
 * revokes only its own centre's devices). Revoking twice keeps the first time. Answers whether
 * such a device exists.
 */
export async function revokeDevice(q: Queryable, options: { deviceId: string; centreId?: string; now: number }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE devices SET revoked_at = coalesce(revoked_at, $3)
     WHERE id = $1 AND ($2::text IS NULL OR centre_id = $2)
     RETURNING id`,
    [options.deviceId, options.centreId ?? null, new Date(options.now)],
  );
  return rows.length > 0;
}
