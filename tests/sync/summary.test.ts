import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaybookDatabase } from '../../src/client/db/core/database';
import { computeRange, keepDayFacts, readRange } from '../../src/client/db/repositories/summary';
import { writeRecord } from '../../src/client/db/core/write';
import { atLocalTime, daysInRange } from '../../src/shared/dates';
import { dayCloseId, participationId } from '../../src/shared/ids';
import type { RangeReport } from '../../src/shared/summary';
import { injectTransport, newCentreId, newTablet, startInProcessServer, type Tablet } from './support';

/**
 * One piece of code for the lead's figures (issue 5): the same records give the same day
 * summaries and total on a tablet, offline, and through the server's GET /api/v1/reports/days.
 */

let server: Awaited<ReturnType<typeof startInProcessServer>>;

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await server?.close();
});

const TZ = 'Europe/Paris';
// The week of the autumn clock change: Sunday 25 October 2026 has 25 hours in Dunkirk.
const FROM = '2026-10-22';
const TO = '2026-10-28';
const DAYS = daysInRange(FROM, TO);
const AGE_BANDS = ['0-2', '3-5', '6-8', '9-12', '13-17'] as const;
const GENDERS = ['girl', 'boy', 'other', 'unspecified'] as const;
const ACTIVITIES = ['art', 'football', 'music'] as const;

async function syncAll(tablets: Tablet[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const tablet of tablets) await tablet.engine(injectTransport(server.app)).syncOnce();
}

async function serverReport(tablet: Tablet, query = `from=${FROM}&to=${TO}`): Promise<RangeReport> {
  const enrolment = await tablet.database.meta.get('enrolment');
  if (enrolment?.key !== 'enrolment') throw new Error('not enrolled');
  const response = await server.app.inject({ method: 'GET', url: `/api/v1/reports/days?${query}`, headers: { authorization: `Bearer ${enrolment.token}` } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<RangeReport>();
}

/** The tablet's report, kept day facts and all, as it travels: JSON. */
async function tabletReport(database: DaybookDatabase, days = DAYS): Promise<RangeReport> {
  let view = await readRange(database, days);
  if (view.state === 'missing') {
    await keepDayFacts(database, view.days);
    view = await readRange(database, days);
  }
  if (view.state !== 'ready') throw new Error('facts still missing after keeping them');
  const computed = await computeRange(database, days);
  // Kept facts and facts worked out from the records are the same figures.
  expect(computed.state === 'ready' && computed.report).toEqual(view.report);
  return JSON.parse(JSON.stringify(view.report)) as RangeReport;
}

type Event =
  | { kind: 'child'; serial: number; band: number; gender: number; registeredDay: number }
  | { kind: 'attendance'; serial: number; day: number; minute: number; entering: boolean; undone: boolean }
  | { kind: 'shift'; volunteer: number; day: number; minute: number; on: boolean }
  | { kind: 'session'; day: number; minute: number; activity: number; serials: number[]; leftAfter: number | null; undone: boolean }
  | { kind: 'close'; day: number; minute: number; reopened: boolean }
  | { kind: 'limit'; perVolunteer: number };

// Three days around the clock change, so events crowd together and ratios get broken.
/** True with probability `p`. */
const chance = (p: number) => fc.nat(99).map((n) => n < p * 100);
const dayIndex = fc.integer({ min: 2, max: 4 });
// From 08:00 to 20:00, by the minute; on the clock-change day 02:xx exists twice, so also from 01:00.
const minute = fc.integer({ min: 60, max: 20 * 60 });
const serial = fc.integer({ min: 0, max: 11 });
const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('child' as const), serial, band: fc.nat(4), gender: fc.nat(3), registeredDay: dayIndex }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('attendance' as const), serial, day: dayIndex, minute, entering: chance(0.7), undone: chance(0.1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('shift' as const), volunteer: fc.nat(2), day: dayIndex, minute, on: chance(0.6) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('session' as const),
      day: dayIndex,
      minute,
      activity: fc.nat(2),
      serials: fc.uniqueArray(serial, { maxLength: 5 }),
      leftAfter: fc.option(fc.nat(3)),
      undone: chance(0.1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), day: dayIndex, minute, reopened: chance(0.2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('limit' as const), perVolunteer: fc.integer({ min: 1, max: 4 }) }) },
);

const childId = (n: number) => `child-${1000 + n}K`;
let ids = 0;
const nextId = (prefix: string) => `${prefix}-${++ids}`;

/** Writes one event on one tablet, as that tablet's repositories would store it (or stranger). */
async function write(database: DaybookDatabase, e: Event, now: number): Promise<void> {
  const options = { create: true, now };
  const at = (day: number, minutes: number) => atLocalTime(DAYS[day]!, `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`, TZ);
  switch (e.kind) {
    case 'child':
      await writeRecord(database, 'children', childId(e.serial), { code: `${1000 + e.serial}K`, ageBand: AGE_BANDS[e.band]!, gender: GENDERS[e.gender]!, languages: [], registeredOn: DAYS[e.registeredDay]!, deleted: false }, options);
      break;
    case 'attendance':
      await writeRecord(database, 'attendance', nextId('att'), { childId: childId(e.serial), day: DAYS[e.day]!, kind: e.entering ? 'in' : 'out', at: at(e.day, e.minute), deleted: e.undone }, options);
      break;
    case 'shift':
      await writeRecord(database, 'shifts', nextId('shift'), { volunteerId: `v${e.volunteer}`, day: DAYS[e.day]!, kind: e.on ? 'on' : 'off', at: at(e.day, e.minute), deleted: false }, options);
      break;
    case 'session': {
      const id = nextId('session');
      const startedAt = at(e.day, e.minute);
      await writeRecord(database, 'sessions', id, { day: DAYS[e.day]!, activity: ACTIVITIES[e.activity]!, startedAt, endedAt: startedAt + 45 * 60_000, deleted: e.undone }, options);
      for (const [i, n] of e.serials.entries()) {
        const left = e.leftAfter !== null && i >= e.leftAfter ? startedAt + 10 * 60_000 : null;
        await writeRecord(database, 'participations', participationId(id, childId(n)), { sessionId: id, childId: childId(n), leftAt: left, deleted: false }, options);
      }
      break;
    }
    case 'close':
      await writeRecord(database, 'dayCloses', dayCloseId(DAYS[e.day]!), { day: DAYS[e.day]!, closedAt: at(e.day, e.minute), closedBy: 'v0', notes: '', deleted: e.reopened }, options);
      break;
    case 'limit':
      await writeRecord(database, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: e.perVolunteer, requireVolunteerWhenChildrenPresent: true }, deleted: false }, options);
      break;
  }
}

describe('the same records give the same summaries on a tablet and from the server', () => {
  it('for a week with two tablets, the clock change, double check-ins, open visits at closing and children who left sessions', async () => {
    const centreId = await newCentreId(server.store, 'Same figures');
    const [a, b] = [await newTablet(server, centreId, 'sum-a'), await newTablet(server, centreId, 'sum-b')];
    const now = Date.UTC(2026, 9, 28, 18);
    try {
      const events: [Tablet, Event][] = [
        [a, { kind: 'child', serial: 1, band: 1, gender: 0, registeredDay: 0 }],
        [a, { kind: 'child', serial: 2, band: 2, gender: 1, registeredDay: 3 }],
        [b, { kind: 'child', serial: 3, band: 4, gender: 3, registeredDay: 3 }],
        [a, { kind: 'shift', volunteer: 0, day: 3, minute: 60, on: true }],
        // Two tablets check the same child in on the 25-hour day; one 01:30 to 03:30 wall visit.
        [a, { kind: 'attendance', serial: 1, day: 3, minute: 90, entering: true, undone: false }],
        [b, { kind: 'attendance', serial: 1, day: 3, minute: 95, entering: true, undone: false }],
        [a, { kind: 'attendance', serial: 1, day: 3, minute: 210, entering: false, undone: false }],
        [b, { kind: 'attendance', serial: 2, day: 3, minute: 600, entering: true, undone: false }],
        [b, { kind: 'attendance', serial: 3, day: 3, minute: 610, entering: true, undone: false }],
        [a, { kind: 'session', day: 3, minute: 620, activity: 0, serials: [2, 3], leftAfter: 1, undone: false }],
        [a, { kind: 'session', day: 3, minute: 700, activity: 1, serials: [2], leftAfter: null, undone: false }],
        // Closed at 18:00 with child 3 still in: their visit runs until the closing.
        [a, { kind: 'close', day: 3, minute: 18 * 60, reopened: false }],
        [b, { kind: 'attendance', serial: 2, day: 3, minute: 17 * 60, entering: false, undone: false }],
        [b, { kind: 'attendance', serial: 1, day: 5, minute: 600, entering: true, undone: true }],
        [a, { kind: 'limit', perVolunteer: 1 }],
      ];
      for (const [tablet, e] of events) await write(tablet.database, e, now);
      await syncAll([a, b]);

      const fromServer = await serverReport(a);
      const sunday = fromServer.days[3]!;
      expect(sunday).toMatchObject({ day: '2026-10-25', uniqueChildren: 3, newChildren: 2, visits: 3, volunteers: 1 });
      expect(sunday.sessionsByActivity).toEqual({ art: { sessions: 1, participants: 2 }, football: { sessions: 1, participants: 1 } });
      expect(fromServer.days[5]!.uniqueChildren).toBe(0);
      expect(await tabletReport(a.database)).toEqual(fromServer);
      expect(await tabletReport(b.database)).toEqual(fromServer);
    } finally {
      await a.database.delete();
      await b.database.delete();
    }
  });

  it('for random records written on two tablets (property)', async () => {
    const centreId = await newCentreId(server.store, 'Same figures, random');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), event), { minLength: 25, maxLength: 80 }), async (plan) => {
        run += 1;
        // A centre per run: the server's report reads the whole centre.
        const centre = run === 1 ? centreId : await newCentreId(server.store, `Same figures ${run}`);
        const [a, b] = [await newTablet(server, centre, `sum-rand-a-${run}`), await newTablet(server, centre, `sum-rand-b-${run}`)];
        try {
          let now = Date.UTC(2026, 9, 28, 18);
          for (const [onA, e] of plan) await write((onA ? a : b).database, e, (now += 1000));
          await syncAll([a, b]);
          const fromServer = await serverReport(a);
          expect(await tabletReport(a.database)).toEqual(fromServer);
          expect(await tabletReport(b.database)).toEqual(fromServer);
        } finally {
          await a.database.delete();
          await b.database.delete();
        }
      }),
      { numRuns: Number(process.env.SUMMARY_PROPERTY_RUNS ?? 40) },
    );
  }, 120_000);
});
