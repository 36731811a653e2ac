import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_AHEAD_MS } from '../../src/shared/hlc';
import { pushBatch } from '../../src/server/sync/push';
import type { Store } from '../../src/server/store';
import { checkIn, databases, enrolDevice, type EnrolledDevice, errorCode, errorMessage, hlc, HOUR, newCentre, NOW, op, pullAll, pullPageOf, push, serveDuringTests, storedRecords, type TestServer } from './support';

/** sync-protocol.md's push and pull, through the HTTP API, on every database this machine has. */

describe.each(databases)('push and pull on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  /** Each test gets a centre of its own, so its pulls see only its own records. */
  async function freshCentre(): Promise<{ centreId: string; tablet: EnrolledDevice; other: EnrolledDevice }> {
    const { id } = await newCentre(store);
    return { centreId: id, tablet: await enrolDevice(server, id), other: await enrolDevice(server, id) };
  }

  async function ackedSeq(device: EnrolledDevice): Promise<number> {
    const [row] = await store.query<{ acked_seq: number }>('SELECT acked_seq FROM devices WHERE id = $1', [device.deviceId]);
    return row!.acked_seq;
  }

  async function lastCursor(centreId: string): Promise<number> {
    const [row] = await store.query<{ last_cursor: number }>('SELECT last_cursor FROM centres WHERE id = $1', [centreId]);
    return row!.last_cursor;
  }

  it('merges a push and gives every record back on pull, with the HLC of each field', async () => {
    const { centreId, other } = await freshCentre();
    // A lead's tablet: settings are a lead-only table (authority.test.ts).
    const lead = await enrolDevice(server, centreId, 'lead');
    const child = { code: '4173KL', ageBand: '6-8', gender: 'girl', languages: ['ar', 'fa'], registeredOn: '2026-03-29', deleted: false };
    const answer = await push(server, lead, [
      op(1, 'children', 'child-4173KL', child, hlc(NOW - 60_000)),
      checkIn(2, 'visit-1', hlc(NOW - 50_000)),
      op(3, 'settings', 'activityTypes', { value: [{ id: 'art', label: 'Art', active: false }, { id: 'chess', label: 'Chess' }] }, hlc(NOW - 40_000)),
    ]);
    expect(answer).toEqual({ ackedSeq: 3, rejected: [], serverTime: NOW });

    const { changes, nextCursor } = await pullAll(server, other);
    expect(changes).toEqual([
      { cursor: 1, table: 'children', id: 'child-4173KL', fields: child, hlcs: Object.fromEntries(Object.keys(child).map((key) => [key, hlc(NOW - 60_000)])) },
      {
        cursor: 2,
        table: 'attendance',
        id: 'visit-1',
        fields: checkIn(2, 'visit-1').fields,
        hlcs: Object.fromEntries(Object.keys(checkIn(2, 'visit-1').fields).map((key) => [key, hlc(NOW - 50_000)])),
      },
      {
        cursor: 3,
        table: 'settings',
        id: 'activityTypes',
        fields: { value: [{ id: 'art', label: 'Art', active: false }, { id: 'chess', label: 'Chess' }] },
        hlcs: { value: hlc(NOW - 40_000) },
      },
    ]);
    expect(nextCursor).toBe(3);
  });

  it('merges several ops on one record per field, last writer wins, and writes the record once', async () => {
    const { centreId, tablet, other } = await freshCentre();
    const answer = await push(server, tablet, [
      op(1, 'volunteers', 'v-sam', { displayName: 'Sam', active: true }, hlc(NOW - 3000)),
      op(2, 'volunteers', 'v-sam', { active: false }, hlc(NOW - 2000)),
      // Older than what it would overwrite: a late op from another tablet, merged on this one.
      op(3, 'volunteers', 'v-sam', { displayName: 'Samuel' }, hlc(NOW - 9000)),
    ]);
    expect(answer.rejected).toEqual([]);
    const { changes } = await pullAll(server, other);
    expect(changes).toEqual([
      {
        cursor: 1,
        table: 'volunteers',
        id: 'v-sam',
        fields: { displayName: 'Sam', active: false },
        hlcs: { displayName: hlc(NOW - 3000), active: hlc(NOW - 2000) },
      },
    ]);
    expect(await lastCursor(centreId)).toBe(1);
  });

  it('gives a record a new cursor when it changes again, and none when an op changes nothing', async () => {
    const { centreId, tablet, other } = await freshCentre();
    await push(server, tablet, [checkIn(1, 'visit-1', hlc(NOW - 5000)), checkIn(2, 'visit-2', hlc(NOW - 4000))]);
    const before = await pullAll(server, other);
    await push(server, tablet, [op(3, 'attendance', 'visit-1', { deleted: true }, hlc(NOW - 1000))]);
    // From another tablet, an older write of the same field: loses, so nothing changes.
    await push(server, other, [op(1, 'attendance', 'visit-2', { deleted: true }, hlc(NOW - 4500, 0, 'aaaaaaaaaaaaaaaa'))]);
    const after = await pullAll(server, other, 1000, before.nextCursor);
    expect(after.changes).toMatchObject([{ cursor: 3, id: 'visit-1', fields: { deleted: true } }]);
    expect(after.changes).toHaveLength(1);
    expect(await lastCursor(centreId)).toBe(3);
  });

  it('changes nothing when the same push is replayed, and answers the same ackedSeq and rejections', async () => {
    const { centreId, tablet } = await freshCentre();
    const ops = [checkIn(1, 'visit-1'), op(2, 'children', 'child-X', { name: 'no names' }), checkIn(3, 'visit-2')];
    const first = await push(server, tablet, ops);
    const records = await storedRecords(store, centreId);
    const cursor = await lastCursor(centreId);
    const second = await push(server, tablet, ops);
    expect(second).toEqual(first);
    expect(first.ackedSeq).toBe(3);
    // No record child-X on the server: the rejection says so, on the retry too.
    expect(first.rejected).toEqual([{ seq: 2, code: 'INVALID_OP', message: 'fields.name: unknown field', record: null }]);
    expect(await storedRecords(store, centreId)).toEqual(records);
    expect(await lastCursor(centreId)).toBe(cursor);
  });

  it('skips ops at or below the acknowledged seq, even when they differ, and lands the ones above', async () => {
    const { centreId, tablet } = await freshCentre();
    await push(server, tablet, [checkIn(1, 'visit-1'), checkIn(2, 'visit-2'), checkIn(3, 'visit-3')]);
    const answer = await push(server, tablet, [
      op(2, 'attendance', 'visit-2', { deleted: true }, hlc(NOW)),
      op(3, 'attendance', 'visit-3', { deleted: true }, hlc(NOW)),
      op(4, 'attendance', 'visit-4', { deleted: true }, hlc(NOW)),
      checkIn(5, 'visit-5'),
    ]);
    expect(answer.ackedSeq).toBe(5);
    const records = await storedRecords(store, centreId);
    expect([...records.keys()]).toEqual(['attendance:visit-1', 'attendance:visit-2', 'attendance:visit-3', 'attendance:visit-4', 'attendance:visit-5']);
    expect(records.get('attendance:visit-2')!.fields).toMatchObject({ deleted: false });
    expect(records.get('attendance:visit-3')!.fields).toMatchObject({ deleted: false });
    expect(records.get('attendance:visit-4')!.fields).toEqual({ deleted: true });

    // Everything at or below: nothing new, and the device's own acknowledged seq comes back.
    expect(await push(server, tablet, [checkIn(1, 'visit-9')])).toMatchObject({ ackedSeq: 5, rejected: [] });
    expect(await push(server, tablet, [])).toMatchObject({ ackedSeq: 5, rejected: [] });
    expect(records).toEqual(await storedRecords(store, centreId));
  });

  it('rejects invalid ops with a reason naming the field, and lands the rest of the batch', async () => {
    const { centreId, tablet } = await freshCentre();
    const answer = await push(server, tablet, [
      checkIn(1, 'visit-1'),
      op(2, 'children', 'child-1', { code: '4173KL', name: 'Ali' }),
      op(3, 'children_v2', 'child-1', { code: '4173KL' }),
      op(4, 'sessions', 'session-1', { notes: 'nul \u0000 inside' }),
      op(5, 'attendance', 'x'.repeat(65), { deleted: true }),
      { seq: 6, table: 'attendance', id: 'visit-6', hlc: 'yesterday', fields: { deleted: true } },
      op(7, 'settings', 'openingHours', { value: { opens: '09:00', closes: '18:00', ['\ud800']: 1 } }),
      checkIn(8, 'visit-8'),
    ]);
    expect(answer.ackedSeq).toBe(8);
    expect(answer.rejected.map(({ seq, code }) => [seq, code])).toEqual([
      [2, 'INVALID_OP'],
      [3, 'INVALID_OP'],
      [4, 'INVALID_OP'],
      [5, 'INVALID_OP'],
      [6, 'INVALID_OP'],
      [7, 'INVALID_OP'],
    ]);
    const messages = answer.rejected.map((rejection) => rejection.message);
    expect(messages[0]).toBe('fields.name: unknown field');
    expect(messages[1]).toMatch(/^table: /);
    expect(messages[2]).toBe('fields.notes: must not contain a NUL character or a lone surrogate');
    expect(messages[3]).toMatch(/^id: Too big/);
    expect(messages[4]).toMatch(/^hlc: must be an HLC/);
    expect(messages[5]).toBe('fields.value: a key must not contain a NUL character or a lone surrogate');
    expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['attendance:visit-1', 'attendance:visit-8']);
    expect(await ackedSeq(tablet)).toBe(8);
  });

  it('rejects an op more than 24 hours ahead of the server with CLOCK_AHEAD, and it moves nothing', async () => {
    const { centreId, tablet, other } = await freshCentre();
    await push(server, tablet, [op(1, 'volunteers', 'v-sam', { displayName: 'Sam', active: true }, hlc(NOW - HOUR))]);
    const cursor = await lastCursor(centreId);
    const before = await storedRecords(store, centreId);

    const ahead = await push(server, other, [
      op(1, 'volunteers', 'v-sam', { displayName: 'Max' }, hlc(NOW + MAX_AHEAD_MS + 1)),
      op(2, 'volunteers', 'v-new', { displayName: 'Ana', active: true }, hlc(NOW + 3 * 24 * HOUR)),
    ]);
    expect(ahead.ackedSeq).toBe(2);
    expect(ahead.rejected.map(({ seq, code }) => [seq, code])).toEqual([
      [1, 'CLOCK_AHEAD'],
      [2, 'CLOCK_AHEAD'],
    ]);
    expect(ahead.rejected[0]!.message).toMatch(/^hlc: .*more than 24 hours ahead/);
    expect(await storedRecords(store, centreId)).toEqual(before);
    expect(await lastCursor(centreId)).toBe(cursor);

    // Had the rejected op been stored, its HLC would beat this ordinary write for three days.
    await push(server, tablet, [op(2, 'volunteers', 'v-sam', { displayName: 'Sami' }, hlc(NOW))]);
    expect((await storedRecords(store, centreId)).get('volunteers:v-sam')!.fields).toEqual({ displayName: 'Sami', active: true });

    // Exactly 24 hours ahead is still a clock the server accepts.
    expect((await push(server, tablet, [op(3, 'volunteers', 'v-sam', { active: false }, hlc(NOW + MAX_AHEAD_MS))])).rejected).toEqual([]);
  });

  it('judges CLOCK_AHEAD by the server clock, which may itself be far from the HLC', async () => {
    const { tablet } = await freshCentre();
    server.setNow(NOW + 10 * 24 * HOUR);
    try {
      const answer = await push(server, tablet, [checkIn(1, 'visit-1', hlc(NOW + 10 * 24 * HOUR + 23 * HOUR))]);
      expect(answer).toEqual({ ackedSeq: 1, rejected: [], serverTime: NOW + 10 * 24 * HOUR });
    } finally {
      server.setNow(NOW);
    }
  });

  it('answers a protocol older than its own with 426 and stores nothing', async () => {
    const { centreId, tablet } = await freshCentre();
    for (const protocol of [0, -3]) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/sync/push',
        headers: tablet.headers,
        payload: { protocol, ops: [checkIn(1, 'visit-1')] },
      });
      expect(response.statusCode).toBe(426);
      expect(errorCode(response)).toBe('PROTOCOL_TOO_OLD');
    }
    expect(await storedRecords(store, centreId)).toEqual(new Map());
    expect(await ackedSeq(tablet)).toBe(0);
  });

  it.each([
    ['a body that is not JSON', '{"protocol": 1, "ops": [', /^The request body is not valid JSON\.$/],
    ['a body that is an array', '[]', /^body: /],
    ['missing ops', '{"protocol": 1}', /^ops: /],
    ['ops that is not a list', '{"protocol": 1, "ops": {"0": {"seq": 1}}}', /^ops: /],
    ['missing protocol', '{"ops": []}', /^protocol: /],
    ['a protocol as text', '{"protocol": "1", "ops": []}', /^protocol: /],
    ['1001 ops', JSON.stringify({ protocol: 1, ops: Array.from({ length: 1001 }, (_, i) => checkIn(i + 1, `v-${i}`)) }), /^ops: must hold at most 1000 ops$/],
    ['decreasing seqs', JSON.stringify({ protocol: 1, ops: [checkIn(2, 'a'), checkIn(1, 'b')] }), /^ops: ops must be in increasing seq order$/],
    ['a repeated seq', JSON.stringify({ protocol: 1, ops: [checkIn(1, 'a'), checkIn(1, 'b')] }), /^ops: ops must be in increasing seq order$/],
    ['an op without a seq', JSON.stringify({ protocol: 1, ops: [checkIn(1, 'a'), { table: 'attendance' }] }), /^ops\.1\.seq: /],
  ])('answers %s with a 400 naming the field, and stores nothing', async (_case, payload, message) => {
    const { centreId, tablet } = await freshCentre();
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { ...tablet.headers, 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(errorCode(response)).toBe('BAD_REQUEST');
    expect(errorMessage(response)).toMatch(message);
    expect(await storedRecords(store, centreId)).toEqual(new Map());
    expect(await ackedSeq(tablet)).toBe(0);
  });

  it('accepts exactly 1000 ops in one push', async () => {
    const { centreId, tablet } = await freshCentre();
    const answer = await push(server, tablet, Array.from({ length: 1000 }, (_, i) => checkIn(i + 1, `visit-${i}`)));
    expect(answer).toMatchObject({ ackedSeq: 1000, rejected: [] });
    expect((await storedRecords(store, centreId)).size).toBe(1000);
    expect(await lastCursor(centreId)).toBe(1000);
  });

  describe('pull pages', () => {
    const TOTAL = 12;
    let tablet: EnrolledDevice;
    let all: Awaited<ReturnType<typeof pullAll>>['changes'];

    beforeAll(async () => {
      const centre = await freshCentre();
      tablet = centre.tablet;
      await push(server, centre.tablet, Array.from({ length: TOTAL }, (_, i) => checkIn(i + 1, `visit-${String(i).padStart(2, '0')}`)));
      all = (await pullPageOf(server, tablet, 0, 5000)).changes;
    });

    it('hold every change once, oldest first', () => {
      expect(all.map((change) => change.cursor)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    });

    it.each([TOTAL - 1, TOTAL, TOTAL + 1, 1, 2, 3, 4, 5, 6, 7])('concatenate to all changes with limit %i', async (limit) => {
      const pages: { count: number; hasMore: boolean; nextCursor: number }[] = [];
      const changes: typeof all = [];
      let cursor = 0;
      for (;;) {
        const page = await pullPageOf(server, tablet, cursor, limit);
        pages.push({ count: page.changes.length, hasMore: page.hasMore, nextCursor: page.nextCursor });
        changes.push(...page.changes);
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      expect(changes).toEqual(all);
      // Every page but the last is full and says more follows; none is empty, not even when the
      // total is a multiple of the limit.
      const full = Math.floor(TOTAL / limit);
      const rest = TOTAL % limit;
      expect(pages.map((page) => page.count)).toEqual([...Array<number>(full).fill(limit), ...(rest ? [rest] : [])]);
      expect(pages.map((page) => page.hasMore)).toEqual(pages.map((_, i) => i < pages.length - 1));
      expect(pages.at(-1)!.nextCursor).toBe(TOTAL);
    });

    it('answer an empty page at the end, keeping the cursor given', async () => {
      for (const cursor of [TOTAL, TOTAL + 50]) {
        const page = await pullPageOf(server, tablet, cursor, 10);
        expect(page).toEqual({ changes: [], nextCursor: cursor, hasMore: false, serverTime: NOW });
      }
    });

    it('start from the beginning with no cursor, and are 1000 long by default', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: tablet.headers });
      expect(response.json()).toMatchObject({ nextCursor: TOTAL, hasMore: false });
    });

    it.each([
      ['cursor=-1', /^cursor: /],
      ['cursor=abc', /^cursor: /],
      ['cursor=1.5', /^cursor: /],
      ['cursor=1&cursor=2', /^cursor: /],
      ['cursor=99999999999999999999', /^cursor: /],
      ['limit=0', /^limit: /],
      ['limit=5001', /^limit: /],
      ['limit=ten', /^limit: /],
    ])('answer ?%s with a 400 naming it', async (query, message) => {
      const response = await server.app.inject({ method: 'GET', url: `/api/v1/sync/pull?${query}`, headers: tablet.headers });
      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('BAD_REQUEST');
      expect(errorMessage(response)).toMatch(message);
    });
  });

  it("never lets a device read or change another centre's records, even with the same table and id", async () => {
    const a = await freshCentre();
    const b = await freshCentre();
    await push(server, a.tablet, [op(1, 'volunteers', 'v-1', { displayName: 'Sam', active: true }, hlc(NOW - 2000))]);
    await push(server, b.tablet, [op(1, 'volunteers', 'v-1', { displayName: 'Ana', active: false }, hlc(NOW - 5000))]);
    // Newer than A's write: had it reached A's record, it would have won.
    await push(server, b.tablet, [op(2, 'volunteers', 'v-1', { displayName: 'Bea' }, hlc(NOW - 1000))]);

    const seenByA = (await pullAll(server, a.other)).changes;
    const seenByB = (await pullAll(server, b.other)).changes;
    expect(seenByA.map((change) => change.fields)).toEqual([{ displayName: 'Sam', active: true }]);
    expect(seenByB.map((change) => change.fields)).toEqual([{ displayName: 'Bea', active: false }]);
    expect((await storedRecords(store, a.centreId)).get('volunteers:v-1')!.fields).toEqual({ displayName: 'Sam', active: true });
    // Each centre numbers its own changes.
    expect(seenByA.map((change) => change.cursor)).toEqual([1]);
    expect(seenByB.map((change) => change.cursor)).toEqual([2]);
  });

  it('takes the centre from the token, whatever the body says', async () => {
    const a = await freshCentre();
    const b = await freshCentre();
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: a.tablet.headers,
      payload: { protocol: 1, centreId: b.centreId, centre: b.centreId, ops: [{ ...checkIn(1, 'visit-1'), centreId: b.centreId }] },
    });
    expect(response.statusCode).toBe(200);
    expect((await storedRecords(store, b.centreId)).size).toBe(0);
    expect((await storedRecords(store, a.centreId)).size).toBe(1);
  });

  it('lands nothing from a device revoked after its request was let in', async () => {
    const { centreId, tablet } = await freshCentre();
    await store.query('UPDATE devices SET revoked_at = now() WHERE id = $1', [tablet.deviceId]);
    await expect(
      pushBatch(store, { deviceId: tablet.deviceId, centreId, ops: [checkIn(1, 'visit-1')], now: NOW }),
    ).rejects.toMatchObject({ statusCode: 401, code: 'TOKEN_REVOKED' });
    expect(await storedRecords(store, centreId)).toEqual(new Map());
  });
});
