import { beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { addDays, centreDay } from '../../../shared/dates';
import { formatHlc } from '../../../shared/hlc';
import { applyPullPage } from '../../sync/apply-page';
import { checkIn, checkOut } from './attendance';
import { registerChild } from './children';
import { db } from '../db';
import { addParticipants, startSession } from './sessions';
import { saveSetting } from './settings';
import { signOn } from './shifts';
import { computeRange, keepDayFacts, readRange, type RangeView } from './summary';
import { addVolunteer } from './volunteers';

const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);
const MINUTE = 60_000;
const TODAY = centreDay(NOON, 'Europe/Paris');
const YESTERDAY = addDays(TODAY, -1);
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

/** Reads the range, keeping whatever is missing first, as the Summary screen's hook does. */
async function report(days: string[]): Promise<Extract<RangeView, { state: 'ready' }>> {
  const first = await readRange(db, days);
  if (first.state === 'ready') return first;
  await keepDayFacts(db, first.days);
  const second = await readRange(db, days);
  if (second.state !== 'ready') throw new Error(`still missing ${second.days.join(', ')}`);
  return second;
}

async function childIn(serial: number, at: number) {
  const { child } = await registerChild(db, issueCode('K', serial), profile, at);
  await checkIn(db, child.id, at);
  return child;
}

describe('kept day facts', () => {
  it('are missing until kept, then read without the records', async () => {
    await childIn(4173, NOON);
    expect(await readRange(db, [TODAY])).toEqual({ state: 'missing', days: [TODAY] });
    const { report: kept } = await report([TODAY]);
    expect(kept.days[0]).toMatchObject({ day: TODAY, uniqueChildren: 1, newChildren: 1, visits: 1, byAgeBand: { '6-8': 1 } });
    expect(await db.dayFacts.count()).toBe(1);
  });

  it('a check-in forgets that day’s kept facts in its own transaction, and only that day’s', async () => {
    await keepDayFacts(db, [YESTERDAY, TODAY]);
    expect(await db.dayFacts.count()).toBe(2);
    await childIn(4173, NOON);
    expect((await db.dayFacts.toArray()).map((row) => row.day)).toEqual([YESTERDAY]);
    expect((await report([YESTERDAY, TODAY])).report.total.uniqueChildren).toBe(1);
  });

  it('a check-out, a shift and a participation each make the day’s figures current again', async () => {
    const child = await childIn(4173, NOON);
    expect((await report([TODAY])).report.days[0]!.averageVisitMinutes).toBeNull();
    await checkOut(db, child.id, NOON + 30 * MINUTE);
    expect((await report([TODAY])).report.days[0]!.averageVisitMinutes).toBe(30);

    const volunteer = await addVolunteer(db, 'Amina', NOON);
    await signOn(db, volunteer.id, NOON + 40 * MINUTE);
    expect((await report([TODAY])).report.days[0]!.volunteers).toBe(1);

    const session = await startSession(db, { activity: 'art' }, NOON + 41 * MINUTE);
    await childIn(4174, NOON + 42 * MINUTE);
    expect((await report([TODAY])).report.days[0]!.sessionsByActivity).toEqual({ art: { sessions: 1, participants: 0 } });
    await addParticipants(db, session.id, ['child-' + issueCode('K', 4174)], NOON + 43 * MINUTE);
    expect((await report([TODAY])).report.days[0]!.sessionsByActivity).toEqual({ art: { sessions: 1, participants: 1 } });
  });

  it('kept under another ratio limit, they count as missing', async () => {
    await keepDayFacts(db, [TODAY]);
    expect((await readRange(db, [TODAY])).state).toBe('ready');
    await saveSetting(db, 'ratioLimits', { maxChildrenPerVolunteer: 4, requireVolunteerWhenChildrenPresent: true }, NOON);
    expect(await readRange(db, [TODAY])).toEqual({ state: 'missing', days: [TODAY] });
  });

  it('kept by an older version of the app, they count as missing', async () => {
    await keepDayFacts(db, [TODAY]);
    const kept = (await db.dayFacts.get(TODAY))!;
    await db.dayFacts.put({ ...kept, rulesKey: kept.rulesKey.replace(/^\d+\|/, '0|') });
    expect(await readRange(db, [TODAY])).toEqual({ state: 'missing', days: [TODAY] });
  });

  it('a pulled change to a day forgets that day’s kept facts', async () => {
    await keepDayFacts(db, [YESTERDAY, TODAY]);
    const hlc = formatHlc({ ms: NOON - 3_600_000, counter: 0, node: 'bbbbbbbbbbbbbbbb' });
    const fields = { childId: 'child-4173KL', day: YESTERDAY, kind: 'in', at: NOON - 86_400_000, deleted: false };
    await applyPullPage(db, { changes: [{ cursor: 1, table: 'attendance', id: 'remote-1', fields, hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, hlc])) }], nextCursor: 1, hasMore: false, serverTime: NOON }, NOON);
    expect((await db.dayFacts.toArray()).map((row) => row.day)).toEqual([TODAY]);
    expect((await report([YESTERDAY])).report.days[0]!.uniqueChildren).toBe(1);
  });

  it('a pulled participation forgets its session’s day', async () => {
    const session = await startSession(db, { activity: 'music' }, NOON);
    await keepDayFacts(db, [TODAY]);
    const hlc = formatHlc({ ms: NOON, counter: 1, node: 'bbbbbbbbbbbbbbbb' });
    const fields = { sessionId: session.id, childId: 'child-4173KL', deleted: false };
    await applyPullPage(db, { changes: [{ cursor: 1, table: 'participations', id: `${session.id}:child-4173KL`, fields, hlcs: { sessionId: hlc, childId: hlc, deleted: hlc } }], nextCursor: 1, hasMore: false, serverTime: NOON }, NOON);
    expect(await db.dayFacts.count()).toBe(0);
  });

  it('computing without keeping gives the same report', async () => {
    const child = await childIn(4173, NOON);
    await checkOut(db, child.id, NOON + 20 * MINUTE);
    await childIn(4174, NOON + MINUTE);
    const computed = await computeRange(db, [YESTERDAY, TODAY]);
    expect(await db.dayFacts.count()).toBe(0);
    expect(computed.state === 'ready' && computed.report).toEqual((await report([YESTERDAY, TODAY])).report);
  });

  it('a range with no data gives zero figures', async () => {
    const { report: empty } = await report([addDays(TODAY, -3), addDays(TODAY, -2)]);
    expect(empty.days.map((day) => day.uniqueChildren)).toEqual([0, 0]);
    expect(empty.total).toMatchObject({ uniqueChildren: 0, visits: 0, peakAt: null, averageVisitMinutes: null });
  });
});
