import { beforeEach, describe, expect, it } from 'vitest';
import { childIdFromCode } from '../../../shared/codes';
import { centreDay } from '../../../shared/dates';
import { DaybookDatabase } from '../core/database';
import { copyRecords, enrolAs } from '../testing';
import { checkIn, checkOut } from './attendance';
import { giveNewCode, keepAsSameChild, loadCodeClashes, moveLateVisits, undoNewCode, undoSameChild } from './code-clashes';
import { registerAndCheckIn, registerChild } from './children';
import { loadPresentChildren } from './presence';
import { addParticipants, loadSessionsOfDay, startSession } from './sessions';

const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);
const DAY = centreDay(NOON, 'Europe/Paris');
const MINUTE = 60_000;
const CODE = '4173KL';
const girl = { ageBand: '6-8', gender: 'girl', languages: ['ar'] } as const;
const boy = { ageBand: '3-5', gender: 'boy', languages: [] } as const;

let count = 0;
let lead: DaybookDatabase;
let other: DaybookDatabase;

beforeEach(async () => {
  count += 1;
  lead = new DaybookDatabase(`clash-lead-${count}`);
  other = new DaybookDatabase(`clash-other-${count}`);
  await Promise.all([lead.open(), other.open()]);
});

async function bothWays() {
  await copyRecords(other, lead);
  await copyRecords(lead, other);
}

/** Two children registered under one code on two tablets, each checked in there. */
async function twoChildrenOneCode() {
  await registerAndCheckIn(lead, CODE, girl, NOON);
  await registerAndCheckIn(other, CODE, boy, NOON + MINUTE);
  await bothWays();
}

describe('a code that reached two children', () => {
  it('is one merged record, and both registrations show as a clash with the visits each tablet recorded', async () => {
    await twoChildrenOneCode();
    expect(await lead.children.count()).toBe(1);
    const [clash, ...more] = await loadCodeClashes(lead);
    expect(more).toEqual([]);
    expect(clash).toMatchObject({ childId: childIdFromCode(CODE), code: CODE });
    expect(clash!.registrations.map((r) => [r.ageBand, r.gender, r.visits])).toEqual([
      ['6-8', 'girl', 1],
      ['3-5', 'boy', 1],
    ]);
    // Every replica sees it: the other tablet too.
    expect(await loadCodeClashes(other)).toHaveLength(1);
  });

  it('is no clash when the same child is registered on two tablets', async () => {
    await registerAndCheckIn(lead, CODE, girl, NOON);
    await registerAndCheckIn(other, CODE, { ...girl, languages: ['fa'] }, NOON + MINUTE);
    await bothWays();
    expect(await loadCodeClashes(lead)).toEqual([]);
  });

  it('gives one of them a new code: their visit and session move with them, nothing is lost', async () => {
    await twoChildrenOneCode();
    const session = await startSession(other, { activity: 'art' }, NOON + 2 * MINUTE);
    await addParticipants(other, session.id, [childIdFromCode(CODE)], NOON + 3 * MINUTE);
    await bothWays();
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;

    const given = await giveNewCode(lead, boys.id, NOON + 10 * MINUTE, () => 0.25);
    expect(given.visitsMoved).toBe(1);
    expect(given.code).not.toBe(CODE);
    expect(await loadCodeClashes(lead)).toEqual([]);

    const kept = await lead.children.get(childIdFromCode(CODE));
    const moved = await lead.children.get(given.childId);
    expect(kept).toMatchObject({ code: CODE, ageBand: '6-8', gender: 'girl', languages: ['ar'] });
    expect(moved).toMatchObject({ code: given.code, ageBand: '3-5', gender: 'boy', deleted: false });
    // Both children are here, each once: two visits, not one, and none lost.
    expect((await loadPresentChildren(lead, DAY)).map((entry) => entry.child.code).sort()).toEqual([CODE, given.code].sort());
    const [view] = await loadSessionsOfDay(lead, DAY);
    expect(view!.participants.map((child) => child.code)).toEqual([given.code]);

    // The other tablet converges on the same answer.
    await bothWays();
    expect(await loadCodeClashes(other)).toEqual([]);
    expect((await loadPresentChildren(other, DAY)).map((entry) => entry.child.code).sort()).toEqual([CODE, given.code].sort());
  });

  it('moves the visits the other tablet recorded offline before it heard the answer, once', async () => {
    await twoChildrenOneCode();
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;
    // The other tablet, offline, checks "its" child out and in again.
    await checkOut(other, childIdFromCode(CODE), NOON + 5 * MINUTE);
    await checkIn(other, childIdFromCode(CODE), NOON + 6 * MINUTE);
    // Later, the lead (who has not heard of those taps) gives the boy a new code.
    const given = await giveNewCode(lead, boys.id, NOON + 10 * MINUTE, () => 0.25);
    await bothWays();
    // Both tablets run the late move after their sync; the derived ids make it one move.
    expect(await moveLateVisits(other, NOON + 20 * MINUTE)).toBe(1);
    expect(await moveLateVisits(lead, NOON + 20 * MINUTE)).toBe(1);
    await bothWays();
    expect(await moveLateVisits(lead, NOON + 21 * MINUTE)).toBe(0);
    const events = (await lead.attendance.where('childId').equals(given.childId).toArray()).filter((event) => !event.deleted);
    expect(events.sort((a, b) => a.at! - b.at!).map((event) => event.kind)).toEqual(['in', 'out', 'in']);
    expect((await lead.attendance.where('childId').equals(childIdFromCode(CODE)).toArray()).filter((event) => !event.deleted)).toHaveLength(1);
    // A tap the other tablet makes once it has heard the answer is for the child who kept the code.
    await checkOut(other, childIdFromCode(CODE), NOON + 30 * MINUTE);
    await bothWays();
    expect(await moveLateVisits(lead, NOON + 31 * MINUTE)).toBe(0);
  });

  it('is taken back whole by Undo of a new code: the clash, the one record and its visits as before', async () => {
    await twoChildrenOneCode();
    const session = await startSession(other, { activity: 'art' }, NOON + 2 * MINUTE);
    await addParticipants(other, session.id, [childIdFromCode(CODE)], NOON + 3 * MINUTE);
    await bothWays();
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;
    const given = await giveNewCode(lead, boys.id, NOON + 10 * MINUTE, () => 0.25);
    await undoNewCode(lead, given.registrationId, NOON + 11 * MINUTE);
    expect(await loadCodeClashes(lead)).toHaveLength(1);
    expect((await lead.children.get(given.childId))?.deleted).toBe(true);
    expect((await loadPresentChildren(lead, DAY)).map((entry) => entry.child.code)).toEqual([CODE]);
    const [view] = await loadSessionsOfDay(lead, DAY);
    expect(view!.participants.map((child) => child.code)).toEqual([CODE]);
  });

  it('moves a visit whole: begun on the registering tablet, ended on another, it follows the new code', async () => {
    // The girl comes and goes on the lead's tablet; then the boy comes, registered on the other.
    await registerAndCheckIn(lead, CODE, girl, NOON);
    await checkOut(lead, childIdFromCode(CODE), NOON + 2 * MINUTE);
    await registerAndCheckIn(other, CODE, boy, NOON + 3 * MINUTE);
    await bothWays();
    // The boy is checked out on the lead's tablet: a visit begun on one tablet, ended on another.
    await checkOut(lead, childIdFromCode(CODE), NOON + 5 * MINUTE);
    await bothWays();
    const [clash] = await loadCodeClashes(lead);
    const given = await giveNewCode(lead, clash!.registrations.find((r) => r.gender === 'boy')!.id, NOON + 10 * MINUTE, () => 0.25);
    const kinds = async (childId: string) =>
      (await lead.attendance.where('childId').equals(childId).toArray())
        .filter((event) => !event.deleted)
        .sort((a, b) => a.at! - b.at!)
        .map((event) => event.kind);
    expect(await kinds(given.childId)).toEqual(['in', 'out']);
    expect(await kinds(childIdFromCode(CODE))).toEqual(['in', 'out']);
    expect(await loadPresentChildren(lead, DAY)).toEqual([]);
  });

  it('moves the taps the registering tablet made before it heard the answer, even after the answer in the lead’s time', async () => {
    await twoChildrenOneCode();
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;
    const given = await giveNewCode(lead, boys.id, NOON + 10 * MINUTE, () => 0.25);
    // Offline all along, the other tablet checks "its" child out at 20 and in again at 30.
    await checkOut(other, childIdFromCode(CODE), NOON + 20 * MINUTE);
    await checkIn(other, childIdFromCode(CODE), NOON + 30 * MINUTE);
    // It hears the answer (a pull), and moves those taps after the sync.
    await copyRecords(lead, other);
    expect(await moveLateVisits(other, NOON + 31 * MINUTE)).toBe(1);
    await bothWays();
    await moveLateVisits(lead, NOON + 32 * MINUTE);
    await bothWays();
    const on = async (childId: string) => (await lead.attendance.where('childId').equals(childId).toArray()).filter((event) => !event.deleted).length;
    expect(await on(given.childId)).toBe(3);
    expect(await on(childIdFromCode(CODE))).toBe(1);
  });

  it('is answered once when two leads answer it at once: one new child, every visit once', async () => {
    await twoChildrenOneCode();
    await enrolAs(other, 'lead');
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;
    const first = await giveNewCode(lead, boys.id, NOON + 10 * MINUTE, () => 0.25);
    const second = await giveNewCode(other, boys.id, NOON + 11 * MINUTE, () => 0.75);
    expect(first.code).not.toBe(second.code);
    await bothWays();
    for (const tablet of [lead, other]) await moveLateVisits(tablet, NOON + 20 * MINUTE);
    await bothWays();
    for (const tablet of [lead, other]) {
      const children = (await tablet.children.toArray()).filter((child) => !child.deleted);
      expect(children).toHaveLength(2);
      const checkIns = (await tablet.attendance.toArray()).filter((event) => !event.deleted && event.kind === 'in');
      expect(checkIns).toHaveLength(2);
      expect(new Set(checkIns.map((event) => event.childId)).size).toBe(2);
      expect(await loadCodeClashes(tablet)).toEqual([]);
    }
  });

  it('is taken back whole by Undo even after a sync moved late visits', async () => {
    await twoChildrenOneCode();
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;
    await checkOut(other, childIdFromCode(CODE), NOON + 5 * MINUTE);
    const given = await giveNewCode(lead, boys.id, NOON + 10 * MINUTE, () => 0.25);
    await copyRecords(other, lead);
    expect(await moveLateVisits(lead, NOON + 12 * MINUTE)).toBe(0);
    await undoNewCode(lead, given.registrationId, NOON + 13 * MINUTE);
    const live = (await lead.attendance.toArray()).filter((event) => !event.deleted);
    expect(live.every((event) => event.childId === childIdFromCode(CODE))).toBe(true);
    expect(live.map((event) => event.kind).sort()).toEqual(['in', 'in', 'out']);
    expect(await loadCodeClashes(lead)).toHaveLength(1);
  });

  it('keeps them as the same child with the profile the lead chooses, moving nothing', async () => {
    await twoChildrenOneCode();
    const [clash] = await loadCodeClashes(lead);
    const boys = clash!.registrations.find((r) => r.gender === 'boy')!;
    const revert = await keepAsSameChild(lead, boys.id, NOON + 10 * MINUTE);
    expect(await loadCodeClashes(lead)).toEqual([]);
    expect(await lead.children.get(childIdFromCode(CODE))).toMatchObject({ ageBand: '3-5', gender: 'boy' });
    expect(await lead.attendance.count()).toBe(2);
    await undoSameChild(lead, revert, NOON + 11 * MINUTE);
    expect(await loadCodeClashes(lead)).toHaveLength(1);
  });

  it('is answered only by a lead', async () => {
    await twoChildrenOneCode();
    await enrolAs(lead, 'volunteer');
    const [clash] = await loadCodeClashes(lead);
    await expect(giveNewCode(lead, clash!.registrations[1]!.id, NOON + 10 * MINUTE)).rejects.toMatchObject({ problem: 'lead-only' });
    await expect(keepAsSameChild(lead, clash!.registrations[1]!.id, NOON + 10 * MINUTE)).rejects.toMatchObject({ problem: 'lead-only' });
    expect(await lead.children.count()).toBe(1);
  });

  it('writes no registration row when a code already registered here is registered again', async () => {
    await registerChild(lead, CODE, girl, NOON);
    await registerChild(lead, CODE, boy, NOON + MINUTE);
    expect(await lead.registrations.count()).toBe(1);
    expect(await lead.children.get(childIdFromCode(CODE))).toMatchObject({ gender: 'girl' });
  });
});
