import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaybookDatabase, type Enrolment } from '../core/database';
import { clearRejections, loadEnrolment, loadPullCursor, loadSyncRecords, recordSyncOutcome, storeEnrolment } from './sync-state';
import { writeRecord } from '../core/write';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-1',
  deviceId: 'device-1',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'volunteer',
  codeSeries: 'K',
  enrolledAt: T0,
};

let database: DaybookDatabase;
let count = 0;

beforeEach(async () => {
  count += 1;
  database = new DaybookDatabase(`sync-state-test-${count}`);
  await database.open();
});

afterEach(async () => {
  await database.delete();
});

describe('upgrading the local database', () => {
  it('keeps every row of a version 1 database and its outbox seq counter, and indexes children by registration day', async () => {
    const name = `sync-state-upgrade-${count}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({
      children: 'id, code',
      attendance: 'id, day, childId',
      sessions: 'id, day',
      participations: 'id, sessionId, childId',
      volunteers: 'id',
      shifts: 'id, day, volunteerId',
      dayCloses: 'id',
      settings: 'id',
      outbox: '++seq',
      meta: 'key',
    });
    await v1.open();
    const node = 'aaaaaaaaaaaaaaaa';
    await v1.table('meta').bulkAdd([
      { key: 'device', deviceId: 'local-1', node, createdAt: T0 },
      { key: 'clock', hlc: `${T0}-0000-${node}` },
      { key: 'serverOffset', ms: 0 },
    ]);
    await v1.table('volunteers').add({ id: 'v1', displayName: 'Amira', active: true, deleted: false, _hlc: `${T0}-0000-${node}` });
    await v1.table('children').add({ id: 'child-4173KL', code: '4173KL', ageBand: '6-8', gender: 'girl', languages: [], registeredOn: '2026-11-20', _hlc: `${T0}-0000-${node}` });
    await v1.table('outbox').bulkAdd([
      { table: 'volunteers', id: 'v1', hlc: `${T0}-0000-${node}`, fields: { displayName: 'Amira' } },
      { table: 'volunteers', id: 'v1', hlc: `${T0}-0001-${node}`, fields: { active: true } },
    ]);
    await v1.table('outbox').delete(2);
    v1.close();

    const upgraded = new DaybookDatabase(name);
    try {
      await upgraded.open();
      expect(upgraded.verno).toBe(7);
      expect(await upgraded.heldChanges.count()).toBe(0);
      expect(await upgraded.heldOps.count()).toBe(0);
      expect(await upgraded.dayCorrections.count()).toBe(0);
      expect(await upgraded.registrations.count()).toBe(0);
      expect(await upgraded.erasures.count()).toBe(0);
      expect((await upgraded.children.where('registeredOn').equals('2026-11-20').toArray()).map((child) => child.id)).toEqual(['child-4173KL']);
      expect(await upgraded.dayFacts.count()).toBe(0);
      expect(await upgraded.volunteers.get('v1')).toMatchObject({ displayName: 'Amira' });
      expect(await upgraded.meta.get('device')).toEqual({ key: 'device', deviceId: 'local-1', node, createdAt: T0 });
      expect(await upgraded.rejections.count()).toBe(0);
      await writeRecord(upgraded, 'volunteers', 'v1', { active: false }, { now: T0 + 1_000 });
      // seq 2 was handed out before the upgrade: it is never reused.
      expect((await upgraded.outbox.toArray()).map((op) => op.seq)).toEqual([1, 3]);
    } finally {
      await upgraded.delete();
    }
  });
});

describe('storeEnrolment', () => {
  it('stores the enrolment, the role and a new code series starting at serial 1000', async () => {
    await storeEnrolment(database, enrolment);
    expect(await loadEnrolment(database)).toEqual(enrolment);
    expect(await database.meta.get('codeSeries')).toEqual({ key: 'codeSeries', series: 'K', nextSerial: 1000 });
  });

  it('keeps the next serial when the series is the same, and starts again for another series', async () => {
    await storeEnrolment(database, enrolment);
    await database.meta.put({ key: 'codeSeries', series: 'K', nextSerial: 1042 });
    await storeEnrolment(database, { ...enrolment, token: 'token-2' });
    expect(await database.meta.get('codeSeries')).toEqual({ key: 'codeSeries', series: 'K', nextSerial: 1042 });
    await storeEnrolment(database, { ...enrolment, token: 'token-3', codeSeries: 'M' });
    expect(await database.meta.get('codeSeries')).toEqual({ key: 'codeSeries', series: 'M', nextSerial: 1000 });
  });

  it('leaves the code series alone when the server gives none, or one this app cannot issue from', async () => {
    await database.meta.put({ key: 'codeSeries', series: 'K', nextSerial: 1042 });
    await storeEnrolment(database, { ...enrolment, codeSeries: null });
    await storeEnrolment(database, { ...enrolment, codeSeries: 'KK' });
    expect(await database.meta.get('codeSeries')).toEqual({ key: 'codeSeries', series: 'K', nextSerial: 1042 });
  });

  it('keeps the pull cursor for the same centre and server, and starts again for another centre', async () => {
    await storeEnrolment(database, enrolment);
    await database.meta.put({ key: 'pullCursor', cursor: 120 });
    await storeEnrolment(database, { ...enrolment, token: 'token-2' });
    expect(await loadPullCursor(database)).toBe(120);
    await storeEnrolment(database, { ...enrolment, token: 'token-3', centre: { ...enrolment.centre, id: 'centre-2' } });
    expect(await loadPullCursor(database)).toBe(0);
  });

  it('clears a "needs enrolment" left by the old token, and keeps the outbox', async () => {
    await storeEnrolment(database, enrolment);
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    await recordSyncOutcome(database, { outcome: 'needs-enrolment', at: T0 }, 'token-1');
    expect((await loadSyncRecords(database)).outcome).toMatchObject({ outcome: 'needs-enrolment' });
    await storeEnrolment(database, { ...enrolment, token: 'token-2' });
    const records = await loadSyncRecords(database);
    expect(records.outcome).toBeNull();
    expect(records.waiting).toBe(1);
  });
});

describe('loadSyncRecords', () => {
  it('reads the waiting count, the last sync and the refusals, newest first', async () => {
    await storeEnrolment(database, enrolment);
    await recordSyncOutcome(database, { outcome: 'synced', at: T0 }, 'token-1');
    await recordSyncOutcome(database, { outcome: 'offline', at: T0 + 60_000, message: 'could not reach' }, 'token-1');
    await database.rejections.bulkAdd([
      { seq: 3, table: 'volunteers', id: 'v1', code: 'INVALID_OP', message: 'fields.displayName: too long', at: T0 },
      { seq: 9, table: 'attendance', id: 'a1', code: 'CLOCK_AHEAD', message: 'hlc: ahead', at: T0 },
    ]);
    const records = await loadSyncRecords(database);
    expect(records).toMatchObject({ waiting: 0, lastSyncedAt: T0, outcome: { outcome: 'offline', at: T0 + 60_000 }, rejectionCount: 2 });
    expect(records.rejections.map((rejection) => rejection.seq)).toEqual([9, 3]);
    await clearRejections(database);
    expect((await loadSyncRecords(database)).rejectionCount).toBe(0);
  });
});
