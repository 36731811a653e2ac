import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaybookDatabase } from '../../src/client/db/core/database';
import { writeRecord } from '../../src/client/db/core/write';
import { checkIn, checkOut, voidAttendance } from '../../src/client/db/repositories/attendance';
import { registerAndCheckIn } from '../../src/client/db/repositories/children';
import { closeDay } from '../../src/client/db/repositories/day-close';
import { purgeExpired } from '../../src/client/db/repositories/retention';
import { addParticipants, endSession, startSession } from '../../src/client/db/repositories/sessions';
import { signOff, signOn } from '../../src/client/db/repositories/shifts';
import { computeRange, keepDayFacts, readRange } from '../../src/client/db/repositories/summary';
import { loadEnrolment } from '../../src/client/db/repositories/sync-state';
import { buildApp } from '../../src/server/app';
import { purgeCentre } from '../../src/server/retention';
import type { Store } from '../../src/server/store';
import { childIdFromCode, issueCode } from '../../src/shared/codes';
import { addDays, atLocalTime, dayCount, daysInRange } from '../../src/shared/dates';
import { participationId } from '../../src/shared/ids';
import { reportResponse, type AgeBand, type Gender } from '../../src/shared/schema';
import { pullResponse } from '../../src/shared/schema/wire';
import type { RangeReport } from '../../src/shared/summary';
import { databases } from '../server/support';
import { injectTransport, newCentreId, newTablet, serverState, tabletState, type Tablet } from './support';

/**
 * Issue 11, "Done when", Retention (sync-protocol.md, Retention and invariant 11): a centre with
 * sixteen months of records on the server and on two tablets, which got there the way a centre's
 * records do (each tablet's repositories, the real sync engine, the real server in process). On
 * the first night after "today" begins, the server and each tablet purge by the same rule:
 * every record more than 13 months before the centre's current day goes, in each place, and
 * every day's figures (from GET /reports/days, and from each tablet's Summary code) stay exactly
 * what they were, purged days included. Then a sync, with late changes to purged records waiting
 * in one tablet's outbox, brings nothing old back, and the replicas still converge.
 */

const TZ = 'Europe/Paris';
const at = (day: string, hhmm: string) => atLocalTime(day, hhmm, TZ);
/**
 * The centre's "today". The server purges at 00:30 and tablet A at 00:45 (their daily runs), when
 * the day has begun in Paris but not yet in UTC; tablet B at 07:00, when it is switched on.
 */
const TODAY = '2026-11-20';
const SERVER_PURGES_AT = at(TODAY, '00:30');
const A_PURGES_AT = at(TODAY, '00:45');
const B_PURGES_AT = at(TODAY, '07:00');
/** Later that morning, when the tablets go on working after the purge. */
const MORNING = at(TODAY, '10:30');
/**
 * 13 calendar months (retentionMonths, the default) before 20 November 2026 is 20 October 2025:
 * exactly 13 months before, so kept; 19 October 2025 is more than 13 months before, and goes.
 * Written out here rather than worked out by the code under test.
 */
const FIRST_KEPT = '2025-10-20';
const LAST_PURGED = '2025-10-19';
/** Sixteen months of records, up to yesterday. */
const FIRST_DAY = '2025-07-20';
const LAST_DAY = '2026-11-19';
/** Two reports cover the sixteen months (a report covers at most 366 days); the bound is in the first. */
const RANGES: [string, string][] = [
  [FIRST_DAY, addDays(FIRST_DAY, 299)],
  [addDays(FIRST_DAY, 300), LAST_DAY],
];
/** The tables whose records have a day and are purged with it (participations by their session's). */
const DAY_TABLES = ['attendance', 'shifts', 'sessions', 'dayCloses'];

const AGE_BANDS: AgeBand[] = ['0-2', '3-5', '6-8', '9-12', '13-17'];
const GENDERS: Gender[] = ['girl', 'boy', 'other', 'unspecified'];
const VOLUNTEERS = ['v-amira', 'v-sam'] as const;

/** The centre's children and the days each may come, as a centre's children come and go. */
type Regular = { serial: number; from: string; to: string; always?: boolean };
const CHILDREN: Regular[] = [
  // Came in the first months only: their records go, and then they do.
  ...[0, 1, 2, 3].map((serial) => ({ serial, from: FIRST_DAY, to: '2025-09-30' })),
  // Registered long before the bound and still coming: they stay, their old visits go.
  ...[4, 5, 6, 7, 8].map((serial) => ({ serial, from: FIRST_DAY, to: LAST_DAY })),
  // Registered along the way, a month before the bound and in spring.
  ...[9, 10, 11].map((serial) => ({ serial, from: '2025-09-15', to: LAST_DAY })),
  ...[12, 13].map((serial) => ({ serial, from: '2026-03-01', to: LAST_DAY })),
  // One visit each, on the last purged day and on the first kept one: the first goes, the second stays.
  { serial: 14, from: LAST_PURGED, to: LAST_PURGED, always: true },
  { serial: 15, from: FIRST_KEPT, to: FIRST_KEPT, always: true },
];
const codeOf = (serial: number) => issueCode('K', 4200 + serial);
const childOf = (serial: number) => childIdFromCode(codeOf(serial));
const profileOf = (serial: number) => ({ ageBand: AGE_BANDS[serial % AGE_BANDS.length]!, gender: GENDERS[serial % GENDERS.length]!, languages: [] });

/** The days the centre opened: every fourth day, and each day of the week around the bound, and yesterday. */
const OPEN_DAYS = daysInRange(FIRST_DAY, LAST_DAY).filter(
  (day, i) => i % 4 === 0 || Math.abs(dayCount(day, FIRST_KEPT)) <= 4 || day === LAST_DAY,
);

/** A seeded source of chance, so every run (and store) sees the same sixteen months. */
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

const minutes = (day: string, from: string, plus: number) => at(day, from) + plus * 60_000;

type Centre = { app: Parameters<typeof injectTransport>[0]; store: Store; centreId: string; a: Tablet; b: Tablet; setClock: (ms: number) => void };

async function sync(centre: Centre, tablet: Tablet) {
  const result = await tablet.engine(injectTransport(centre.app)).syncOnce();
  expect(result.outcome, `${tablet.name} syncs: ${result.message ?? ''}`).toBe('synced');
  return result;
}

/**
 * One open day. The desk tablet registers newcomers and checks most children in, runs a session
 * and checks them out; the other tablet signs its volunteer on and checks a few regulars in and
 * out; once both have synced, the desk's lead closes the day (some days stay open, as when the
 * lead forgets). Both sync at the end of the day, so each starts the next knowing every child.
 */
async function openDay(centre: Centre, day: string, index: number, random: () => number, registered: Set<number>): Promise<void> {
  const [desk, other] = index % 2 === 0 ? [centre.a, centre.b] : [centre.b, centre.a];
  await signOn(desk.database, VOLUNTEERS[0], at(day, '09:00'));
  const secondVolunteer = index % 3 !== 0;
  if (secondVolunteer) await signOn(other.database, VOLUNTEERS[1], at(day, '09:10'));

  const eligible = CHILDREN.filter((child) => child.from <= day && day <= child.to);
  let coming = eligible.filter((child) => child.always === true || random() < 0.45);
  if (coming.length === 0) coming = eligible.slice(0, 1);
  const atDesk: number[] = [];
  const atOther: number[] = [];
  for (const [k, { serial }] of coming.entries()) {
    const arrives = minutes(day, '09:30', 6 * k);
    if (!registered.has(serial)) {
      await registerAndCheckIn(desk.database, codeOf(serial), profileOf(serial), arrives);
      registered.add(serial);
      atDesk.push(serial);
    } else if (secondVolunteer && k % 3 === 2) {
      await checkIn(other.database, childOf(serial), arrives);
      atOther.push(serial);
    } else {
      await checkIn(desk.database, childOf(serial), arrives);
      atDesk.push(serial);
    }
  }

  if (atDesk.length > 0) {
    const session = await startSession(desk.database, { activity: index % 3 === 0 ? 'football' : 'art' }, at(day, '10:40'));
    const joining = atDesk.filter((_, k) => k % 4 !== 3);
    if (joining.length > 0) await addParticipants(desk.database, session.id, joining.map(childOf), at(day, '10:45'));
    if (index % 2 === 0) await endSession(desk.database, session.id, at(day, '11:30'));
  }
  // Most go home before the close; the others are checked out by it (or, on a day left open, stay in).
  for (const [k, serial] of atDesk.entries()) if (k % 3 !== 1) await checkOut(desk.database, childOf(serial), minutes(day, '11:40', 5 * k));
  for (const serial of atOther) await checkOut(other.database, childOf(serial), at(day, '12:10'));
  if (secondVolunteer && index % 2 === 1) await signOff(other.database, VOLUNTEERS[1], at(day, '12:20'));

  await sync(centre, other);
  await sync(centre, desk);
  if (index % 5 !== 4) await closeDay(desk.database, { day, checkOutAt: at(day, '13:00'), closedBy: VOLUNTEERS[0] }, at(day, '13:05'));
  await sync(centre, desk);
  await sync(centre, other);
}

async function serverReport(centre: Centre, [from, to]: [string, string]): Promise<RangeReport> {
  const enrolment = await loadEnrolment(centre.a.database);
  if (!enrolment) throw new Error('tablet A is not enrolled');
  const response = await centre.app.inject({ method: 'GET', url: `/api/v1/reports/days?from=${from}&to=${to}`, headers: { authorization: `Bearer ${enrolment.token}` } });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<RangeReport>();
  // The answer is what the report's schema says; the figures are compared as they came.
  expect(reportResponse.safeParse(body).success).toBe(true);
  return body;
}

/**
 * A tablet's report over a range as its Summary screen gets it (db/hooks/summary.ts): kept day
 * facts, the missing ones worked out and kept first; and the same figures from the records
 * straight away (computeRange, what the screen falls back to when storage is full).
 */
async function tabletReport(database: DaybookDatabase, [from, to]: [string, string]): Promise<RangeReport> {
  const days = daysInRange(from, to);
  let view = await readRange(database, days);
  if (view.state === 'missing') {
    await keepDayFacts(database, view.days);
    view = await readRange(database, days);
  }
  if (view.state !== 'ready') throw new Error(`${database.name}: day facts still missing after keeping them`);
  const computed = await computeRange(database, days);
  expect(computed.state === 'ready' && computed.report, `${database.name}: kept facts and facts from the records agree`).toEqual(view.report);
  return JSON.parse(JSON.stringify(view.report)) as RangeReport;
}

type State = Record<string, Record<string, unknown>>;

/**
 * What the contract's rule leaves of a replica's records: every record of a day before the bound
 * goes (a participation with its session's day), then every child registered before it whom no
 * record left names, with their registrations. Everything else stays as it was.
 */
function keptByTheRule(state: State): State {
  const sessionDay = new Map<string, unknown>();
  for (const [key, fields] of Object.entries(state)) if (key.startsWith('sessions/')) sessionDay.set(key.slice('sessions/'.length), fields['day']);
  const dayOf = (table: string, fields: Record<string, unknown>) => (table === 'participations' ? sessionDay.get(String(fields['sessionId'])) : fields['day']);
  const left = Object.entries(state).filter(([key, fields]) => {
    const table = key.split('/')[0]!;
    if (![...DAY_TABLES, 'participations'].includes(table)) return true;
    const day = dayOf(table, fields);
    return !(typeof day === 'string' && day < FIRST_KEPT);
  });
  const named = new Set(left.filter(([key]) => key.startsWith('attendance/') || key.startsWith('participations/')).map(([, fields]) => fields['childId']));
  const goneChildren = new Set(
    left
      .filter(([key, fields]) => key.startsWith('children/') && String(fields['registeredOn']) < FIRST_KEPT && !named.has(key.slice('children/'.length)))
      .map(([key]) => key.slice('children/'.length)),
  );
  return Object.fromEntries(
    left.filter(([key, fields]) => !(key.startsWith('children/') && goneChildren.has(key.slice('children/'.length))) && !(key.startsWith('registrations/') && goneChildren.has(String(fields['childId'])))),
  );
}

/** Records of the replica that the rule says must not be there: a day before the bound, or a participation of no session kept. */
function older(state: State): string[] {
  const visited = new Set(
    Object.entries(state)
      .filter(([key]) => key.startsWith('attendance/') || key.startsWith('participations/'))
      .map(([, fields]) => fields['childId']),
  );
  return Object.entries(state)
    .filter(([key, fields]) => {
      const table = key.split('/')[0]!;
      if (DAY_TABLES.includes(table)) return typeof fields['day'] !== 'string' || fields['day'] < FIRST_KEPT;
      if (table === 'participations') return !(`sessions/${String(fields['sessionId'])}` in state);
      if (table === 'children') return typeof fields['registeredOn'] !== 'string' || (fields['registeredOn'] < FIRST_KEPT && !visited.has(key.slice('children/'.length)));
      return false;
    })
    .map(([key]) => key);
}

/** Every row of every object store of the tablet's IndexedDB. */
async function rowCounts(database: DaybookDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of database.tables) counts[table.name] = await table.count();
  return counts;
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Rows the tablet holds for days before the bound, read by its indexes (not through the replica view). */
async function oldRowsOnTablet(database: DaybookDatabase): Promise<Record<string, number>> {
  const oldSessions = await database.sessions.where('day').below(FIRST_KEPT).primaryKeys();
  const sessions = new Set((await database.sessions.toCollection().primaryKeys()).map(String));
  return {
    attendance: await database.attendance.where('day').below(FIRST_KEPT).count(),
    shifts: await database.shifts.where('day').below(FIRST_KEPT).count(),
    sessions: oldSessions.length,
    participations: (await database.participations.toArray()).filter((row) => !sessions.has(String(row.sessionId))).length,
    dayCloses: (await database.dayCloses.toArray()).filter((row) => row.day === undefined || row.day < FIRST_KEPT).length,
    lateArrivals: await database.lateArrivals.where('day').below(FIRST_KEPT).count(),
    outbox: (await database.outbox.toArray()).filter((op) => typeof op.fields['day'] === 'string' && op.fields['day'] < FIRST_KEPT).length,
  };
}
const NO_OLD_ROWS = { attendance: 0, shifts: 0, sessions: 0, participations: 0, dayCloses: 0, lateArrivals: 0, outbox: 0 };

/** Every change a pull from the very start gives, as a new tablet would see them. */
async function pullEverything(centre: Centre): Promise<{ table: string; id: string; fields: Record<string, unknown> }[]> {
  const enrolment = await loadEnrolment(centre.a.database);
  const changes: { table: string; id: string; fields: Record<string, unknown> }[] = [];
  for (let cursor = 0; ; ) {
    const response = await centre.app.inject({ method: 'GET', url: `/api/v1/sync/pull?cursor=${cursor}&limit=1000`, headers: { authorization: `Bearer ${enrolment!.token}` } });
    expect(response.statusCode, response.body).toBe(200);
    const page = pullResponse.parse(response.json());
    changes.push(...page.changes);
    if (!page.hasMore) return changes;
    cursor = page.nextCursor;
  }
}

describe.each(databases)('retention on $name, the server and two tablets', (database) => {
  let centre: Centre;
  let server: { app: Centre['app']; store: Store; now: () => number };
  let dispose: (() => Promise<void>) | undefined;
  /** The server's and both tablets' wall clock: the evening before, until the night's purges move it. */
  let clock = at(LAST_DAY, '20:00');

  beforeAll(async () => {
    const opened = await database.open();
    dispose = opened.dispose;
    const app = await buildApp({ store: opened.store, version: 'retention-test', clock: () => clock });
    server = { app, store: opened.store, now: () => clock };
    const centreId = await newCentreId(opened.store, 'Sixteen months');
    const name = database.name.toLowerCase();
    centre = {
      app,
      store: opened.store,
      centreId,
      a: await newTablet(server, centreId, `retention-${name}-a`, 'lead', () => clock),
      b: await newTablet(server, centreId, `retention-${name}-b`, 'lead', () => clock),
      setClock: (ms) => (clock = ms),
    };
  }, 120_000);

  afterAll(async () => {
    await centre?.a.database.delete();
    await centre?.b.database.delete();
    await centre?.app.close();
    await dispose?.();
  }, 120_000);

  /** What the contract's rule leaves on a replica: what it held before, less what the rule purges; nothing older. */
  function expectPurged(place: string, state: State, before: State) {
    expect(state, `${place} holds what it held, less what the rule purges`).toEqual(keptByTheRule(before));
    expect(older(state), `records older than the bound on ${place}`).toEqual([]);
  }

  /** Every day's figures in one place are exactly what they were; a range's total too, but distinct children over purged days are approximate. */
  function expectSameFigures(place: string, now: RangeReport[], was: RangeReport[]) {
    for (const [r, range] of now.entries()) {
      const [from, to] = RANGES[r]!;
      expect(range.days, `${place}: every day from ${from} to ${to}`).toEqual(was[r]!.days);
      if (to < FIRST_KEPT || from >= FIRST_KEPT) {
        expect(range.total, `${place}: the total of ${from} to ${to}`).toEqual(was[r]!.total);
      } else {
        const { uniqueChildren: _children, byAgeBand: _bands, byGender: _genders, ...sums } = was[r]!.total;
        expect(range.total, `${place}: the total of ${from} to ${to}, with purged days`).toMatchObject({ ...sums, approximate: true });
      }
    }
  }

  async function serverFigures() {
    const reports: RangeReport[] = [];
    for (const range of RANGES) reports.push(await serverReport(centre, range));
    return reports;
  }

  async function tabletFigures(tablet: Tablet) {
    const reports: RangeReport[] = [];
    for (const range of RANGES) reports.push(await tabletReport(tablet.database, range));
    return reports;
  }

  it('purges every record more than 13 months old in each place, keeps every day’s figures, and a sync brings nothing back', { timeout: 600_000 }, async () => {
    const { a, b } = centre;
    const started = performance.now();

    // Sixteen months of a centre, written on both tablets and synced as they go.
    for (const id of VOLUNTEERS) await writeRecord(a.database, 'volunteers', id, { displayName: id.slice(2), active: true, deleted: false }, { create: true, now: at(FIRST_DAY, '08:00') });
    await sync(centre, a);
    await sync(centre, b);
    const random = seeded(11);
    const registered = new Set<number>();
    for (const [i, day] of OPEN_DAYS.entries()) await openDay(centre, day, i, random, registered);
    const written = performance.now();

    // The data is what the test needs: records of every kind on both sides of the bound, and
    // children who only came long ago.
    const serverAtFirst = await serverState(centre.store, centre.centreId);
    expect(await tabletState(a.database)).toEqual(serverAtFirst);
    expect(await tabletState(b.database)).toEqual(serverAtFirst);
    const keptAtFirst = keptByTheRule(serverAtFirst);
    const oldKeys = Object.keys(serverAtFirst).filter((key) => !(key in keptAtFirst));
    expect(oldKeys.filter((key) => key.startsWith('children/')).length, 'children who only came long ago').toBeGreaterThanOrEqual(5);
    for (const table of [...DAY_TABLES, 'participations']) expect(oldKeys.filter((key) => key.startsWith(`${table}/`)).length, `old ${table}`).toBeGreaterThan(20);

    // Tablet B's lead, offline, corrects old days: an Undo of a check-in and a late check-out's
    // leftAt on a participation (changes that name no day), and a check-in for a purged day.
    const oldVisit = (await b.database.attendance.where('day').equals(LAST_PURGED).toArray()).find((event) => event.kind === 'in' && event.deleted !== true);
    expect(oldVisit, 'a check-in on the last purged day').toBeDefined();
    await voidAttendance(b.database, oldVisit!.id, at(LAST_DAY, '21:00'));
    const stillIn = (await b.database.participations.toArray()).filter((row) => row.leftAt == null);
    const oldSession = (await b.database.sessions.where('day').below(FIRST_KEPT).reverse().toArray()).find((session) => stillIn.some((row) => row.sessionId === session.id));
    expect(oldSession, 'a session of a purged day with a child who never left').toBeDefined();
    const oldStay = stillIn.find((row) => row.sessionId === oldSession!.id)!;
    await writeRecord(b.database, 'participations', oldStay.id, { leftAt: at(oldSession!.day!, '13:30') }, { now: at(LAST_DAY, '21:05') });
    await checkIn(b.database, childOf(5), at(LAST_PURGED, '15:00'));
    expect(await b.database.outbox.count(), "tablet B's late changes wait in its outbox").toBe(3);

    // Before the night's purges: each replica's records, and every day's figures in each place.
    const serverBefore = await serverState(centre.store, centre.centreId);
    const aBefore = await tabletState(a.database);
    expect(aBefore, 'tablet A holds what the server holds').toEqual(serverBefore);
    const serverFiguresBefore = await serverFigures();
    const aFigures = await tabletFigures(a);
    expect(aFigures, "tablet A's figures are the server's").toEqual(serverFiguresBefore);
    const aRows = await rowCounts(a.database);

    // 00:30, the server's daily purge (as the admin's `purge` does, at this clock).
    centre.setClock(SERVER_PURGES_AT);
    const purged = await purgeCentre(centre.store, centre.centreId, SERVER_PURGES_AT);
    const serverAfter = await serverState(centre.store, centre.centreId);
    expectPurged('the server', serverAfter, serverBefore);
    expect(purged, 'the purge counts the records it deleted').toBe(Object.keys(serverBefore).length - Object.keys(serverAfter).length);
    const stillOld = await centre.store.query<{ tbl: string; id: string }>(
      `SELECT tbl, id FROM records WHERE centre_id = $1 AND tbl = ANY($2::text[]) AND (NOT fields ? 'day' OR fields->>'day' < $3)`,
      [centre.centreId, DAY_TABLES, FIRST_KEPT],
    );
    expect(stillOld, "records of days before the bound in the server's records table").toEqual([]);
    // The bound is not a day off: the first kept day is all there, the last purged day all gone.
    const onDay = (state: State, day: string) => Object.entries(state).filter(([, fields]) => fields['day'] === day).map(([key]) => key);
    expect(onDay(serverAfter, FIRST_KEPT)).toEqual(onDay(serverBefore, FIRST_KEPT));
    expect(onDay(serverBefore, LAST_PURGED).length).toBeGreaterThan(5);
    expect(onDay(serverAfter, LAST_PURGED)).toEqual([]);
    expect(serverAfter[`children/${childOf(15)}`], 'the child who came only on the first kept day').toBeDefined();
    expect(serverAfter[`children/${childOf(14)}`], 'the child who came only on the last purged day').toBeUndefined();
    expectSameFigures('the report endpoint', await serverFigures(), serverFiguresBefore);

    // 00:45, tablet A's daily run, just after the centre's day begins.
    centre.setClock(A_PURGES_AT);
    const onA = await purgeExpired(a.database, A_PURGES_AT);
    expect(onA.firstKept).toBe(FIRST_KEPT);
    expectPurged('tablet A', await tabletState(a.database), aBefore);
    expectSameFigures('tablet A', await tabletFigures(a), aFigures);

    // 07:00, tablet B is switched on and purges, its late changes still in its outbox.
    const bBefore = await tabletState(b.database);
    const bFigures = await tabletFigures(b);
    // B's figures are the server's, but for the days of its late changes.
    const lateDays = new Set([LAST_PURGED, oldSession!.day]);
    const otherDays = (reports: RangeReport[]) => reports.map((range) => range.days.filter((day) => !lateDays.has(day.day)));
    expect(otherDays(bFigures)).toEqual(otherDays(serverFiguresBefore));
    const bRows = await rowCounts(b.database);
    centre.setClock(B_PURGES_AT);
    const onB = await purgeExpired(b.database, B_PURGES_AT);
    expect(onB.firstKept).toBe(FIRST_KEPT);
    expectPurged('tablet B', await tabletState(b.database), bBefore);
    expectSameFigures('tablet B', await tabletFigures(b), bFigures);

    // Nothing old in either IndexedDB (but B's check-in for a purged day, waiting to be pushed),
    // and fewer rows in each: the purged days' kept facts and corrections counted, once the
    // Summary has kept every day's facts again.
    for (const [tablet, rowsBefore] of [[a, aRows], [b, bRows]] as const) {
      expect(await oldRowsOnTablet(tablet.database), `old rows in ${tablet.name}'s IndexedDB`).toEqual({ ...NO_OLD_ROWS, outbox: tablet === b ? 1 : 0 });
      const rowsAfter = await rowCounts(tablet.database);
      expect(total(rowsAfter), `${tablet.name}'s IndexedDB holds fewer rows`).toBeLessThan(total(rowsBefore));
      for (const table of [...DAY_TABLES, 'participations', 'children', 'registrations']) expect(rowsAfter[table], `${tablet.name}'s ${table}`).toBeLessThan(rowsBefore[table]!);
    }
    const purgedAt = performance.now();

    // The morning: both tablets sync (B's late changes among them) and go on working.
    centre.setClock(MORNING);
    const pushedByB = await sync(centre, b);
    expect(pushedByB.rejected, 'late changes to purged days are acknowledged, not refused').toBe(0);
    await checkIn(a.database, childOf(6), at(TODAY, '09:30'));
    await checkIn(b.database, childOf(12), at(TODAY, '09:40'));
    await checkOut(a.database, childOf(6), at(TODAY, '10:15'));
    for (let round = 0; round < 2; round++) for (const tablet of [a, b]) await sync(centre, tablet);
    expect([await a.database.outbox.count(), await b.database.outbox.count()]).toEqual([0, 0]);

    // Nothing purged came back anywhere, and the replicas converge.
    const serverNow = await serverState(centre.store, centre.centreId);
    const purgedKeys = new Set(
      [aBefore, bBefore, serverBefore].flatMap((state) => {
        const kept = keptByTheRule(state);
        return Object.keys(state).filter((key) => !(key in kept));
      }),
    );
    const broughtBack = (state: State) => Object.keys(state).filter((key) => purgedKeys.has(key));
    expect(broughtBack(serverNow), 'purged records on the server again').toEqual([]);
    expect(older(serverNow), 'old records on the server').toEqual([]);
    for (const tablet of [a, b]) {
      const state = await tabletState(tablet.database);
      expect(broughtBack(state), `purged records pulled back to ${tablet.name}`).toEqual([]);
      expect(state, `${tablet.name} equals the server`).toEqual(serverNow);
      expect(await oldRowsOnTablet(tablet.database), `old rows in ${tablet.name}'s IndexedDB`).toEqual(NO_OLD_ROWS);
    }
    // Only today's new records changed on the server: what it kept is as it was.
    expect(Object.fromEntries(Object.entries(serverNow).filter(([key]) => key in serverAfter))).toEqual(serverAfter);
    // A tablet starting from nothing would be given no purged record either.
    const everything = await pullEverything(centre);
    expect(everything.map((change) => `${change.table}/${change.id}`).filter((key) => purgedKeys.has(key)), 'purged records in a pull from the start').toEqual([]);

    // Every past day's figures are still what they were, in each place; today's agree.
    expectSameFigures('the report endpoint after the sync', await serverFigures(), serverFiguresBefore);
    expectSameFigures('tablet A after the sync', await tabletFigures(a), aFigures);
    expectSameFigures('tablet B after the sync', await tabletFigures(b), bFigures);
    const today: [string, string] = [TODAY, TODAY];
    const todayOnServer = await serverReport(centre, today);
    expect(todayOnServer.days[0]).toMatchObject({ uniqueChildren: 2, visits: 2 });
    expect(await tabletReport(a.database, today)).toEqual(todayOnServer);
    expect(await tabletReport(b.database, today)).toEqual(todayOnServer);

    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.info(
      `retention on ${database.name}: ${OPEN_DAYS.length} open days written and synced in ${seconds(written - started)}; ` +
        `${purged} records purged on the server, ${onA.records} and ${onB.records} on the tablets; ` +
        `purges and figures in ${seconds(purgedAt - written)}, the morning after in ${seconds(performance.now() - purgedAt)}`,
    );
  });
  /**
   * A centre of two days, the last purged one and the first kept one, on two new tablets: a child
   * checked in on both, in a session of the purged day that is still running, and a second child
   * still in on that day.
   */
  async function twoDayCentre(label: string) {
    clock = at(LAST_DAY, '20:00');
    const centreId = await newCentreId(server.store, label);
    const name = `retention-${database.name.toLowerCase()}-${label}`;
    const small: Centre = {
      ...centre,
      centreId,
      a: await newTablet(server, centreId, `${name}-a`, 'lead', () => clock),
      b: await newTablet(server, centreId, `${name}-b`, 'lead', () => clock),
    };
    const { a, b } = small;
    await writeRecord(a.database, 'volunteers', VOLUNTEERS[0], { displayName: 'amira', active: true, deleted: false }, { create: true, now: at(LAST_PURGED, '08:00') });
    await signOn(a.database, VOLUNTEERS[0], at(LAST_PURGED, '09:00'));
    const first = (await registerAndCheckIn(a.database, codeOf(20), profileOf(20), at(LAST_PURGED, '10:00'))).child.id;
    const second = (await registerAndCheckIn(a.database, codeOf(21), profileOf(21), at(LAST_PURGED, '10:05'))).child.id;
    const session = await startSession(a.database, { activity: 'art' }, at(LAST_PURGED, '10:30'));
    await addParticipants(a.database, session.id, [first], at(LAST_PURGED, '10:35'));
    await checkIn(a.database, first, at(FIRST_KEPT, '10:00'));
    await sync(small, a);
    await sync(small, b);
    return { small, first, second, session };
  }

  /** Every replica of the small centre holds the same records, none older than the bound. */
  async function expectConvergedAndNothingOld(small: Centre) {
    for (let round = 0; round < 2; round++) for (const tablet of [small.a, small.b]) await sync(small, tablet);
    const onServer = await serverState(small.store, small.centreId);
    expect(older(onServer), 'records older than the bound on the server').toEqual([]);
    for (const tablet of [small.a, small.b]) {
      expect(await tabletState(tablet.database), `${tablet.name} equals the server`).toEqual(onServer);
      expect(await oldRowsOnTablet(tablet.database), `old rows in ${tablet.name}'s IndexedDB`).toEqual(NO_OLD_ROWS);
    }
  }

  it('a child added late to a running session of a purged day is acknowledged and not stored', { timeout: 120_000 }, async () => {
    const { small, second, session } = await twoDayCentre('late-participant');
    const { a, b } = small;
    try {
      // B's lead, offline, adds the second child (still in that day) to the session, still running.
      await addParticipants(b.database, session.id, [second], at(LAST_PURGED, '11:00'));
      // The night: the server and A purge; B, offline, has not.
      clock = SERVER_PURGES_AT;
      await purgeCentre(small.store, small.centreId, SERVER_PURGES_AT);
      clock = A_PURGES_AT;
      await purgeExpired(a.database, A_PURGES_AT);
      // B pushes: the participation of a purged day's session is acknowledged and not stored.
      clock = MORNING;
      expect((await sync(small, b)).rejected).toBe(0);
      const onServer = await serverState(small.store, small.centreId);
      expect(older(onServer), 'records older than the bound on the server').toEqual([]);
      expect(onServer[`participations/${participationId(session.id, second)}`], 'the late participation on the server').toBeUndefined();
      await purgeExpired(b.database, MORNING);
      await expectConvergedAndNothingOld(small);
    } finally {
      await a.database.delete();
      await b.database.delete();
    }
  });
  it('a tablet that purged before the server keeps nothing of a child added late to a purged day’s session', { timeout: 120_000 }, async () => {
    const { small, second, session } = await twoDayCentre('purged-first');
    const { a, b } = small;
    try {
      // B's lead, offline, adds the second child to the session while it still runs.
      await addParticipants(b.database, session.id, [second], at(LAST_PURGED, '11:00'));
      // The night: A purges first; the server has not yet, so B's late participation is stored.
      clock = A_PURGES_AT;
      await purgeExpired(a.database, A_PURGES_AT);
      expect((await sync(small, b)).rejected).toBe(0);
      const late = `participations/${participationId(session.id, second)}`;
      expect((await serverState(small.store, small.centreId))[late], 'the late participation on the server, not purged yet').toBeDefined();
      // A pulls it: a participation of a session A purged is not kept without its session.
      await sync(small, a);
      expect(await a.database.participations.where('sessionId').equals(session.id).count(), 'participations of the purged session on A').toBe(0);
      clock = MORNING;
      await purgeCentre(small.store, small.centreId, MORNING);
      await purgeExpired(b.database, MORNING);
      await expectConvergedAndNothingOld(small);
    } finally {
      await a.database.delete();
      await b.database.delete();
    }
  });
});
