import { describe, expect, it } from 'vitest';
import { childIdFromCode, formatCodeForReading, issueCode } from '../../src/shared/codes';
import { addDays, atLocalTime, dayCount } from '../../src/shared/dates';
import { reportResponse, type ReportResponse } from '../../src/shared/schema';
import { purgeAll } from '../../src/server/retention';
import type { Store } from '../../src/server/store';
import { eraseByCode } from '../../src/server/sync/erasure';
import { databases, enrolDevice, hlc, newCentre, NOW, op, pullAll, push, serveDuringTests, storedRecords, type EnrolledDevice, type TestOp, type TestServer } from './support';

/**
 * Issue 11 on the server (sync-protocol.md, Erasure, Retention, invariants 10 and 11): records
 * go by themselves and by a lead's erasure, and every report gives the days the figures it gave
 * before. The centre's days are made up from a seeded random source, so each run sees the same
 * sixteen months of a busy centre.
 */

const PARIS = 'Europe/Paris';
const at = (day: string, time: string) => atLocalTime(day, time, PARIS);
/** NOW is 29 March 2026: 13 months before is 28 February 2025 (2025 has no 29 February). */
const FIRST_KEPT = '2025-02-28';
const FIRST_DAY = '2024-11-29';
const LAST_DAY = '2026-03-28';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const AGE_BANDS = ['0-2', '3-5', '6-8', '9-12', '13-17'];
const GENDERS = ['girl', 'boy', 'other', 'unspecified'];

/** A centre's ops from `from` to `to`: children registering as they first come, visits, shifts, sessions, closes. */
function centreOps(from: string, to: string, everyNthDay: number, seed: number): TestOp[] {
  const random = seeded(seed);
  const ops: TestOp[] = [];
  let seq = 1;
  const add = (table: string, id: string, fields: Record<string, unknown>, ms: number) => ops.push(op(seq, table, id, fields, hlc(ms, seq++ % 0xffff)));
  const registered = new Set<number>();
  for (let i = 0; i < dayCount(from, to); i += everyNthDay) {
    const day = addDays(from, i);
    const children = Array.from({ length: 40 }, (_, n) => n).filter(() => random() < 0.3);
    add('shifts', `on-${day}`, { volunteerId: 'v1', day, kind: 'on', at: at(day, '09:00'), deleted: false }, at(day, '09:00'));
    add('shifts', `off-${day}`, { volunteerId: 'v1', day, kind: 'off', at: at(day, '13:00'), deleted: false }, at(day, '13:00'));
    add('sessions', `art-${day}`, { day, activity: 'art', startedAt: at(day, '10:15'), endedAt: at(day, '10:45'), deleted: false }, at(day, '10:15'));
    for (const n of children) {
      const code = issueCode('K', 1000 + n);
      const childId = childIdFromCode(code);
      if (!registered.has(n)) {
        registered.add(n);
        add('children', childId, { code, ageBand: AGE_BANDS[n % 5], gender: GENDERS[n % 4], languages: [], registeredOn: day, deleted: false }, at(day, '09:30'));
      }
      const arrives = `${String(9 + Math.floor(random() * 3)).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}`;
      add('attendance', `in-${n}-${day}`, { childId, day, kind: 'in', at: at(day, arrives), deleted: false }, at(day, arrives));
      if (random() < 0.8) add('attendance', `out-${n}-${day}`, { childId, day, kind: 'out', at: at(day, '12:30'), deleted: false }, at(day, '12:30'));
      if (random() < 0.5) add('participations', `art-${day}:${childId}`, { sessionId: `art-${day}`, childId, deleted: false }, at(day, '10:15'));
    }
    add('dayCloses', `day-${day}`, { day, closedAt: at(day, '13:00'), closedBy: 'v1', notes: '', deleted: false }, at(day, '13:00'));
  }
  return ops;
}

async function pushInBatches(server: TestServer, device: EnrolledDevice, ops: readonly TestOp[]): Promise<void> {
  for (let i = 0; i < ops.length; i += 1000) {
    const answer = await push(server, device, ops.slice(i, i + 1000));
    expect(answer.rejected).toEqual([]);
  }
}

async function report(server: TestServer, device: EnrolledDevice, from: string, to: string): Promise<ReportResponse> {
  const response = await server.app.inject({ method: 'GET', url: `/api/v1/reports/days?from=${from}&to=${to}`, headers: device.headers });
  expect(response.statusCode, response.body).toBe(200);
  // The answer is what the report's schema says, field for field.
  return reportResponse.parse(response.json());
}

/** The two reports that cover the centre's sixteen months (a report covers at most 366 days). */
async function wholeHistory(server: TestServer, device: EnrolledDevice) {
  const split = addDays(FIRST_DAY, 365);
  return [await report(server, device, FIRST_DAY, split), await report(server, device, addDays(split, 1), LAST_DAY)];
}

async function keptFactRows(store: Store, centreId: string): Promise<string[]> {
  return (await store.query<{ day: string }>('SELECT day FROM day_facts WHERE centre_id = $1 ORDER BY day', [centreId])).map((row) => row.day);
}

const namesChild = (childId: string) => (key: string, record: { fields: unknown }) =>
  key === `children:${childId}` || (record.fields as { childId?: string }).childId === childId;

describe.each(databases)('data protection on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  it('keeps day totals, forgets those of a day a push changes in its own transaction, and gives the same figures either way', async () => {
    const centre = await newCentre(store, 'Kept totals');
    const lead = await enrolDevice(server, centre.id, 'lead');
    await pushInBatches(server, lead, centreOps('2026-03-02', '2026-03-20', 1, 11));
    const first = await report(server, lead, '2026-03-01', '2026-03-21');
    expect(await keptFactRows(store, centre.id)).toHaveLength(21);
    expect(await report(server, lead, '2026-03-01', '2026-03-21')).toEqual(first);

    // A late check-out on the 10th: that day's kept facts go with the push, the others stay.
    const day = '2026-03-10';
    const visit = first.days.find((summary) => summary.day === day)!;
    await push(server, lead, [op(100_000, 'attendance', `late-in-${day}`, { childId: childIdFromCode(issueCode('K', 1500)), day, kind: 'in', at: at(day, '12:00'), deleted: false }, hlc(at(day, '12:00'), 1))]);
    expect(await keptFactRows(store, centre.id)).not.toContain(day);
    expect(await keptFactRows(store, centre.id)).toHaveLength(20);
    const second = await report(server, lead, '2026-03-01', '2026-03-21');
    expect(second.days.find((summary) => summary.day === day)!.visits).toBe((visit.visits as number) + 1);

    // Worked out from the records alone, with nothing kept, the figures are the same.
    await store.query('DELETE FROM day_facts WHERE centre_id = $1', [centre.id]);
    expect(await report(server, lead, '2026-03-01', '2026-03-21')).toEqual(second);
  });

  it('purges every record more than 13 months old, keeps every day’s figures, and acknowledges an op for a purged day without storing it', { timeout: 300_000 }, async () => {
    const centre = await newCentre(store, 'Sixteen months');
    const lead = await enrolDevice(server, centre.id, 'lead');
    await pushInBatches(server, lead, centreOps(FIRST_DAY, LAST_DAY, 3, 16));
    const before = await wholeHistory(server, lead);
    const storedBefore = await storedRecords(store, centre.id);
    const old = [...storedBefore].filter(([, record]) => {
      const day = (record.fields as { day?: string }).day;
      return day !== undefined && day < FIRST_KEPT;
    });
    expect(old.length).toBeGreaterThan(500);

    const purged = await purgeAll(store, NOW);
    expect(purged).toBeGreaterThanOrEqual(old.length);
    const storedAfter = await storedRecords(store, centre.id);
    expect(storedAfter.size).toBe(storedBefore.size - purged);
    for (const [key, record] of storedAfter) {
      const fields = record.fields as { day?: string; sessionId?: string; registeredOn?: string };
      if (fields.day !== undefined) expect(fields.day >= FIRST_KEPT, key).toBe(true);
      if (fields.sessionId !== undefined) expect(storedAfter.has(`sessions:${fields.sessionId}`), key).toBe(true);
    }
    // A pull from the start holds nothing purged.
    const pulled = await pullAll(server, lead);
    expect(pulled.changes.filter((change) => typeof change.fields['day'] === 'string' && (change.fields['day']) < FIRST_KEPT)).toEqual([]);

    // Every day gives the same figures; the totals' sums too, and distinct children are approximate.
    const after = await wholeHistory(server, lead);
    for (const [i, range] of after.entries()) expect(range.days).toEqual(before[i]!.days);
    const { uniqueChildren: _u, byAgeBand: _a, byGender: _g, ...sums } = before[0]!.total;
    expect(after[0]!.total).toMatchObject({ ...sums, approximate: true });
    expect(after[0]!.total.uniqueChildren as number).toBeGreaterThanOrEqual(before[0]!.total.uniqueChildren as number);
    expect(after[1]!.total).toEqual(before[1]!.total);

    // A tablet that was away pushes a check-in for a purged day: acknowledged, not stored.
    const away = await enrolDevice(server, centre.id, 'volunteer', 'Away');
    const late = op(1, 'attendance', 'late-old-visit', { childId: childIdFromCode(issueCode('K', 1001)), day: '2025-01-10', kind: 'in', at: at('2025-01-10', '10:00'), deleted: false }, hlc(at('2025-01-10', '10:00')));
    expect(await push(server, away, [late])).toEqual(expect.objectContaining({ ackedSeq: 1, rejected: [] }));
    expect((await storedRecords(store, centre.id)).has('attendance:late-old-visit')).toBe(false);
    // Purging again finds nothing more.
    expect(await purgeAll(store, NOW)).toBe(0);
  });

  it('erases a child in the push of the erasure: no record of theirs is left or pulled, the days keep their figures, and later ops naming them are refused ERASED', async () => {
    const centre = await newCentre(store, 'Erasure');
    const lead = await enrolDevice(server, centre.id, 'lead');
    const volunteer = await enrolDevice(server, centre.id, 'volunteer');
    await pushInBatches(server, lead, centreOps('2026-03-02', '2026-03-20', 1, 7));
    const code = issueCode('K', 1003);
    const childId = childIdFromCode(code);
    const stored = await storedRecords(store, centre.id);
    expect([...stored].filter(([key, record]) => namesChild(childId)(key, record)).length).toBeGreaterThan(3);
    const before = await report(server, lead, '2026-03-01', '2026-03-21');

    const erasure = await push(server, lead, [op(1_000_000, 'erasures', childId, { erasedAt: NOW }, hlc(NOW))]);
    expect(erasure).toMatchObject({ ackedSeq: 1_000_000, rejected: [] });
    const after = await storedRecords(store, centre.id);
    expect([...after].filter(([key, record]) => namesChild(childId)(key, record))).toEqual([]);
    expect(after.has(`erasures:${childId}`)).toBe(true);
    const pulled = await pullAll(server, volunteer);
    expect(pulled.changes.filter((change) => change.id === childId || change.fields['childId'] === childId).map((change) => change.table)).toEqual(['erasures']);
    // The erasure's own id is the child's (the contract's): no other change carries the code.
    expect(JSON.stringify(pulled.changes.filter((change) => change.table !== 'erasures'))).not.toContain(code);
    expect(await report(server, lead, '2026-03-01', '2026-03-21')).toEqual(before);

    // A tablet that had not heard: its check-in, a participation and the child's registration again.
    const late = await push(server, volunteer, [
      op(100_001, 'attendance', 'late-in', { childId, day: '2026-03-21', kind: 'in', at: at('2026-03-21', '10:00'), deleted: false }, hlc(NOW, 1)),
      op(100_002, 'children', childId, { code, ageBand: '3-5', gender: 'girl', languages: [], registeredOn: '2026-03-21', deleted: false }, hlc(NOW, 2)),
      op(100_003, 'participations', `art-2026-03-20:${childId}`, { sessionId: 'art-2026-03-20', childId, deleted: false }, hlc(NOW, 3)),
      op(100_004, 'volunteers', 'v9', { displayName: 'Mona', active: true }, hlc(NOW, 4)),
    ]);
    expect(late.ackedSeq).toBe(100_004);
    expect(late.rejected.map((rejection) => [rejection.seq, rejection.code, rejection.record])).toEqual([
      [100_001, 'ERASED', null],
      [100_002, 'ERASED', null],
      [100_003, 'ERASED', null],
    ]);
    const final = await storedRecords(store, centre.id);
    expect([...final].filter(([key, record]) => namesChild(childId)(key, record))).toEqual([]);
    expect(final.has('volunteers:v9')).toBe(true);
    expect(await report(server, lead, '2026-03-01', '2026-03-21')).toEqual(before);
  });

  it('erases by code from the server machine, as `admin erase` does, once and then again with the same answer', async () => {
    const centre = await newCentre(store, 'Admin erase');
    const volunteer = await enrolDevice(server, centre.id, 'volunteer');
    const lead = await enrolDevice(server, centre.id, 'lead');
    await pushInBatches(server, lead, centreOps('2026-03-09', '2026-03-13', 1, 3));
    const code = issueCode('K', 1010);
    const childId = childIdFromCode(code);
    const before = await report(server, lead, '2026-03-09', '2026-03-13');
    const { nextCursor } = await pullAll(server, volunteer);

    // Typed as a person reads it off the card: spaces and lower case.
    expect(await eraseByCode(store, centre.id, formatCodeForReading(code).toLowerCase(), NOW)).toEqual({ childId });
    expect(await eraseByCode(store, centre.id, code, NOW)).toEqual({ childId });
    expect(await eraseByCode(store, centre.id, issueCode('K', 1999), NOW)).toBeUndefined();
    expect([...(await storedRecords(store, centre.id))].filter(([key, record]) => namesChild(childId)(key, record))).toEqual([]);
    // Tablets pull the erasure like a lead's.
    const pulled = await pullAll(server, volunteer, 1000, nextCursor);
    expect(pulled.changes.map((change) => [change.table, change.id])).toEqual([['erasures', childId]]);
    expect(await report(server, lead, '2026-03-09', '2026-03-13')).toEqual(before);
  });
});
