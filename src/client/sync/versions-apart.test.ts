import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHlc } from '../../shared/hlc';
import { mergeOp, type Replica } from '../../shared/merge';
import { recordId, hlc as hlcText, z } from '../../shared/schema/common';
import type { Rejection, TableName } from '../../shared/schema';
import { DaybookDatabase, type Enrolment, type HeldOp } from '../db/core/database';
import { toReplica } from '../db/core/replica';
import { writeRecord } from '../db/core/write';
import { eraseChild } from '../db/repositories/erasure';
import { loadPullCursor, loadSyncRecords, storeEnrolment } from '../db/repositories/sync-state';
import { applyHeldChanges, applyPullPage, THIS_VERSION, type KnownSchema } from './apply-page';
import { createSyncEngine, heldOpDue, RESEND_HELD_AFTER_MS } from './engine';
import { NetworkError, type Transport, type TransportRequest, type TransportResponse } from './transport';

/**
 * Issue 12, "versions apart": a tablet and its server that run different versions of Daybook.
 * A server newer than the tablet sends fields the tablet does not know; a server older than the
 * tablet (rolled back, say) refuses ops with fields it does not know, as INVALID_OP. Neither
 * may lose a write, fail a sync, or tell the tablet's user nothing.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = '2026-11-24';
const OTHER_NODE = 'bbbbbbbbbbbbbbbb';
const remote = (ms: number) => formatHlc({ ms, counter: 0, node: OTHER_NODE });

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-tablet-a',
  deviceId: 'device-a',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'lead',
  codeSeries: null,
  enrolledAt: T0,
};

/** The op as the wire carries it; this server reads what it knows and refuses the rest. */
const wireOp = z.object({ seq: z.int(), table: z.string(), id: recordId, hlc: hlcText, fields: z.record(z.string(), z.unknown()) });
const pushBody = z.object({ ops: z.array(wireOp) });

type ServerRecord = { table: string; id: string; replica: Replica; cursor: number };

/**
 * A server of some version, for one device: it knows the fields `knows` says, refuses an op with
 * any other as INVALID_OP naming the field (sync-protocol.md, push), with its copy of the record,
 * and says a refusal again to a retry of its seq, as the real one does (push.ts). Per-field LWW
 * with the shared merge. `update` plays installing another version.
 */
function versionedServer(start: { version: string; knows: (table: string, field: string) => boolean }) {
  let { version, knows } = start;
  let clock = T0;
  let reachable = true;
  const records = new Map<string, ServerRecord>();
  const refusals = new Map<number, Rejection>();
  const requests: TransportRequest[] = [];
  let lastCursor = 0;
  let acked = 0;

  function apply(table: string, id: string, hlc: string, fields: Record<string, unknown>): void {
    const key = `${table}/${id}`;
    const { next, changed } = mergeOp(records.get(key)?.replica, { hlc, fields });
    if (changed) records.set(key, { table, id, replica: next, cursor: ++lastCursor });
  }

  function push(body: unknown): TransportResponse {
    const { ops } = pushBody.parse(body);
    const rejected: Rejection[] = [];
    for (const op of ops) {
      if (op.seq <= acked) {
        const again = refusals.get(op.seq);
        if (again) rejected.push(again);
        continue;
      }
      const unknown = Object.keys(op.fields).find((field) => !knows(op.table, field));
      if (unknown === undefined) apply(op.table, op.id, op.hlc, op.fields);
      else {
        const stored = records.get(`${op.table}/${op.id}`);
        const refusal = { seq: op.seq, code: 'INVALID_OP', message: `fields.${unknown}: unknown field`, record: stored ? { fields: stored.replica.fields, hlcs: stored.replica.hlcs } : null };
        refusals.set(op.seq, refusal);
        rejected.push(refusal);
      }
      acked = op.seq;
    }
    return { status: 200, body: { ackedSeq: acked, rejected, serverTime: clock } };
  }

  function pull(query: URLSearchParams): TransportResponse {
    const after = Number(query.get('cursor'));
    const changes = [...records.values()].filter((record) => record.cursor > after).sort((a, b) => a.cursor - b.cursor);
    return {
      status: 200,
      body: {
        changes: changes.map(({ table, id, replica, cursor }) => ({ cursor, table, id, fields: replica.fields, hlcs: replica.hlcs })),
        nextCursor: changes.at(-1)?.cursor ?? after,
        hasMore: false,
        serverTime: clock,
      },
    };
  }

  const transport: Transport = (request) => {
    requests.push(structuredClone(request));
    if (!reachable) return Promise.reject(new NetworkError('no network'));
    const [path, query] = request.path.split('?');
    if (request.method === 'GET' && path === '/api/v1/health') return Promise.resolve({ status: 200, body: { status: 'ok', protocol: 1, version } });
    if (request.method === 'POST' && path === '/api/v1/sync/push') return Promise.resolve(push(request.body));
    if (request.method === 'GET' && path === '/api/v1/sync/pull') return Promise.resolve(pull(new URLSearchParams(query)));
    return Promise.resolve({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such route.' } } });
  };

  return {
    transport,
    record: (table: TableName, id: string) => records.get(`${table}/${id}`)?.replica,
    /** A write another tablet (one of this server's version) pushed earlier. */
    remoteWrite: (table: TableName, id: string, ms: number, fields: Record<string, unknown>) => apply(table, id, remote(ms), fields),
    update: (next: { version: string; knows: (table: string, field: string) => boolean }) => {
      ({ version, knows } = next);
    },
    setClock: (ms: number) => {
      clock = ms;
    },
    setReachable: (value: boolean) => {
      reachable = value;
    },
    healthChecks: () => requests.filter((request) => request.path === '/api/v1/health'),
    pushedOps: () => requests.filter((request) => request.path === '/api/v1/sync/push').flatMap((request) => pushBody.parse(request.body).ops),
  };
}

/** The fields this app knows, but the ones named (`table.field`): an older server's. */
const knowsAllBut =
  (...missing: string[]) =>
  (table: string, field: string) =>
    (THIS_VERSION.tables as readonly string[]).includes(table) && THIS_VERSION.fields(table as TableName).has(field) && !missing.includes(`${table}.${field}`);

let database: DaybookDatabase;
let count = 0;
let now = T0;

beforeEach(async () => {
  count += 1;
  now = T0;
  database = new DaybookDatabase(`versions-apart-${count}`);
  await database.open();
  await storeEnrolment(database, enrolment);
});

afterEach(async () => {
  await database.delete();
});

const engineFor = (transport: Transport, appVersion = '2.0.0') => createSyncEngine({ database, transport, now: () => now, appVersion });

/** The clock of one field of a stored row. */
const clockOf = (row: Parameters<typeof toReplica>[0] | undefined, field: string) => (row ? toReplica(row).hlcs[field] : undefined);

describe('a server newer than the tablet: a field the tablet does not know, on a table it knows', () => {
  /** The newer server's check-in carries `mood`, a field this app's attendance does not have. */
  const newerServer = () => {
    const server = versionedServer({ version: '3.0.0', knows: () => true });
    server.remoteWrite('attendance', 'a1', T0 - HOUR, { childId: 'child-4173KL', day: DAY, kind: 'in', at: T0 - HOUR, deleted: false, mood: 'cheerful' });
    return server;
  };
  /** The next version of this app, which knows `mood`. */
  const knowingMood: KnownSchema = { ...THIS_VERSION, fields: (table) => new Set([...THIS_VERSION.fields(table), ...(table === 'attendance' ? ['mood'] : [])]) };

  it('is kept in the record with its clock, the page applies, the cursor moves on, and the tablet says an update is waiting', async () => {
    const server = newerServer();
    expect(await engineFor(server.transport).syncOnce()).toMatchObject({ outcome: 'synced', pulled: 1 });

    const row = await database.attendance.get('a1');
    expect(row).toMatchObject({ childId: 'child-4173KL', kind: 'in', mood: 'cheerful' });
    expect(clockOf(row, 'mood')).toBe(remote(T0 - HOUR));
    expect(await loadPullCursor(database)).toBe(1);
    expect(await database.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: [], fields: ['attendance.mood'] });
    expect(await loadSyncRecords(database)).toMatchObject({ updateWaiting: true, serverUpdateWaiting: false });
  });

  it('is passed on untouched when the tablet edits the record: its op carries only what it changed, and the server keeps its copy', async () => {
    const server = newerServer();
    const engine = engineFor(server.transport);
    await engine.syncOnce();
    now = T0 + 1_000;
    await writeRecord(database, 'attendance', 'a1', { deleted: true }, { now });
    await engine.syncOnce();

    expect(server.pushedOps().map((op) => op.fields)).toEqual([{ deleted: true }]);
    expect(server.record('attendance', 'a1')).toMatchObject({ fields: { mood: 'cheerful', deleted: true }, hlcs: { mood: remote(T0 - HOUR) } });
    const row = await database.attendance.get('a1');
    expect(row).toMatchObject({ mood: 'cheerful', deleted: true });
    expect(clockOf(row, 'mood')).toBe(remote(T0 - HOUR));
  });

  it('is found, with its clock, by an update that knows the field, which stops waiting for it; the old app keeps waiting', async () => {
    const server = newerServer();
    await engineFor(server.transport).syncOnce();
    // Still this version: nothing changes.
    expect(await applyHeldChanges(database, T0 + HOUR)).toBe(0);
    expect(await database.meta.get('updateWaiting')).toMatchObject({ fields: ['attendance.mood'] });

    await applyHeldChanges(database, T0 + 2 * HOUR, knowingMood);
    const row = await database.attendance.get('a1');
    expect(row).toMatchObject({ mood: 'cheerful' });
    expect(clockOf(row, 'mood')).toBe(remote(T0 - HOUR));
    expect(await database.meta.get('updateWaiting')).toBeUndefined();
  });

  it('arriving on a table the tablet did not know either, goes to the record when the update knows the table, and is still waited for', async () => {
    // An app from before volunteers, and a server whose volunteers have `pronouns`, which no version here knows.
    const older: KnownSchema = { ...THIS_VERSION, tables: THIS_VERSION.tables.filter((table) => table !== 'volunteers') };
    const fields = { displayName: 'Amira', active: true, pronouns: 'she' };
    const change = { cursor: 1, table: 'volunteers', id: 'v1', fields, hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, remote(T0)])) };
    await applyPullPage(database, { changes: [change], nextCursor: 1, hasMore: false, serverTime: T0 }, T0, undefined, older);
    expect(await database.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: ['volunteers'] });

    expect(await applyHeldChanges(database, T0 + HOUR)).toBe(1);
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira', pronouns: 'she' });
    expect(await database.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: [], fields: ['volunteers.pronouns'] });
  });

  it('applied again (a retry after a crash) writes nothing', async () => {
    const server = newerServer();
    await engineFor(server.transport).syncOnce();
    const before = { row: await database.attendance.get('a1'), flag: await database.meta.get('updateWaiting') };
    await database.meta.put({ key: 'pullCursor', cursor: 0 });
    now = T0 + HOUR;
    await engineFor(server.transport).syncOnce();
    expect({ row: await database.attendance.get('a1'), flag: await database.meta.get('updateWaiting') }).toEqual(before);
  });
});

describe('a server older than the tablet: an op with a field the server does not know', () => {
  /** A session with a place: `place` is this app's field, and the old server's sessions have none. */
  const oldServer = () => versionedServer({ version: '1.0.0', knows: knowsAllBut('sessions.place', 'participations.leftAt') });
  const writeSession = (fields: Record<string, unknown>, at: number, create = false) => writeRecord(database, 'sessions', 's1', fields, { create, now: at });
  const heldOps = () => database.heldOps.toArray();

  it('is held, not listed as refused, and the server’s copy is not put back over the tablet’s newer one', async () => {
    const server = oldServer();
    // The server has the session from another tablet, older than this tablet's edit.
    server.remoteWrite('sessions', 's1', T0 - HOUR, { day: DAY, activity: 'art', startedAt: T0 - HOUR, endedAt: null, deleted: false });
    const engine = engineFor(server.transport);
    await engine.syncOnce();
    await writeSession({ activity: 'music', place: 'Big tent' }, T0 + 1_000);
    const [written] = await database.outbox.toArray();

    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', rejected: 0, held: 1 });
    expect(await heldOps()).toEqual([
      {
        seq: written!.seq!,
        table: 'sessions',
        id: 's1',
        hlc: written!.hlc,
        fields: { activity: 'music', place: 'Big tent' },
        heldAt: T0,
        serverVersion: '1.0.0',
        appVersion: '2.0.0',
        message: 'fields.place: unknown field',
      },
    ] satisfies HeldOp[]);
    expect(await database.outbox.count()).toBe(0);
    expect(await database.rejections.count()).toBe(0);
    expect(await database.sessions.get('s1')).toMatchObject({ activity: 'music', place: 'Big tent' });
    expect(await loadSyncRecords(database)).toMatchObject({ waiting: 1, serverUpdateWaiting: true, rejectionCount: 0 });
  });

  it('is sent again under a new seq, with the same clock and fields, once the server changes version, and then taken', async () => {
    const server = oldServer();
    const engine = engineFor(server.transport);
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null, place: 'Big tent' }, T0, true);
    await engine.syncOnce();
    const [held] = await heldOps();

    // Same server, same version: nothing is sent again, sync after sync.
    now = T0 + HOUR;
    await engine.syncOnce();
    expect(server.pushedOps()).toHaveLength(1);

    server.update({ version: '1.1.0', knows: () => true });
    now = T0 + 2 * HOUR;
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 1, held: 0 });
    const again = server.pushedOps().at(-1)!;
    expect(again.seq).toBeGreaterThan(held!.seq);
    expect(again).toMatchObject({ table: 'sessions', id: 's1', hlc: held!.hlc, fields: held!.fields });
    expect(server.record('sessions', 's1')).toMatchObject({ fields: { place: 'Big tent' }, hlcs: { place: held!.hlc } });
    expect(await heldOps()).toEqual([]);
    expect(await loadSyncRecords(database)).toMatchObject({ waiting: 0, serverUpdateWaiting: false });
  });

  it('is sent again a day later when the version says nothing new, and refused again, waits another day', async () => {
    const server = oldServer();
    const engine = engineFor(server.transport);
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null, place: 'Big tent' }, T0, true);
    await engine.syncOnce();
    const [first] = await heldOps();

    now = T0 + RESEND_HELD_AFTER_MS - 1;
    await engine.syncOnce();
    expect(server.pushedOps()).toHaveLength(1);
    now = T0 + RESEND_HELD_AFTER_MS;
    await engine.syncOnce();
    expect(server.pushedOps()).toHaveLength(2);
    const [second] = await heldOps();
    expect(second).toMatchObject({ hlc: first!.hlc, fields: first!.fields, heldAt: now });
    expect(second!.seq).toBeGreaterThan(first!.seq);
    now += HOUR;
    await engine.syncOnce();
    expect(server.pushedOps()).toHaveLength(2);
  });

  it('is sent again after this app’s own update too', async () => {
    const server = oldServer();
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null, place: 'Big tent' }, T0, true);
    await engineFor(server.transport).syncOnce();
    now = T0 + HOUR;
    await engineFor(server.transport, '2.0.1').syncOnce();
    expect(server.pushedOps()).toHaveLength(2);
  });

  it('held while the server’s version could not be read, is dated by the next version read, and goes when that changes', async () => {
    const server = oldServer();
    const engine = engineFor(server.transport);
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null, place: 'Big tent' }, T0, true);
    // The health check fails (the connection dropped after the push's answer).
    const lossy: Transport = (request) => (request.path === '/api/v1/health' ? Promise.reject(new NetworkError('gone')) : server.transport(request));
    await engineFor(lossy).syncOnce();
    expect(await heldOps()).toMatchObject([{ serverVersion: null }]);

    now = T0 + HOUR;
    await engine.syncOnce();
    expect(await heldOps()).toMatchObject([{ serverVersion: '1.0.0' }]);
    expect(server.pushedOps()).toHaveLength(1);
    server.update({ version: '1.1.0', knows: () => true });
    await engine.syncOnce();
    expect(await heldOps()).toEqual([]);
    expect(server.record('sessions', 's1')).toMatchObject({ fields: { place: 'Big tent' } });
  });

  it('offline, stays held and is not lost', async () => {
    const server = oldServer();
    const engine = engineFor(server.transport);
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null, place: 'Big tent' }, T0, true);
    await engine.syncOnce();
    server.setReachable(false);
    now = T0 + 2 * RESEND_HELD_AFTER_MS;
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'offline' });
    // Due, and put back in the outbox to go: in the outbox or held, never neither.
    expect((await database.outbox.count()) + (await database.heldOps.count())).toBe(1);
  });

  it('is refused and forgotten as before when this app’s schema refuses it too, or when both run the same version', async () => {
    const server = oldServer();
    // An op no version of this app writes (a bug): the app's own schema refuses it too.
    await database.outbox.add({ table: 'sessions', id: 's2', hlc: formatHlc({ ms: T0, counter: 0, node: 'aaaaaaaaaaaaaaaa' }), fields: { colour: 'red' } });
    const engine = engineFor(server.transport);
    expect(await engine.syncOnce()).toMatchObject({ rejected: 1, held: 0 });
    // Nothing held: no need to ask the server its version.
    expect(server.healthChecks()).toHaveLength(0);

    // The server runs this very version and refuses an op for a reason of its own.
    const same = versionedServer({ version: '2.0.0', knows: knowsAllBut('sessions.place') });
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null, place: 'Big tent' }, T0, true);
    expect(await engineFor(same.transport).syncOnce()).toMatchObject({ rejected: 1, held: 0 });
    expect(await heldOps()).toEqual([]);
    expect((await database.rejections.toArray()).map((rejection) => rejection.code)).toEqual(['INVALID_OP', 'INVALID_OP']);
  });

  it('goes with the child when a lead erases the child', async () => {
    const server = oldServer();
    await writeRecord(database, 'children', 'child-4173KL', { code: '4173KL', ageBand: '6-8', gender: 'girl', languages: [], registeredOn: DAY }, { create: true, now: T0 });
    await writeSession({ day: DAY, activity: 'art', startedAt: T0, endedAt: null }, T0, true);
    await writeRecord(database, 'participations', 's1:child-4173KL', { sessionId: 's1', childId: 'child-4173KL', leftAt: T0 + 1, deleted: false }, { create: true, now: T0 + 2 });
    await engineFor(server.transport).syncOnce();
    expect(await heldOps()).toMatchObject([{ table: 'participations', id: 's1:child-4173KL' }]);

    await eraseChild(database, 'child-4173KL', T0 + HOUR);
    expect(await heldOps()).toEqual([]);
  });
});

describe('heldOpDue', () => {
  const held = { heldAt: T0, serverVersion: '1.0.0', appVersion: '2.0.0' };
  it.each([
    ['same versions, an hour later', held, { at: T0 + HOUR, serverVersion: '1.0.0', appVersion: '2.0.0' }, false],
    ['same versions, a day later', held, { at: T0 + RESEND_HELD_AFTER_MS, serverVersion: '1.0.0', appVersion: '2.0.0' }, true],
    ['same versions, the clock a day back', held, { at: T0 - RESEND_HELD_AFTER_MS, serverVersion: '1.0.0', appVersion: '2.0.0' }, true],
    ['the server updated', held, { at: T0 + 1, serverVersion: '1.1.0', appVersion: '2.0.0' }, true],
    ['the server rolled back further', held, { at: T0 + 1, serverVersion: '0.9.0', appVersion: '2.0.0' }, true],
    ['the app updated', held, { at: T0 + 1, serverVersion: '1.0.0', appVersion: '2.0.1' }, true],
    ['the server unreadable now', held, { at: T0 + 1, serverVersion: null, appVersion: '2.0.0' }, false],
    ['the server unreadable then', { ...held, serverVersion: null }, { at: T0 + 1, serverVersion: '1.0.0', appVersion: '2.0.0' }, false],
  ] as const)('%s', (_case, op, at, due) => {
    expect(heldOpDue(op, at)).toBe(due);
  });
});

describe('upgrading a version 6 database', () => {
  it('keeps its rows, held changes and outbox seq counter, and starts with no held ops', async () => {
    const name = `versions-apart-upgrade-${count}`;
    const v6 = new Dexie(name);
    v6.version(6).stores({
      children: 'id, code, registeredOn',
      attendance: 'id, day, childId',
      sessions: 'id, day',
      participations: 'id, sessionId, childId',
      volunteers: 'id',
      shifts: 'id, day, volunteerId',
      dayCloses: 'id',
      settings: 'id',
      outbox: '++seq',
      meta: 'key',
      rejections: 'seq',
      dayFacts: 'day',
      erasures: 'id',
      registrations: 'id, childId, resolution',
      lateArrivals: 'key, day',
      dayCorrections: 'day',
      heldChanges: 'key',
    });
    await v6.open();
    const node = 'aaaaaaaaaaaaaaaa';
    const at = (counter: number) => formatHlc({ ms: T0, counter, node });
    await v6.table('meta').bulkAdd([
      { key: 'device', deviceId: 'local-1', node, createdAt: T0 },
      { key: 'clock', hlc: at(2) },
      { key: 'serverOffset', ms: 0 },
      { key: 'updateWaiting', since: T0, tables: ['futureTable'] },
    ]);
    await v6.table('heldChanges').add({ key: 'futureTable/f1', table: 'futureTable', id: 'f1', cursor: 3, fields: { colour: 'blue' }, hlcs: { colour: remote(T0) } });
    await v6.table('volunteers').add({ id: 'v1', displayName: 'Amira', active: true, _hlc: at(0) });
    await v6.table('outbox').bulkAdd([
      { table: 'volunteers', id: 'v1', hlc: at(0), fields: { displayName: 'Amira' } },
      { table: 'volunteers', id: 'v1', hlc: at(1), fields: { active: true } },
    ]);
    v6.close();

    const upgraded = new DaybookDatabase(name);
    try {
      await upgraded.open();
      expect(upgraded.verno).toBe(7);
      expect(await upgraded.heldOps.count()).toBe(0);
      expect(await upgraded.heldChanges.toArray()).toMatchObject([{ key: 'futureTable/f1', fields: { colour: 'blue' } }]);
      expect(await upgraded.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: ['futureTable'] });
      expect(await upgraded.volunteers.get('v1')).toMatchObject({ displayName: 'Amira' });
      await writeRecord(upgraded, 'volunteers', 'v1', { active: false }, { now: T0 + 1_000 });
      expect((await upgraded.outbox.toArray()).map((op) => op.seq)).toEqual([1, 2, 3]);
      // The flag from before `fields` existed still reads, and clears with what it waited for.
      expect(await applyHeldChanges(upgraded, T0 + HOUR)).toBe(0);
      expect(await upgraded.meta.get('updateWaiting')).toMatchObject({ tables: ['futureTable'] });
    } finally {
      await upgraded.delete();
    }
  });
});
