import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { addDays, atLocalTime, daysInRange } from '../../../shared/dates';
import { DaybookDatabase } from '../core/database';
import { enrolAs } from '../testing';
import { checkIn, checkOut } from './attendance';
import { registerChild } from './children';
import { closeDay } from './day-close';
import { loadPurgedSessions, purgedToday, purgeExpired } from './retention';
import { addParticipants, startSession } from './sessions';
import { signOff, signOn } from './shifts';
import { computeRange } from './summary';
import { writeRecord } from '../core/write';
import { saveSetting } from './settings';

const TZ = 'Europe/Paris';
const at = (day: string, hhmm: string) => atLocalTime(day, hhmm, TZ);
const TODAY = '2026-12-01';
const NOW = at(TODAY, '08:00');
const profile = { ageBand: '6-8', gender: 'boy', languages: [] } as const;

let database: DaybookDatabase;
let names = 0;

beforeEach(async () => {
  names += 1;
  database = new DaybookDatabase(`retention-${names}`);
  await database.open();
  await enrolAs(database, 'lead');
});

afterEach(async () => {
  await database.delete();
});

/** The 1st and 15th of each of 16 months: children (one who only came long ago), a session, a volunteer, a close. */
async function sixteenMonths(): Promise<string[]> {
  const days = daysInRange('2025-08-01', '2026-11-30').filter((day) => day.endsWith('-01') || day.endsWith('-15'));
  await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true, deleted: false }, { create: true, now: at(days[0]!, '08:00') });
  const oldOnly = (await registerChild(database, issueCode('K', 4000), profile, at(days[0]!, '09:00'))).child.id;
  const regular = (await registerChild(database, issueCode('K', 4001), { ...profile, gender: 'girl' }, at(days[0]!, '09:00'))).child.id;
  for (const [i, day] of days.entries()) {
    const children = [regular, ...(i < 3 ? [oldOnly] : [])];
    await signOn(database, 'v1', at(day, '09:00'));
    for (const id of children) await checkIn(database, id, at(day, '10:00'));
    const session = await startSession(database, { activity: 'art' }, at(day, '10:30'));
    await addParticipants(database, session.id, children, at(day, '10:31'));
    for (const id of children) await checkOut(database, id, at(day, '11:00'));
    await signOff(database, 'v1', at(day, '12:00'));
    await closeDay(database, { day, checkOutAt: at(day, '17:00'), closedBy: 'v1' }, at(day, '17:00'));
  }
  return days;
}

async function figures(days: readonly string[]) {
  const view = await computeRange(database, days);
  if (view.state !== 'ready') throw new Error('not ready');
  return view.report;
}

const rows = async () => ({
  attendance: await database.attendance.count(),
  sessions: await database.sessions.count(),
  participations: await database.participations.count(),
  shifts: await database.shifts.count(),
  dayCloses: await database.dayCloses.count(),
  children: await database.children.count(),
  registrations: await database.registrations.count(),
});

describe('retention on the tablet', () => {
  it('deletes every record more than 13 months old, keeps each day\u2019s figures, and the children who still come', async () => {
    const days = await sixteenMonths();
    const before = await figures(days);
    const held = await rows();

    const outcome = await purgeExpired(database, NOW);

    // 13 months before 1 December 2026 is 1 November 2025, which stays.
    expect(outcome.firstKept).toBe('2025-11-01');
    const purged = days.filter((day) => day < '2025-11-01');
    expect(outcome.days).toBe(purged.length);
    for (const table of ['attendance', 'shifts', 'sessions'] as const) expect(await database.table(table).where('day').below('2025-11-01').count()).toBe(0);
    expect(await database.dayCloses.where(':id').below('day-2025-11-01').count()).toBe(0);
    expect(await database.attendance.where('day').aboveOrEqual('2025-11-01').count()).toBeGreaterThan(0);
    const after = await figures(days);
    expect(after.days).toEqual(before.days);
    // Distinct children over the range can no longer be told apart across purged days.
    expect(after.total.approximate).toBe(true);
    expect((await figures(days.filter((day) => day >= '2025-11-01'))).total.approximate).toBeUndefined();
    const left = await rows();
    // The child who came only in the first months goes; the one still coming stays.
    expect(left.children).toBe(held.children - 1);
    expect(left.attendance).toBeLessThan(held.attendance);
    expect(outcome.records).toBe(Object.values(held).reduce((a, b) => a + b, 0) - Object.values(left).reduce((a, b) => a + b, 0));
    expect(await purgedToday(database, NOW)).toBe(true);
    expect(await purgedToday(database, at(addDays(TODAY, 1), '08:00'))).toBe(false);
  });

  it('remembers the sessions it purged, for a month after the bound passed their day', async () => {
    const days = await sixteenMonths();
    const sessionsBefore = await database.sessions.where('day').below('2025-11-01').toArray();
    await purgeExpired(database, NOW);
    const remembered = await loadPurgedSessions(database);
    // Those of the month before the bound, 1 November 2025: the older ones are long purged on the server too.
    const recent = sessionsBefore.filter((session) => session.day! >= '2025-10-01');
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThan(sessionsBefore.length);
    expect([...remembered.keys()].sort()).toEqual(recent.map((session) => session.id).sort());
    expect(days.length).toBeGreaterThan(0);
  });

  it('changes nothing when run again the same day', async () => {
    const days = await sixteenMonths();
    await purgeExpired(database, NOW);
    const held = await rows();
    const figuresOnce = await figures(days);
    const again = await purgeExpired(database, NOW);
    expect(again).toMatchObject({ days: 0, records: 0 });
    expect(await rows()).toEqual(held);
    expect(await figures(days)).toEqual(figuresOnce);
  });

  it('follows the centre\u2019s setting: 24 months keeps everything here', async () => {
    await sixteenMonths();
    await saveSetting(database, 'retentionMonths', 24);
    const held = await rows();
    expect(await purgeExpired(database, NOW)).toMatchObject({ firstKept: '2024-12-01', days: 0, records: 0 });
    expect(await rows()).toEqual(held);
  });
});
