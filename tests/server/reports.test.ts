import { describe, expect, it } from 'vitest';
import { atLocalTime } from '../../src/shared/dates';
import type { DaySummary } from '../../src/shared/summary';
import type { Store } from '../../src/server/store';
import { csvRows } from '../support/csv';
import { databases, enrolDevice, errorCode, errorMessage, hlc, newCentre, op, push, serveDuringTests, type EnrolledDevice, type TestOp, type TestServer } from './support';

const PARIS = 'Europe/Paris';
const at = (day: string, time: string) => atLocalTime(day, time, PARIS);

/** One busy-enough day at the centre, as ops a tablet would push. */
function dayOfOps(day: string, firstSeq: number): TestOp[] {
  let seq = firstSeq;
  const ops: TestOp[] = [];
  const add = (table: string, id: string, fields: Record<string, unknown>) => ops.push(op(seq, table, `${id}-${day}`.slice(0, 64), fields, hlc(at(day, '09:00'), seq++)));
  const children = ['0-2', '3-5', '3-5', '6-8', '9-12', '13-17'];
  children.forEach((ageBand, i) => ops.push(op(seq, 'children', `child-K${i}`, { code: `K${i}`, ageBand, gender: i % 2 ? 'boy' : 'girl', languages: [], registeredOn: '2026-03-02', deleted: false }, hlc(at('2026-03-02', '09:00'), seq++))));
  add('shifts', 'on-v1', { volunteerId: 'v1', day, kind: 'on', at: at(day, '09:00'), deleted: false });
  add('shifts', 'off-v1', { volunteerId: 'v1', day, kind: 'off', at: at(day, '13:00'), deleted: false });
  children.forEach((_, i) => {
    add('attendance', `in-${i}`, { childId: `child-K${i}`, day, kind: 'in', at: at(day, '10:00'), deleted: false });
    if (i > 0) add('attendance', `out-${i}`, { childId: `child-K${i}`, day, kind: 'out', at: at(day, '11:00'), deleted: false });
  });
  add('sessions', 'art', { day, activity: 'art', startedAt: at(day, '10:15'), endedAt: at(day, '10:45'), deleted: false });
  for (const i of [1, 2, 3]) ops.push(op(seq, 'participations', `art-${day}:child-K${i}`, { sessionId: `art-${day}`, childId: `child-K${i}`, deleted: false }, hlc(at(day, '10:15'), seq++)));
  add('dayCloses', 'day', { day, closedAt: at(day, '12:00'), closedBy: 'v1', notes: '', deleted: false });
  return ops;
}

async function report(server: TestServer, device: EnrolledDevice, query: string) {
  return server.app.inject({ method: 'GET', url: `/api/v1/reports/days?${query}`, headers: device.headers });
}

for (const database of databases) {
  describe(`GET /api/v1/reports/days on ${database.name}`, () => {
    let server: TestServer;
    let store: Store;
    let lead: EnrolledDevice;
    serveDuringTests(database, (opened) => {
      ({ server, store } = opened);
    });

    it('answers zero figures for days with no data, one summary per day and a total', async () => {
      const centre = await newCentre(store, 'Empty');
      lead = await enrolDevice(server, centre.id, 'lead');
      const response = await report(server, lead, 'from=2026-03-01&to=2026-03-03');
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ days: DaySummary[]; total: DaySummary }>();
      expect(body.days.map((day) => [day.day, day.uniqueChildren, day.visits, day.peakAt])).toEqual([
        ['2026-03-01', 0, 0, null],
        ['2026-03-02', 0, 0, null],
        ['2026-03-03', 0, 0, null],
      ]);
      expect(body.total).not.toHaveProperty('day');
      expect(body.total.uniqueChildren).toBe(0);
    });

    it('computes the figures from the centre’s records, and only that centre’s', async () => {
      const centre = await newCentre(store);
      lead = await enrolDevice(server, centre.id, 'lead');
      // Lead tablets: a day's closing is a lead-only op, and without it the open visit would not end.
      const tablet = await enrolDevice(server, centre.id, 'lead');
      expect((await push(server, tablet, [...dayOfOps('2026-03-02', 1), ...dayOfOps('2026-03-03', 100)])).rejected).toEqual([]);
      const other = await enrolDevice(server, (await newCentre(store, 'Elsewhere')).id, 'lead');
      expect((await push(server, other, dayOfOps('2026-03-02', 1))).rejected).toEqual([]);

      const response = await report(server, lead, 'from=2026-03-02&to=2026-03-04');
      expect(response.statusCode, response.body).toBe(200);
      const { days, total } = response.json<{ days: DaySummary[]; total: DaySummary }>();
      const monday = days[0]!;
      expect(monday).toMatchObject({
        day: '2026-03-02',
        uniqueChildren: 6,
        newChildren: 6,
        visits: 6,
        byAgeBand: { '0-2': 1, '3-5': 2, '6-8': 1, '9-12': 1, '13-17': 1 },
        byGender: { girl: 3, boy: 3, other: 0, unspecified: 0 },
        peakPresent: 6,
        peakAt: at('2026-03-02', '10:00'),
        presentByHour: { '10': 6, '11': 1 },
        // Five visits of 60 minutes, and one still open at the 12:00 closing: 120 minutes.
        averageVisitMinutes: 70,
        sessions: 1,
        sessionsByActivity: { art: { sessions: 1, participants: 3 } },
        volunteers: 1,
        volunteerMinutes: 240,
        // Limit 8 per volunteer (the default): never over it.
        minutesOverRatio: 0,
        minutesWithoutVolunteer: 0,
        mostChildrenPerVolunteer: 6,
      });
      expect(days[2]!.uniqueChildren).toBe(0);
      expect(total).toMatchObject({ uniqueChildren: 6, newChildren: 6, visits: 12, volunteerMinutes: 480, peakPresent: 6, peakAt: at('2026-03-02', '10:00') });
    });

    it('hides counts below minCell as "<k" in JSON, and by default at 5 in CSV', async () => {
      const hidden = (await report(server, lead, 'from=2026-03-02&to=2026-03-02&minCell=5')).json<{ days: Record<string, unknown>[] }>();
      expect(hidden.days[0]).toMatchObject({ uniqueChildren: 6, volunteers: '<5', sessions: '<5', byAgeBand: { '0-2': '<5', '3-5': '<5', '6-8': '<5' } });

      const csv = await report(server, lead, 'from=2026-03-02&to=2026-03-03&format=csv');
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe('attachment; filename="daybook-2026-03-02-2026-03-03.csv"');
      const [monday, , total] = csvRows(csv.body);
      expect(monday!.day).toBe('2026-03-02');
      expect(monday!.volunteers).toBe('<5');
      expect(monday!.uniqueChildren).toBe('6');
      expect(total!.day).toBe('total');
      expect(total!.visits).toBe('12');

      const plain = await report(server, lead, 'from=2026-03-02&to=2026-03-02&format=csv&minCell=0');
      expect(csvRows(plain.body)[0]!.volunteers).toBe('1');
    });

    it.each([
      ['from after to', 'from=2026-03-05&to=2026-03-04', 'from: must be on or before to'],
      ['a malformed date', 'from=2026-3-5&to=2026-03-04', 'from: must be a calendar date written YYYY-MM-DD'],
      ['a day that does not exist', 'from=2026-02-01&to=2026-02-30', 'to: must be a calendar date written YYYY-MM-DD'],
      ['a range over 366 days', 'from=2025-01-01&to=2026-01-02', 'to: a report covers at most 366 days'],
      ['no from', 'to=2026-03-04', 'from'],
      ['an unknown format', 'from=2026-03-04&to=2026-03-04&format=xml', 'format'],
      ['a negative minCell', 'from=2026-03-04&to=2026-03-04&minCell=-1', 'minCell'],
      ['a minCell that is not a number', 'from=2026-03-04&to=2026-03-04&minCell=five', 'minCell'],
    ])('answers 400 for %s, naming the field', async (_case, query, message) => {
      const response = await report(server, lead, query);
      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('BAD_REQUEST');
      expect(errorMessage(response)).toContain(message);
    });

    it('takes a whole leap year (366 days)', async () => {
      const response = await report(server, lead, 'from=2028-01-01&to=2028-12-31');
      expect(response.statusCode).toBe(200);
      expect(response.json<{ days: unknown[] }>().days).toHaveLength(366);
    });
  });
}
