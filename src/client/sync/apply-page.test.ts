import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHlc, parseHlc } from '../../shared/hlc';
import type { PulledChange, PullResponse } from '../../shared/schema';
import { DaybookDatabase, SYNCED_TABLES } from '../db/core/database';
import { loadPullCursor } from '../db/repositories/sync-state';
import { toReplica } from '../db/core/replica';
import { writeRecord } from '../db/core/write';
import { applyHeldChanges, applyPullPage, THIS_VERSION } from './apply-page';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const HOUR = 3_600_000;
const remote = (ms: number, counter = 0) => formatHlc({ ms, counter, node: 'bbbbbbbbbbbbbbbb' });

function page(changes: PulledChange[], nextCursor = changes.at(-1)?.cursor ?? 0, serverTime = T0) {
  return { changes, nextCursor, hasMore: false, serverTime };
}

function volunteer(cursor: number, id: string, ms: number, fields: Record<string, unknown>) {
  const hlcs = Object.fromEntries(Object.keys(fields).map((key) => [key, remote(ms)]));
  return { cursor, table: 'volunteers' as const, id, fields, hlcs };
}

let database: DaybookDatabase;
let count = 0;

beforeEach(async () => {
  count += 1;
  database = new DaybookDatabase(`apply-page-test-${count}`);
  await database.open();
});

afterEach(async () => {
  await database.delete();
});

const clock = async () => {
  const row = await database.meta.get('clock');
  if (row?.key !== 'clock') throw new Error('no clock row');
  return row.hlc;
};

describe('applyPullPage', () => {
  it('keeps no record of a day this tablet has already purged, from a server that has not purged yet, and moves the cursor past it', async () => {
    await database.meta.put({ key: 'purgedOn', day: '2026-11-24', firstKept: '2025-10-24' });
    const visit = (cursor: number, id: string, day: string) => {
      const fields = { childId: 'child-4173KL', day, kind: 'in', at: T0, deleted: false };
      return { cursor, table: 'attendance' as const, id, fields, hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, remote(T0 - HOUR)])) };
    };
    await applyPullPage(database, page([visit(1, 'old', '2025-10-23'), visit(2, 'kept', '2025-10-24')]), T0);
    expect((await database.attendance.toArray()).map((row) => row.id)).toEqual(['kept']);
    expect(await loadPullCursor(database)).toBe(2);
  });

  it('keeps no participation of a session of a purged day: one this tablet purged, or one the same page brings', async () => {
    await database.meta.put({ key: 'purgedOn', day: '2026-11-24', firstKept: '2025-10-24' });
    await database.meta.put({ key: 'purgedSessions', days: { 'session-purged-here': '2025-10-20' } });
    const change = (cursor: number, table: 'sessions' | 'participations', id: string, fields: Record<string, unknown>) => ({
      cursor,
      table,
      id,
      fields,
      hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, remote(T0 - HOUR)])),
    });
    const joined = (sessionId: string) => ({ sessionId, childId: 'child-4173KL', leftAt: null, deleted: false });
    await applyPullPage(
      database,
      page([
        change(1, 'participations', 'late-in-purged', joined('session-purged-here')),
        change(2, 'sessions', 'session-old', { day: '2025-10-22', activity: 'art', startedAt: T0 - HOUR, endedAt: null, deleted: false }),
        change(3, 'participations', 'in-old', joined('session-old')),
        change(4, 'participations', 'in-kept', joined('session-kept')),
      ]),
      T0,
    );
    expect((await database.participations.toArray()).map((row) => row.id)).toEqual(['in-kept']);
    expect(await database.sessions.count()).toBe(0);
    // A later page's participation of the session the first page brought is not kept either.
    await applyPullPage(database, page([change(5, 'participations', 'in-old-later', joined('session-old'))]), T0);
    expect((await database.participations.toArray()).map((row) => row.id)).toEqual(['in-kept']);
    expect(await loadPullCursor(database)).toBe(5);
  });

  it('stores the records and the cursor; applying the same page again changes nothing', async () => {
    const first = page([volunteer(1, 'v1', T0, { displayName: 'Amira', active: true, deleted: false }), volunteer(2, 'v2', T0, { displayName: 'Sam', active: true, deleted: false })]);
    expect(await applyPullPage(database, first, T0)).toBe(2);
    const rows = await database.volunteers.toArray();
    expect(rows).toEqual([
      { id: 'v1', displayName: 'Amira', active: true, deleted: false, _hlc: remote(T0) },
      { id: 'v2', displayName: 'Sam', active: true, deleted: false, _hlc: remote(T0) },
    ]);
    expect(await loadPullCursor(database)).toBe(2);
    const before = { rows, clock: await clock() };

    await applyPullPage(database, first, T0 + HOUR);
    expect({ rows: await database.volunteers.toArray(), clock: await clock() }).toEqual(before);
  });

  it('keeps a local write not yet acknowledged when it is newer, field by field', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira B.' }, { now: T0 + 2_000 });
    // Another tablet deactivated her at T0 + 1 s and renamed her earlier than our rename.
    await applyPullPage(database, page([volunteer(7, 'v1', T0 + 1_000, { displayName: 'Amira K.', active: false })]), T0 + 3_000);
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira B.', active: false, deleted: false });
    // The local op still waits in the outbox: the pull never touches it.
    expect(await database.outbox.count()).toBe(2);
  });

  it('keeps a deleted record deleted unless a later write undeletes it', async () => {
    await applyPullPage(database, page([volunteer(1, 'v1', T0, { displayName: 'Amira', active: true, deleted: false })]), T0);
    await writeRecord(database, 'volunteers', 'v1', { deleted: true }, { now: T0 + 1_000 });
    await applyPullPage(database, page([volunteer(2, 'v1', T0 + 500, { deleted: false })]), T0 + 2_000);
    expect(await database.volunteers.get('v1')).toMatchObject({ deleted: true });
    await applyPullPage(database, page([volunteer(3, 'v1', T0 + 5_000, { deleted: false })]), T0 + 6_000);
    expect(await database.volunteers.get('v1')).toMatchObject({ deleted: false });
  });

  it('moves the local clock up to what it saw, so the next local write sorts after it', async () => {
    await applyPullPage(database, page([volunteer(1, 'v1', T0 + HOUR, { displayName: 'Amira', active: true })], 1, T0 + HOUR), T0);
    expect(await clock()).toMatch(new RegExp(`^${T0 + HOUR}-0000-`));
    // This tablet's wall clock is an hour behind; its write still wins over what it has seen.
    await writeRecord(database, 'volunteers', 'v1', { active: false }, { now: T0 });
    const row = await database.volunteers.get('v1');
    expect(row?.active).toBe(false);
    expect(parseHlc(toReplica(row!).hlcs.active!).ms).toBe(T0 + HOUR);
  });

  it('never moves the clock back, and ignores a clock more than 24 hours ahead of the server', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 + HOUR });
    const mine = await clock();
    await applyPullPage(database, page([volunteer(1, 'v2', T0, { displayName: 'Sam', active: true })]), T0);
    expect(await clock()).toBe(mine);
    await applyPullPage(database, page([volunteer(2, 'v3', T0 + 3 * 24 * HOUR, { displayName: 'Lou', active: true })], 2, T0), T0);
    expect(await clock()).toBe(mine);
    // The record itself is still stored: the server accepted it.
    expect(await database.volunteers.get('v3')).toMatchObject({ displayName: 'Lou' });
  });

  it('stores neither the page nor its cursor when the transaction fails part-way', async () => {
    const failOnSecond = (primaryKey: string) => {
      if (primaryKey === 'v2') throw new Error('tab closed mid-page');
    };
    database.volunteers.hook('creating', failOnSecond);
    try {
      const changes = [volunteer(1, 'v1', T0, { displayName: 'Amira', active: true }), volunteer(2, 'v2', T0, { displayName: 'Sam', active: true })];
      await expect(applyPullPage(database, page(changes), T0)).rejects.toThrow('tab closed');
    } finally {
      database.volunteers.hook('creating').unsubscribe(failOnSecond);
    }
    expect(await database.volunteers.count()).toBe(0);
    expect(await loadPullCursor(database)).toBe(0);
  });

  it('ignores fields that would corrupt a stored row or its prototype', async () => {
    const change = {
      cursor: 1,
      table: 'volunteers' as const,
      id: 'v1',
      fields: JSON.parse('{"displayName":"Amira","id":"other","_hlc":"x","__proto__":{"polluted":true}}') as Record<string, unknown>,
      hlcs: JSON.parse(`{"displayName":"${remote(T0)}","id":"${remote(T0)}","_hlc":"${remote(T0)}","__proto__":"${remote(T0)}"}`) as Record<string, string>,
    };
    await applyPullPage(database, page([change]), T0);
    const row = await database.volunteers.get('v1');
    expect(row).toEqual({ id: 'v1', displayName: 'Amira', _hlc: remote(T0) });
    expect(Object.keys(row!).sort()).toEqual(['_hlc', 'displayName', 'id']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('changes that reach a closed day late', () => {
  const DAY = '2026-11-24';
  const change = (cursor: number, table: PullResponse['changes'][number]['table'], id: string, ms: number, fields: Record<string, unknown>) => ({
    cursor,
    table,
    id,
    fields,
    hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, remote(ms)])),
  });
  const close = (cursor: number, ms: number, deleted = false) => change(cursor, 'dayCloses', `day-${DAY}`, ms, { day: DAY, closedAt: ms, closedBy: 'v1', notes: '', deleted });
  const checkIn = (cursor: number, id: string, ms: number, day = DAY) => change(cursor, 'attendance', id, ms, { childId: 'child-4173KL', day, kind: 'in', at: ms, deleted: false });
  const late = async () => (await database.lateArrivals.toArray()).map((row) => `${row.table}/${row.id}`).sort();

  it('are listed when the day was already closed here', async () => {
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR)]), T0 + 9 * HOUR);
    await applyPullPage(database, page([checkIn(2, 'a1', T0 + 7 * HOUR), checkIn(3, 'a2', T0 + 7 * HOUR, '2026-11-25')]), T0 + 10 * HOUR);
    expect(await late()).toEqual(['attendance/a1']);
    expect(await database.lateArrivals.get('attendance/a1')).toMatchObject({ day: DAY, arrivedAt: T0 + 10 * HOUR });
  });

  it('are told by their order in a page: after the close is late, before it is not', async () => {
    await applyPullPage(database, page([checkIn(1, 'before', T0 + HOUR), close(2, T0 + 8 * HOUR), checkIn(3, 'after', T0 + 2 * HOUR)]), T0 + 9 * HOUR);
    expect(await late()).toEqual(['attendance/after']);
  });

  it('are not listed for a day reopened, or never closed', async () => {
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR, true)]), T0 + 9 * HOUR);
    await applyPullPage(database, page([checkIn(2, 'a1', T0 + 7 * HOUR)]), T0 + 10 * HOUR);
    expect(await late()).toEqual([]);
  });

  it('include a child added to a session of that day, the session known here or arriving with it', async () => {
    await writeRecord(database, 'sessions', 's1', { day: DAY, activity: 'art', startedAt: T0, endedAt: T0 + HOUR }, { create: true, now: T0 });
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR)]), T0 + 9 * HOUR);
    const session2 = change(2, 'sessions', 's2', T0 + 2 * HOUR, { day: DAY, activity: 'music', startedAt: T0 + 2 * HOUR, endedAt: null, deleted: false });
    const joins = [
      change(3, 'participations', 's1:child-4173KL', T0 + HOUR, { sessionId: 's1', childId: 'child-4173KL', deleted: false }),
      change(4, 'participations', 's2:child-4173KL', T0 + 2 * HOUR, { sessionId: 's2', childId: 'child-4173KL', deleted: false }),
    ];
    await applyPullPage(database, page([session2, ...joins]), T0 + 10 * HOUR);
    expect(await late()).toEqual(['participations/s1:child-4173KL', 'participations/s2:child-4173KL', 'sessions/s2']);
  });

  it('follow a reopen in the page, in cursor order: before it late, after it not', async () => {
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR)]), T0 + 9 * HOUR);
    await applyPullPage(database, page([checkIn(2, 'while-closed', T0 + HOUR), close(3, T0 + 9 * HOUR, true), checkIn(4, 'after-reopen', T0 + 2 * HOUR)]), T0 + 10 * HOUR);
    expect(await late()).toEqual(['attendance/while-closed']);
  });

  it('leave out a lead’s moves after a code clash and changes to records already here', async () => {
    await writeRecord(database, 'attendance', 'here', { childId: 'child-4173KL', day: DAY, kind: 'in', at: T0 + HOUR }, { create: true, now: T0 + HOUR });
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR)]), T0 + 9 * HOUR);
    const voided = change(2, 'attendance', 'here', T0 + 9 * HOUR, { deleted: true });
    await applyPullPage(database, page([voided, checkIn(3, 'moved-0123456789abcdef', T0 + HOUR)]), T0 + 10 * HOUR);
    expect(await late()).toEqual([]);
  });

  it('are listed once: the same page again adds nothing and keeps when it first arrived', async () => {
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR), checkIn(2, 'a1', T0 + 7 * HOUR)]), T0 + 9 * HOUR);
    await applyPullPage(database, page([close(1, T0 + 8 * HOUR), checkIn(2, 'a1', T0 + 7 * HOUR)]), T0 + 11 * HOUR);
    expect(await database.lateArrivals.toArray()).toEqual([{ key: 'attendance/a1', day: DAY, table: 'attendance', id: 'a1', arrivedAt: T0 + 9 * HOUR }]);
  });
});

describe('changes for a table this version does not know', () => {
  /** A record of a table a newer server has and this app does not. */
  const future = (cursor: number, id: string, ms: number, fields: Record<string, unknown>): PulledChange => ({
    cursor,
    table: 'futureTable',
    id,
    fields,
    hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, remote(ms)])),
  });
  /** This app as it was before it knew volunteers: its update will bring them. */
  const withoutVolunteers = { ...THIS_VERSION, tables: SYNCED_TABLES.filter((table) => table !== 'volunteers') };
  const state = async () => ({
    volunteers: await database.volunteers.toArray(),
    held: await database.heldChanges.toArray(),
    flag: await database.meta.get('updateWaiting'),
    cursor: await loadPullCursor(database),
    clock: await clock(),
  });

  it('are held with the page and its cursor while the rest applies; the same page again changes nothing', async () => {
    const mixed = page([volunteer(1, 'v1', T0, { displayName: 'Amira', active: true }), future(2, 'f1', T0, { colour: 'blue', deleted: false })]);
    expect(await applyPullPage(database, mixed, T0)).toBe(2);
    const after = await state();
    expect(after).toMatchObject({
      volunteers: [{ id: 'v1', displayName: 'Amira', active: true, _hlc: remote(T0) }],
      held: [{ key: 'futureTable/f1', table: 'futureTable', id: 'f1', cursor: 2, fields: { colour: 'blue', deleted: false }, hlcs: { colour: remote(T0), deleted: remote(T0) } }],
      flag: { key: 'updateWaiting', since: T0, tables: ['futureTable'] },
      cursor: 2,
    });

    await applyPullPage(database, mixed, T0 + HOUR);
    expect(await state()).toEqual(after);
  });

  it('keep one row per record, its later changes merged in field by field', async () => {
    await applyPullPage(database, page([future(1, 'f1', T0, { colour: 'blue', size: 3 })]), T0);
    await applyPullPage(database, page([future(4, 'f1', T0 + HOUR, { colour: 'red' }), future(5, 'f2', T0, { colour: 'green' })]), T0 + HOUR);
    // An older page again (a retry after a crash) takes nothing back.
    await applyPullPage(database, page([future(1, 'f1', T0, { colour: 'blue', size: 3 })], 5), T0 + HOUR);
    expect(await database.heldChanges.toArray()).toEqual([
      { key: 'futureTable/f1', table: 'futureTable', id: 'f1', cursor: 4, fields: { colour: 'red', size: 3 }, hlcs: { colour: remote(T0 + HOUR), size: remote(T0) } },
      { key: 'futureTable/f2', table: 'futureTable', id: 'f2', cursor: 5, fields: { colour: 'green' }, hlcs: { colour: remote(T0) } },
    ]);
  });

  it('are stored with the page or not at all: a page that fails part-way holds nothing', async () => {
    const failOnKnown = () => {
      throw new Error('tab closed mid-page');
    };
    database.volunteers.hook('creating', failOnKnown);
    try {
      await expect(applyPullPage(database, page([future(1, 'f1', T0, { colour: 'blue' }), volunteer(2, 'v1', T0, { displayName: 'Amira' })]), T0)).rejects.toThrow('tab closed');
    } finally {
      database.volunteers.hook('creating').unsubscribe(failOnKnown);
    }
    expect(await state()).toMatchObject({ held: [], flag: undefined, cursor: 0 });
  });

  it('are applied once the app knows their table, and removed, with the notice that an update is waiting', async () => {
    await applyPullPage(database, page([volunteer(1, 'v1', T0, { displayName: 'Amira', active: true, deleted: false }), future(2, 'f1', T0, { colour: 'blue' })]), T0, undefined, withoutVolunteers);
    expect(await database.volunteers.count()).toBe(0);
    expect(await database.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: ['futureTable', 'volunteers'] });
    // Still the old app: nothing it does not know is applied, nothing is lost.
    expect(await applyHeldChanges(database, T0 + HOUR, withoutVolunteers)).toBe(0);
    expect(await database.heldChanges.count()).toBe(2);

    // The update knows volunteers (and still not the future table).
    expect(await applyHeldChanges(database, T0 + 2 * HOUR)).toBe(1);
    expect(await database.volunteers.toArray()).toEqual([{ id: 'v1', displayName: 'Amira', active: true, deleted: false, _hlc: remote(T0) }]);
    expect((await database.heldChanges.toArray()).map((row) => row.key)).toEqual(['futureTable/f1']);
    expect(await database.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: ['futureTable'] });
    // Applied once: running again (every sync does) finds nothing more to apply.
    expect(await applyHeldChanges(database, T0 + 3 * HOUR)).toBe(0);
    expect(await database.volunteers.count()).toBe(1);
  });

  it('lose to the newer fields of the local record, field by field, and the notice goes with the last', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 - 1_000 });
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira B.' }, { now: T0 + 2_000 });
    // Renamed and deactivated on another tablet at T0: older than the rename here, newer than the rest.
    await applyPullPage(database, page([volunteer(1, 'v1', T0, { displayName: 'Amira K.', active: false })]), T0 + 3_000, undefined, withoutVolunteers);
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira B.', active: true });

    expect(await applyHeldChanges(database, T0 + 4_000)).toBe(1);
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira B.', active: false });
    expect(await database.heldChanges.count()).toBe(0);
    expect(await database.meta.get('updateWaiting')).toBeUndefined();
  });
});
