import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { atLocalTime } from '../../../shared/dates';
import { DaybookDatabase } from '../core/database';
import { copyRecords, enrolAs } from '../testing';
import { applyPullPage } from '../../sync/apply-page';
import { toReplica } from '../core/replica';
import { checkIn, checkOut } from './attendance';
import { registerChild } from './children';
import { eraseChild } from './erasure';
import { addParticipants, startSession } from './sessions';
import { computeRange } from './summary';
import { writeRecord } from '../core/write';

const TZ = 'Europe/Paris';
const DAYS = ['2026-11-23', '2026-11-24'];
const at = (day: string, hhmm: string) => atLocalTime(day, hhmm, TZ);
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

let lead: DaybookDatabase;
let other: DaybookDatabase;
let names = 0;

beforeEach(async () => {
  names += 1;
  lead = new DaybookDatabase(`erasure-lead-${names}`);
  other = new DaybookDatabase(`erasure-other-${names}`);
  await Promise.all([lead.open(), other.open()]);
  await enrolAs(lead, 'lead');
  await enrolAs(other, 'volunteer');
});

afterEach(async () => {
  await Promise.all([lead.delete(), other.delete()]);
});

/** Two days at the centre: three children, one of them (serial 7) in a session on the second. */
async function twoDays(database: DaybookDatabase): Promise<string> {
  const ids: string[] = [];
  for (const serial of [4105, 4106, 4107]) {
    const { child } = await registerChild(database, issueCode('K', serial), { ...profile, ageBand: serial === 4107 ? '9-12' : '6-8' }, at(DAYS[0]!, '09:00'));
    ids.push(child.id);
  }
  // Each child is in for 45 minutes from 10:00, 11:00 and 12:00; on the second day the third
  // joins art at 12:10.
  for (const day of DAYS) {
    for (const [i, id] of ids.entries()) await checkIn(database, id, at(day, `1${i}:00`));
    if (day === DAYS[1]) {
      const session = await startSession(database, { activity: 'art' }, at(day, '12:05'));
      await addParticipants(database, session.id, [ids[2]!], at(day, '12:10'));
    }
    for (const [i, id] of ids.entries()) await checkOut(database, id, at(day, `1${i}:45`));
  }
  return ids[2]!;
}

async function figures(database: DaybookDatabase) {
  const view = await computeRange(database, DAYS);
  if (view.state !== 'ready') throw new Error('not ready');
  return view.report;
}

async function heldOf(database: DaybookDatabase, childId: string) {
  const [child, attendance, participations, registrations] = await Promise.all([
    database.children.get(childId),
    database.attendance.where('childId').equals(childId).count(),
    database.participations.where('childId').equals(childId).count(),
    database.registrations.where('childId').equals(childId).count(),
  ]);
  return { child: child !== undefined, attendance, participations, registrations };
}

describe('erasing a child', () => {
  it('deletes the child, their visits and sessions from the lead\u2019s tablet, and keeps every day\u2019s figures', async () => {
    const erased = await twoDays(lead);
    const before = await figures(lead);
    expect(await heldOf(lead, erased)).toEqual({ child: true, attendance: 4, participations: 1, registrations: 1 });

    const removed = await eraseChild(lead, erased, at(DAYS[1]!, '17:00'));

    expect(removed).toMatchObject({ attendance: 4, participations: 1, children: 1, registrations: 1 });
    expect(await heldOf(lead, erased)).toEqual({ child: false, attendance: 0, participations: 0, registrations: 0 });
    const after = await figures(lead);
    expect(after.days).toEqual(before.days);
    expect(after.total.uniqueChildren).toBe(3);
    // The erasure goes to the server; the child's own ops still waiting (their code, their times) do not.
    const outbox = await lead.outbox.toArray();
    expect(outbox.filter((op) => op.table === 'erasures').map((op) => op.id)).toEqual([erased]);
    expect(outbox.some((op) => op.id === erased && op.table === 'children')).toBe(false);
    expect(outbox.some((op) => op.fields['childId'] === erased)).toBe(false);
    // Nothing kept to correct the figures names the child or their code.
    expect(JSON.stringify(await lead.dayCorrections.toArray())).not.toMatch(new RegExp(`${erased}|K-?4107`));
  });

  it('is for a lead only', async () => {
    const erased = await twoDays(other);
    await expect(eraseChild(other, erased)).rejects.toMatchObject({ problem: 'lead-only' });
    expect(await heldOf(other, erased)).toMatchObject({ child: true, attendance: 4 });
  });

  it('reaches a tablet that holds the child\u2019s records when it pulls the erasure, its waiting taps too', async () => {
    const erased = await twoDays(lead);
    await copyRecords(lead, other);
    // The other tablet, offline, checks the child in once more before it hears of the erasure.
    await checkIn(other, erased, at(DAYS[1]!, '16:00'));
    await checkOut(other, erased, at(DAYS[1]!, '16:10'));
    const before = await figures(other);
    await eraseChild(lead, erased, at(DAYS[1]!, '17:00'));
    const erasure = await lead.erasures.get(erased);
    const { fields, hlcs } = toReplica(erasure!);

    await applyPullPage(other, { changes: [{ cursor: 1000, table: 'erasures', id: erased, fields, hlcs }], nextCursor: 1000, hasMore: false, serverTime: Date.now() }, Date.now());

    expect(await heldOf(other, erased)).toEqual({ child: false, attendance: 0, participations: 0, registrations: 0 });
    expect((await other.outbox.toArray()).some((op) => op.fields['childId'] === erased || op.id === erased)).toBe(false);
    expect((await figures(other)).days).toEqual(before.days);
    // A page that still names the child (an old one, replayed) brings nothing of them back.
    const { fields: childFields, hlcs: childHlcs } = { fields: { code: issueCode('K', 4107), ageBand: '9-12', gender: 'girl', languages: [], registeredOn: DAYS[0]!, deleted: false }, hlcs: {} as Record<string, string> };
    for (const key of Object.keys(childFields)) childHlcs[key] = '9999999999999-0000-aaaaaaaaaaaaaaaa';
    await applyPullPage(other, { changes: [{ cursor: 1001, table: 'children', id: erased, fields: childFields, hlcs: childHlcs }], nextCursor: 1001, hasMore: false, serverTime: Date.now() }, Date.now());
    expect(await other.children.get(erased)).toBeUndefined();
  });

  it('leaves the code unusable: registering it again tells the volunteer to give a new card', async () => {
    const erased = await twoDays(lead);
    await eraseChild(lead, erased, at(DAYS[1]!, '17:00'));
    await expect(registerChild(lead, issueCode('K', 4107), profile, at(DAYS[1]!, '17:30'))).rejects.toMatchObject({ problem: 'code-erased' });
    expect(await lead.children.get(erased)).toBeUndefined();
  });

  it('keeps a late tap of another child on that day in the figures', async () => {
    const erased = await twoDays(lead);
    await eraseChild(lead, erased, at(DAYS[1]!, '17:00'));
    const before = await figures(lead);
    const { child } = await registerChild(lead, issueCode('K', 4109), profile, at(DAYS[1]!, '17:10'));
    await writeRecord(lead, 'attendance', 'late-in', { childId: child.id, day: DAYS[0]!, kind: 'in', at: at(DAYS[0]!, '15:00'), deleted: false }, { create: true });
    const after = await figures(lead);
    expect(after.days[0]!.uniqueChildren).toBe(before.days[0]!.uniqueChildren + 1);
    expect(after.days[0]!.visits).toBe(before.days[0]!.visits + 1);
  });
});
