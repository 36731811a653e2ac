import { beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { centreDay } from '../../../shared/dates';
import { dayCloseId, participationId } from '../../../shared/ids';
import { checkIn, checkOut } from './attendance';
import { registerChild } from './children';
import { db } from '../db';
import { DayClosedError } from './day-guard';
import { enrolAs } from '../testing';
import {
  addParticipants,
  endSession,
  leaveRunningSession,
  loadRunningSessionByChild,
  loadSessionsOfDay,
  removeParticipant,
  startSession,
  undoSessionChange,
  undoStartSession,
} from './sessions';
import { inWriteTransaction, InvalidWriteError, writeRecord } from '../core/write';

// 10:00 in Paris on a Tuesday.
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const DAY = centreDay(T0, 'Europe/Paris');
const MIN = 60_000;
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

/** Registers and checks in a child at T0; returns its id. */
async function presentChild(serial: number): Promise<string> {
  const { child } = await registerChild(db, issueCode('K', serial), profile, T0);
  await checkIn(db, child.id, T0);
  return child.id;
}

/** The children in the session now: taking part and not left. */
const live = async (sessionId: string) =>
  (await db.participations.where('sessionId').equals(sessionId).toArray())
    .filter((p) => !p.deleted && p.leftAt == null)
    .map((p) => p.childId)
    .sort();

async function closeDay(): Promise<void> {
  await writeRecord(db, 'dayCloses', dayCloseId(DAY), { day: DAY, closedAt: T0 + 60 * MIN, closedBy: 'v1', notes: '', deleted: false }, { create: true, now: T0 });
}

describe('startSession', () => {
  it('starts a session today, now, with a trimmed place', async () => {
    const session = await startSession(db, { activity: 'football', place: '  Pitch  ' }, T0);
    expect(session).toMatchObject({ day: DAY, activity: 'football', startedAt: T0, endedAt: null, place: 'Pitch', deleted: false });
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await db.outbox.count()).toBe(1);
  });

  it('stores no place when the place is blank', async () => {
    const session = await startSession(db, { activity: 'art', place: '   ' }, T0);
    expect(session).not.toHaveProperty('place');
  });

  it.each([
    ['an unknown activity', { activity: 'swimming' }, 'activity'],
    ['an activity the centre switched off', { activity: 'music' }, 'activity'],
    ['a place over 60 characters', { activity: 'art', place: 'x'.repeat(61) }, 'place'],
  ])('refuses %s, naming the field, and stores nothing', async (_case, start, field) => {
    await writeRecord(db, 'settings', 'activityTypes', { value: [{ id: 'art', label: 'Art', active: true }, { id: 'music', label: 'Music', active: false }], deleted: false }, { create: true, now: T0 });
    const opsBefore = await db.outbox.count();
    const attempt = startSession(db, start, T0);
    await expect(attempt).rejects.toThrow(InvalidWriteError);
    await expect(startSession(db, start, T0)).rejects.toThrow(field);
    expect(await db.sessions.count()).toBe(0);
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('Undo deletes the session: it leaves the day', async () => {
    const session = await startSession(db, { activity: 'art' }, T0);
    await undoStartSession(db, session.id, T0 + 1000);
    expect((await db.sessions.get(session.id))?.deleted).toBe(true);
    expect(await loadSessionsOfDay(db, DAY)).toEqual([]);
  });
});

describe('addParticipants', () => {
  it('adds several children present, in one transaction', async () => {
    const [a, b, c] = [await presentChild(4100), await presentChild(4101), await presentChild(4102)];
    const session = await startSession(db, { activity: 'art' }, T0 + MIN);
    const result = await addParticipants(db, session.id, [a, b, c], T0 + 2 * MIN);
    expect(result.added).toEqual([a, b, c]);
    expect(result.moved).toEqual([]);
    expect(await live(session.id)).toEqual([a, b, c].sort());
    expect(await db.participations.get(participationId(session.id, a))).toMatchObject({ sessionId: session.id, childId: a, deleted: false });
  });

  it('is idempotent: adding a child twice (a double tap, two tablets) is one participation', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, session.id, [a, a], T0 + MIN);
    const again = await addParticipants(db, session.id, [a], T0 + 2 * MIN);
    expect(again.added).toEqual([]);
    expect(again.change.before).toEqual([]);
    expect(await db.participations.count()).toBe(1);
  });

  it('re-adding a removed child sets the same participation back', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, session.id, [a], T0 + MIN);
    await removeParticipant(db, session.id, a, T0 + 2 * MIN);
    expect(await live(session.id)).toEqual([]);
    await addParticipants(db, session.id, [a], T0 + 3 * MIN);
    expect(await live(session.id)).toEqual([a]);
    expect(await db.participations.count()).toBe(1);
  });

  it('moves a child from another running session in the same transaction', async () => {
    const [a, b] = [await presentChild(4100), await presentChild(4101)];
    const art = await startSession(db, { activity: 'art' }, T0);
    const football = await startSession(db, { activity: 'football' }, T0 + MIN);
    await addParticipants(db, art.id, [a, b], T0 + 2 * MIN);
    const result = await addParticipants(db, football.id, [a], T0 + 3 * MIN);
    expect(result.moved).toEqual([{ childId: a, fromSessionId: art.id }]);
    expect(await live(art.id)).toEqual([b]);
    expect(await live(football.id)).toEqual([a]);
    expect((await loadRunningSessionByChild(db, DAY)).get(a)).toBe(football.id);
  });

  it('moves nothing when the second write fails: the move and the add commit together', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art' }, T0);
    const football = await startSession(db, { activity: 'football' }, T0 + MIN);
    await addParticipants(db, art.id, [a], T0 + 2 * MIN);
    const opsBefore = await db.outbox.count();
    let ops = 0;
    const failSecond = () => {
      ops += 1;
      if (ops === 2) throw new Error('tab closed mid-move');
    };
    db.outbox.hook('creating', failSecond);
    try {
      await expect(addParticipants(db, football.id, [a], T0 + 3 * MIN)).rejects.toThrow('tab closed');
    } finally {
      db.outbox.hook('creating').unsubscribe(failSecond);
    }
    expect(await live(art.id)).toEqual([a]);
    expect(await live(football.id)).toEqual([]);
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('does not move a child out of an ended session', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, art.id, [a], T0 + MIN);
    await endSession(db, art.id, T0 + 2 * MIN);
    const football = await startSession(db, { activity: 'football' }, T0 + 3 * MIN);
    const result = await addParticipants(db, football.id, [a], T0 + 4 * MIN);
    expect(result.moved).toEqual([]);
    expect(await live(art.id)).toEqual([a]);
  });

  it.each([
    ['a child who is not checked in', 'absent', 'childIds'],
    ['a child who has checked out', 'left', 'childIds'],
    ['no children at all', 'none', 'childIds'],
  ] as const)('refuses %s, naming the field, and stores nothing', async (_case, who, field) => {
    const a = await presentChild(4100);
    const { child: absent } = await registerChild(db, issueCode('K', 4200), profile, T0);
    if (who === 'left') await checkOut(db, a, T0 + MIN);
    const session = await startSession(db, { activity: 'art' }, T0 + MIN);
    const ids = who === 'absent' ? [a, absent.id] : who === 'left' ? [a] : [];
    const opsBefore = await db.outbox.count();
    await expect(addParticipants(db, session.id, ids, T0 + 2 * MIN)).rejects.toThrow(InvalidWriteError);
    await expect(addParticipants(db, session.id, ids, T0 + 2 * MIN)).rejects.toThrow(field);
    expect(await db.participations.count()).toBe(0);
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('refuses an ended session and a session that does not exist', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    await endSession(db, session.id, T0 + MIN);
    await expect(addParticipants(db, session.id, [a], T0 + 2 * MIN)).rejects.toThrow('sessionId: this session has ended');
    await expect(addParticipants(db, 'nope', [a], T0 + 2 * MIN)).rejects.toThrow('sessionId: no such session');
    expect(await db.participations.count()).toBe(0);
  });

  it('Undo of "add 3 children" takes those 3 out and puts a moved child back where they were', async () => {
    const [a, b, c] = [await presentChild(4100), await presentChild(4101), await presentChild(4102)];
    const art = await startSession(db, { activity: 'art' }, T0);
    const football = await startSession(db, { activity: 'football' }, T0 + MIN);
    await addParticipants(db, art.id, [a], T0 + 2 * MIN);
    await addParticipants(db, football.id, [c], T0 + 2 * MIN);
    const result = await addParticipants(db, football.id, [a, b, c], T0 + 3 * MIN);
    expect(result.added).toEqual([a, b]);
    await undoSessionChange(db, result.change, T0 + 4 * MIN);
    expect(await live(art.id)).toEqual([a]);
    expect(await live(football.id)).toEqual([c]);
    expect((await loadRunningSessionByChild(db, DAY)).get(a)).toBe(art.id);
  });
});

describe('removeParticipant, endSession and their Undo', () => {
  it('removes one child; Undo puts them back', async () => {
    const [a, b] = [await presentChild(4100), await presentChild(4101)];
    const session = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, session.id, [a, b], T0 + MIN);
    const change = await removeParticipant(db, session.id, a, T0 + 2 * MIN);
    expect(await live(session.id)).toEqual([b]);
    await undoSessionChange(db, change, T0 + 3 * MIN);
    expect(await live(session.id)).toEqual([a, b].sort());
  });

  it('refuses to remove a child who is not in the session', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    await expect(removeParticipant(db, session.id, a, T0 + MIN)).rejects.toThrow('childId');
  });

  it('ends a session, keeping who took part; Undo makes it run again', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, session.id, [a], T0 + MIN);
    const change = await endSession(db, session.id, T0 + 30 * MIN);
    const [ended] = await loadSessionsOfDay(db, DAY);
    expect(ended).toMatchObject({ state: 'ended', headcount: 1, session: { endedAt: T0 + 30 * MIN } });
    await expect(endSession(db, session.id, T0 + 31 * MIN)).rejects.toThrow('ended');
    await undoSessionChange(db, change, T0 + 32 * MIN);
    const [again] = await loadSessionsOfDay(db, DAY);
    expect(again).toMatchObject({ state: 'running', headcount: 1, session: { endedAt: null } });
  });

  it('never ends a session before it started (a tablet clock behind)', async () => {
    const session = await startSession(db, { activity: 'art' }, T0);
    await endSession(db, session.id, T0 - 5 * MIN);
    expect((await db.sessions.get(session.id))?.endedAt).toBe(T0);
  });
});

describe('leaveRunningSession', () => {
  it('takes a child out of their running session, inside the caller’s transaction', async () => {
    const [a, b] = [await presentChild(4100), await presentChild(4101)];
    const session = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, session.id, [a, b], T0 + MIN);
    // Joins an outer transaction, as checkOut calls it (checkOut's own use is tested in attendance.test.ts).
    const change = await inWriteTransaction(db, async () => {
      await db.children.get(a);
      return leaveRunningSession(db, a, T0 + 2 * MIN);
    });
    expect(await live(session.id)).toEqual([b]);
    expect(change?.before).toEqual([{ table: 'participations', id: participationId(session.id, a), fields: { leftAt: null } }]);
    // They left, but they took part: the participation stays, with the time they left.
    expect(await db.participations.get(participationId(session.id, a))).toMatchObject({ deleted: false, leftAt: T0 + 2 * MIN });
  });

  it('rolls back with the caller’s transaction', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    await addParticipants(db, session.id, [a], T0 + MIN);
    await expect(
      inWriteTransaction(db, async () => {
        await leaveRunningSession(db, a, T0 + 2 * MIN);
        throw new Error('checkout failed');
      }),
    ).rejects.toThrow('checkout failed');
    expect(await live(session.id)).toEqual([a]);
  });

  it('does nothing (null) for a child in no running session', async () => {
    const a = await presentChild(4100);
    const opsBefore = await db.outbox.count();
    expect(await leaveRunningSession(db, a, T0 + MIN)).toBeNull();
    expect(await db.outbox.count()).toBe(opsBefore);
  });
});

describe('a closed day', () => {
  it('is read-only for a volunteer: every action is refused and nothing is stored', async () => {
    const a = await presentChild(4100);
    const session = await startSession(db, { activity: 'art' }, T0);
    const added = await addParticipants(db, session.id, [a], T0 + MIN);
    await closeDay();
    await enrolAs(db, 'volunteer');
    const opsBefore = await db.outbox.count();
    await expect(startSession(db, { activity: 'art' }, T0 + 2 * MIN)).rejects.toThrow(DayClosedError);
    await expect(addParticipants(db, session.id, [a], T0 + 2 * MIN)).rejects.toThrow(DayClosedError);
    await expect(removeParticipant(db, session.id, a, T0 + 2 * MIN)).rejects.toThrow(DayClosedError);
    await expect(endSession(db, session.id, T0 + 2 * MIN)).rejects.toThrow(DayClosedError);
    await expect(leaveRunningSession(db, a, T0 + 2 * MIN)).rejects.toThrow(DayClosedError);
    await expect(undoSessionChange(db, added.change, T0 + 2 * MIN)).rejects.toThrow(DayClosedError);
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('stays writable for a lead', async () => {
    const a = await presentChild(4100);
    await closeDay();
    await enrolAs(db, 'lead');
    const session = await startSession(db, { activity: 'art' }, T0 + MIN);
    await addParticipants(db, session.id, [a], T0 + 2 * MIN);
    await endSession(db, session.id, T0 + 3 * MIN);
    expect(await loadSessionsOfDay(db, DAY)).toMatchObject([{ state: 'ended', headcount: 1 }]);
  });
});

describe('loadSessionsOfDay', () => {
  it('lists running sessions first with participants by code; a child on two tablets counts once', async () => {
    const [a, b] = [await presentChild(4101), await presentChild(4100)];
    const art = await startSession(db, { activity: 'art' }, T0);
    const football = await startSession(db, { activity: 'football' }, T0 + MIN);
    await addParticipants(db, art.id, [a, b], T0 + 2 * MIN);
    // Another tablet, offline, put child a in football too, later: its op arrives as a plain write.
    await writeRecord(db, 'participations', participationId(football.id, a), { sessionId: football.id, childId: a, deleted: false }, { create: true, now: T0 + 5 * MIN });
    await endSession(db, art.id, T0 + 10 * MIN);
    const otherDay = await startSession(db, { activity: 'art' }, T0 + 24 * 60 * MIN);
    const views = await loadSessionsOfDay(db, DAY);
    expect(views.map((v) => [v.session.activity, v.state, v.participants.map((c) => c.code?.slice(0, 4))])).toEqual([
      ['football', 'running', ['4101']],
      ['art', 'ended', ['4100', '4101']],
    ]);
    expect(views.some((v) => v.session.id === otherDay.id)).toBe(false);
  });

  it('counts a child in only the later-written of two running sessions', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art' }, T0);
    const football = await startSession(db, { activity: 'football' }, T0 + MIN);
    await writeRecord(db, 'participations', participationId(football.id, a), { sessionId: football.id, childId: a, deleted: false }, { create: true, now: T0 + 2 * MIN });
    await writeRecord(db, 'participations', participationId(art.id, a), { sessionId: art.id, childId: a, deleted: false }, { create: true, now: T0 + 3 * MIN });
    const views = await loadSessionsOfDay(db, DAY);
    expect(views.map((v) => [v.session.activity, v.headcount])).toEqual([
      ['art', 1],
      ['football', 0],
    ]);
    // Adding them to football again moves them there for good: they leave art.
    await addParticipants(db, football.id, [a], T0 + 4 * MIN);
    expect(await live(art.id)).toEqual([]);
    expect((await loadRunningSessionByChild(db, DAY)).get(a)).toBe(football.id);
  });
});
