import { describe, expect, it } from 'vitest';
import { MAX_AHEAD_MS } from '../../src/shared/hlc';
import { pushResponse } from '../../src/shared/schema/wire';
import { pushBatch } from '../../src/server/sync/push';
import type { Queryable, Store } from '../../src/server/store';
import {
  checkIn,
  databases,
  enrolDevice,
  type EnrolledDevice,
  hlc,
  HOUR,
  newCentre,
  NOW,
  op,
  pullAll,
  push,
  serveDuringTests,
  storedRecords,
  type TestOp,
  type TestServer,
} from './support';

/**
 * sync-protocol.md, "Authority: what a role may write" and invariant 9: a volunteer's op on a
 * lead-only table is rejected with LEAD_ONLY and changes nothing, the rest of its batch lands;
 * and every rejection carries the server's state of the record its op named, so the tablet can
 * put back what it wrote locally.
 */

const LEAD_NODE = '1eadde7100000001';
const VOLUNTEER_NODE = '7011e7ee00000002';

/** What the lead wrote before: settings and a day's closing, and no erasure of that child. */
const leadSettings = { value: { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true } };
const leadClosing = { day: '2026-03-28', closedAt: NOW - 20 * HOUR, closedBy: 'v-sam', notes: '', deleted: false };
const leadHlc = hlc(NOW - 2 * HOUR, 0, LEAD_NODE);
const everyField = (fields: object, stamp: string) => Object.fromEntries(Object.keys(fields).map((key) => [key, stamp]));

/**
 * A volunteer's writes to the three lead-only tables, newer than the lead's: stored, each would
 * win over what the lead wrote, so "unchanged" below is not just an older write losing.
 */
function volunteerLeadOnlyOps(firstSeq: number): TestOp[] {
  const stamp = (i: number) => hlc(NOW - 1000, i, VOLUNTEER_NODE);
  return [
    op(firstSeq, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: 20, requireVolunteerWhenChildrenPresent: true } }, stamp(0)),
    op(firstSeq + 1, 'dayCloses', '2026-03-28', { deleted: true }, stamp(1)),
    op(firstSeq + 2, 'erasures', 'child-4173KL', { erasedAt: NOW - 1000, deleted: false }, stamp(2)),
  ];
}

describe.each(databases)('what a role may push, on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  /** A centre of its own per test, with the lead's settings and closing already on the server. */
  async function centreWithLeadRecords(): Promise<{ centreId: string; lead: EnrolledDevice; volunteer: EnrolledDevice; other: EnrolledDevice }> {
    const { id } = await newCentre(store);
    const lead = await enrolDevice(server, id, 'lead');
    const answer = await push(server, lead, [op(1, 'settings', 'ratioLimits', leadSettings, leadHlc), op(2, 'dayCloses', '2026-03-28', leadClosing, leadHlc)]);
    expect(answer.rejected).toEqual([]);
    return { centreId: id, lead, volunteer: await enrolDevice(server, id, 'volunteer'), other: await enrolDevice(server, id, 'volunteer', 'Second tablet') };
  }

  async function lastCursor(centreId: string): Promise<number> {
    const [row] = await store.query<{ last_cursor: number }>('SELECT last_cursor FROM centres WHERE id = $1', [centreId]);
    return row!.last_cursor;
  }

  /** The push answer's JSON as it left the server, before any schema could fill or drop a key. */
  async function pushAsSent(device: EnrolledDevice, ops: readonly unknown[]): Promise<{ rejected: Record<string, unknown>[] }> {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: device.headers, payload: { protocol: 1, ops } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ rejected: Record<string, unknown>[] }>();
    pushResponse.parse(body);
    return body;
  }

  const leadRecords = {
    settings: { fields: leadSettings, hlcs: everyField(leadSettings, leadHlc) },
    closing: { fields: leadClosing, hlcs: everyField(leadClosing, leadHlc) },
  };

  it("rejects a volunteer's settings, dayCloses and erasures ops with LEAD_ONLY and the server's records, and lands the rest of the batch", async () => {
    const { centreId, volunteer, other } = await centreWithLeadRecords();
    const before = await storedRecords(store, centreId);
    const cursorBefore = await lastCursor(centreId);
    const pulledBefore = await pullAll(server, other);

    const ops = [checkIn(1, 'visit-1'), ...volunteerLeadOnlyOps(2), checkIn(5, 'visit-5')];
    const answer = await push(server, volunteer, ops);
    expect(answer.ackedSeq).toBe(5);
    expect(answer.rejected).toEqual([
      { seq: 2, code: 'LEAD_ONLY', message: 'table: only a lead device can change settings', record: leadRecords.settings },
      { seq: 3, code: 'LEAD_ONLY', message: 'table: only a lead device can change dayCloses', record: leadRecords.closing },
      { seq: 4, code: 'LEAD_ONLY', message: 'table: only a lead device can change erasures', record: null },
    ]);

    // The two check-ins landed, with two cursors; the lead's records are as they were, cursor and all.
    const after = await storedRecords(store, centreId);
    expect([...after.keys()]).toEqual(['attendance:visit-1', 'attendance:visit-5', 'dayCloses:2026-03-28', 'settings:ratioLimits']);
    expect(after.get('settings:ratioLimits')).toEqual(before.get('settings:ratioLimits'));
    expect(after.get('dayCloses:2026-03-28')).toEqual(before.get('dayCloses:2026-03-28'));
    expect(await lastCursor(centreId)).toBe(cursorBefore + 2);

    // Another tablet pulls the check-ins and nothing of the refused ops.
    const pulled = await pullAll(server, other, 1000, pulledBefore.nextCursor);
    expect(pulled.changes.map((change) => `${change.table}:${change.id}`)).toEqual(['attendance:visit-1', 'attendance:visit-5']);
    const everything = await pullAll(server, other);
    expect(everything.changes.filter((change) => change.table !== 'attendance')).toEqual(pulledBefore.changes);

    // Remembered, like any rejection: the retry of the same push says it again and stores nothing more.
    const remembered = await store.query<{ seq: number; code: string }>('SELECT seq, code FROM rejected_ops WHERE device_id = $1 ORDER BY seq', [volunteer.deviceId]);
    expect(remembered).toEqual([2, 3, 4].map((seq) => ({ seq, code: 'LEAD_ONLY' })));
    expect(await push(server, volunteer, ops)).toEqual(answer);
    expect(await storedRecords(store, centreId)).toEqual(after);
    expect(await lastCursor(centreId)).toBe(cursorBefore + 2);
  });

  it('gives a retried rejection the record as the server holds it now, not as it was', async () => {
    const { lead, volunteer } = await centreWithLeadRecords();
    const ops = volunteerLeadOnlyOps(1);
    await push(server, volunteer, ops);
    const newer = { value: { maxChildrenPerVolunteer: 10, requireVolunteerWhenChildrenPresent: true } };
    const newerHlc = hlc(NOW - 500, 0, LEAD_NODE);
    await push(server, lead, [op(3, 'settings', 'ratioLimits', newer, newerHlc)]);

    const retried = await push(server, volunteer, ops);
    expect(retried.ackedSeq).toBe(3);
    expect(retried.rejected.map((rejection) => [rejection.seq, rejection.code, rejection.record])).toEqual([
      [1, 'LEAD_ONLY', { fields: newer, hlcs: { value: newerHlc } }],
      [2, 'LEAD_ONLY', leadRecords.closing],
      [3, 'LEAD_ONLY', null],
    ]);
  });

  it("lands a lead device's settings, dayCloses and erasures ops", async () => {
    const { centreId, lead, other } = await centreWithLeadRecords();
    const ops = volunteerLeadOnlyOps(3);
    expect(await push(server, lead, ops)).toMatchObject({ ackedSeq: 5, rejected: [] });

    const stored = await storedRecords(store, centreId);
    expect(stored.get('settings:ratioLimits')!.fields).toEqual({ value: { maxChildrenPerVolunteer: 20, requireVolunteerWhenChildrenPresent: true } });
    expect(stored.get('dayCloses:2026-03-28')!.fields).toEqual({ ...leadClosing, deleted: true });
    expect(stored.get('erasures:child-4173KL')!.fields).toEqual({ erasedAt: NOW - 1000, deleted: false });
    const pulled = await pullAll(server, other);
    expect(pulled.changes.map((change) => `${change.table}:${change.id}`)).toEqual(['settings:ratioLimits', 'dayCloses:2026-03-28', 'erasures:child-4173KL']);
  });

  it('reports an op that is both invalid and lead-only as INVALID_OP, and a lead-only one with a clock far ahead as LEAD_ONLY', async () => {
    const { centreId, volunteer } = await centreWithLeadRecords();
    const before = await storedRecords(store, centreId);
    const answer = await push(server, volunteer, [
      op(1, 'settings', 'ratioLimits', { value: 3, colour: 'red' }, hlc(NOW - 1000, 0, VOLUNTEER_NODE)),
      op(2, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: 30, requireVolunteerWhenChildrenPresent: true } }, hlc(NOW + MAX_AHEAD_MS + 1, 0, VOLUNTEER_NODE)),
    ]);
    expect(answer.rejected).toEqual([
      { seq: 1, code: 'INVALID_OP', message: 'fields.colour: unknown field', record: leadRecords.settings },
      { seq: 2, code: 'LEAD_ONLY', message: 'table: only a lead device can change settings', record: leadRecords.settings },
    ]);
    expect(await storedRecords(store, centreId)).toEqual(before);
  });

  it("sends the server's record with a rejection for any reason, and none only when the op names no record", async () => {
    const { volunteer } = await centreWithLeadRecords();
    const samHlc = hlc(NOW - HOUR, 0, VOLUNTEER_NODE);
    await push(server, volunteer, [op(1, 'volunteers', 'v-sam', { displayName: 'Sam', active: true }, samHlc)]);
    const samiHlc = hlc(NOW - 1000, 0, VOLUNTEER_NODE);
    const sami = { fields: { displayName: 'Sami', active: true }, hlcs: { displayName: samiHlc, active: samHlc } };

    const { rejected } = await pushAsSent(volunteer, [
      // Lands first: the records sent with the later rejections are the state this push leaves.
      op(2, 'volunteers', 'v-sam', { displayName: 'Sami' }, samiHlc),
      op(3, 'volunteers', 'v-sam', { displayName: 'Max' }, hlc(NOW + MAX_AHEAD_MS + 1, 0, VOLUNTEER_NODE)),
      op(4, 'volunteers', 'v-sam', { displayName: 'Max', nickname: 'M' }),
      { seq: 5, table: 'volunteers', id: 'v-sam', hlc: 'yesterday', fields: { active: false } },
      op(6, 'sessions', 'session-1', { notes: 'nul \u0000 inside' }),
      op(7, 'children_v2', 'v-sam', { displayName: 'Max' }),
      op(8, 'volunteers', 'x'.repeat(65), { displayName: 'Max' }),
      op(9, 'volunteers', 'nul\u0000id', { displayName: 'Max' }),
      { seq: 10, id: 'v-sam', hlc: hlc(NOW), fields: { displayName: 'Max' } },
    ]);
    expect(rejected.map((rejection) => [rejection.seq, rejection.code, 'record' in rejection ? rejection.record : 'absent'])).toEqual([
      [3, 'CLOCK_AHEAD', sami],
      [4, 'INVALID_OP', sami],
      [5, 'INVALID_OP', sami],
      [6, 'INVALID_OP', null],
      [7, 'INVALID_OP', 'absent'],
      [8, 'INVALID_OP', 'absent'],
      [9, 'INVALID_OP', 'absent'],
      [10, 'INVALID_OP', 'absent'],
    ]);
  });

  it("reads the records of all of a batch's refusals in one statement, however many they are", async () => {
    const { centreId, volunteer, other } = await centreWithLeadRecords();
    const refusals = (count: number, firstSeq: number) =>
      Array.from({ length: count }, (_, i) => op(firstSeq + i, 'dayCloses', `close-${i}`, { deleted: true }, hlc(NOW - 1000, i, VOLUNTEER_NODE)));
    const statementsOf = async (device: EnrolledDevice, ops: readonly TestOp[]) => {
      const counted = countingStatements(store);
      const result = await pushBatch(counted.store, { deviceId: device.deviceId, centreId, ops, now: NOW });
      expect(result.rejected).toHaveLength(ops.length);
      expect(result.rejected.every((rejection) => rejection.code === 'LEAD_ONLY' && rejection.record === null)).toBe(true);
      return counted.statements();
    };
    expect(await statementsOf(volunteer, refusals(1000, 1))).toBe(await statementsOf(other, refusals(1, 1)));
  });
});

/** `store` with every statement its transactions run counted. */
function countingStatements(store: Store): { store: Store; statements: () => number } {
  let statements = 0;
  const counting = (tx: Queryable): Queryable => ({
    query: <T>(sql: string, params?: unknown[]) => {
      statements++;
      return tx.query<T>(sql, params);
    },
  });
  return {
    store: {
      driver: store.driver,
      query: <T>(sql: string, params?: unknown[]) => store.query<T>(sql, params),
      transaction: (work) => store.transaction((tx) => work(counting(tx))),
      close: () => store.close(),
    },
    statements: () => statements,
  };
}
