import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Enrolment } from '../db/core/database';
import type { SyncRecords } from '../db/repositories/sync-state';
import { deriveSyncStatus } from './status';
import { isStorageShort, requestPersistentStorage, resetStorageStatus, storageStatus, type StorageStatus } from './storage';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const MB = 1024 * 1024;
const GB = 1024 * MB;

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-1',
  deviceId: 'device-1',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'lead',
  codeSeries: null,
  enrolledAt: T0,
};

const storage: StorageStatus = { persisted: true, usage: 0, quota: GB, short: false };

function records(outcome: NonNullable<SyncRecords['outcome']>['outcome'] | null, enrolled = true): SyncRecords {
  return {
    enrolment: enrolled ? enrolment : null,
    waiting: 2,
    outcome: outcome ? { outcome, at: T0, message: `detail of ${outcome}` } : null,
    lastSyncedAt: T0 - 60_000,
    oldestWaitingAt: T0 - 60_000,
    rejections: [],
    rejectionCount: 0,
    updateWaiting: false,
    serverUpdateWaiting: false,
  };
}

describe('deriveSyncStatus', () => {
  it.each([
    // outcome stored, enrolled, syncing now, browser online -> state, online
    [null, false, false, true, 'local-only', true],
    ['synced', false, false, false, 'local-only', false],
    [null, true, false, true, 'syncing', true],
    ['synced', true, false, true, 'synced', true],
    ['synced', true, true, true, 'syncing', true],
    ['synced', true, false, false, 'offline', false],
    ['offline', true, false, true, 'offline', false],
    ['error', true, false, true, 'error', true],
    ['needs-enrolment', true, true, false, 'needs-enrolment', false],
    ['needs-update', true, false, true, 'needs-update', true],
  ] as const)('stored %s, enrolled %s, syncing %s, browser online %s: %s, online %s', (outcome, enrolled, syncing, browserOnline, state, online) => {
    const status = deriveSyncStatus(records(outcome, enrolled), { syncing, browserOnline, storage, now: T0 });
    expect(status).toMatchObject({ ready: true, state, online, waiting: 2, lastSyncedAt: T0 - 60_000 });
  });

  it('gives the failure’s detail only while it applies', () => {
    expect(deriveSyncStatus(records('error'), { syncing: false, browserOnline: true, storage, now: T0 }).message).toBe('detail of error');
    expect(deriveSyncStatus(records('error'), { syncing: true, browserOnline: true, storage, now: T0 }).message).toBeNull();
  });

  it('says an update is waiting whatever the state, since the tablet keeps syncing meanwhile', () => {
    expect(deriveSyncStatus({ ...records('synced'), updateWaiting: true }, { syncing: false, browserOnline: true, storage, now: T0 })).toMatchObject({ state: 'synced', updateWaiting: true });
    expect(deriveSyncStatus(records('synced'), { syncing: false, browserOnline: true, storage, now: T0 }).updateWaiting).toBe(false);
  });

  it.each([
    // outcome stored, enrolled, syncing now, browser online, the oldest change waiting for (min) -> too long
    ['synced', true, false, true, null, false],
    ['synced', true, false, true, 9.99, false],
    ['synced', true, false, true, 10, true],
    ['synced', true, false, true, 180, true],
    ['offline', true, false, true, 30, true],
    ['synced', true, false, false, 30, true],
    ['error', true, false, true, 30, true],
    // A sync that hangs says "Syncing…" for ever: the waiting change must show through it.
    ['synced', true, true, true, 30, true],
    // These say what to do already; a tablet never enrolled has no server to wait for.
    ['needs-enrolment', true, false, true, 30, false],
    ['needs-update', true, false, true, 30, false],
    [null, false, false, true, 30, false],
    // An HLC pushed ahead of this tablet's clock by another tablet's reads as just made.
    ['synced', true, false, true, -60, false],
  ] as const)('stored %s, enrolled %s, syncing %s, online %s, oldest waiting %s min: waiting too long %s', (outcome, enrolled, syncing, browserOnline, minutes, tooLong) => {
    const oldestWaitingAt = minutes === null ? null : T0 - minutes * 60_000;
    const status = deriveSyncStatus({ ...records(outcome, enrolled), oldestWaitingAt }, { syncing, browserOnline, storage, now: T0 });
    expect(status).toMatchObject({ waitingTooLong: tooLong, oldestWaitingAt });
  });

  it('is not ready before the database has been read', () => {
    expect(deriveSyncStatus(undefined, { syncing: false, browserOnline: true, storage, now: T0 })).toMatchObject({ ready: false, state: 'local-only', waiting: 0 });
  });
});

describe('storage', () => {
  it.each([
    [100 * MB, 10 * GB, false],
    [9.5 * GB, 10 * GB, true],
    [0, 150 * MB, true],
    [700 * MB, GB, false],
    [850 * MB, GB, true],
  ])('usage %d of quota %d is short: %s', (usage, quota, short) => {
    expect(isStorageShort(usage, quota)).toBe(short);
  });

  beforeEach(() => resetStorageStatus());
  afterEach(() => resetStorageStatus());

  it('asks for persistence once, and reports a refusal and the space left', async () => {
    const persist = vi.fn(() => Promise.resolve(false));
    const api = { persisted: () => Promise.resolve(false), persist, estimate: () => Promise.resolve({ usage: 900 * MB, quota: GB }) };
    await requestPersistentStorage(api);
    await requestPersistentStorage(api);
    expect(persist).toHaveBeenCalledTimes(1);
    expect(storageStatus.get()).toEqual({ persisted: false, usage: 900 * MB, quota: GB, short: true });
  });

  it('does not ask again when the browser already persists the data', async () => {
    const persist = vi.fn(() => Promise.resolve(true));
    await requestPersistentStorage({ persisted: () => Promise.resolve(true), persist });
    expect(persist).not.toHaveBeenCalled();
    expect(storageStatus.get().persisted).toBe(true);
  });

  it('says "unknown" where the browser has no storage API, or it fails', async () => {
    await requestPersistentStorage(undefined);
    expect(storageStatus.get()).toEqual({ persisted: 'unknown', usage: null, quota: null, short: false });
    await requestPersistentStorage({ persisted: () => Promise.reject(new Error('denied')) });
    expect(storageStatus.get().persisted).toBe('unknown');
  });
});
