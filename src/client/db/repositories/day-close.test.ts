import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { atLocalTime } from '../../../shared/dates';
import { checkIn, checkOut } from './attendance';
import { registerChild } from './children';
import {
  CheckOutTimeError,
  checkOutTimeProblem,
  closeDay,
  loadDaysToClose,
  loadSignOffVolunteers,
  loadStillCheckedIn,
  reopenDay,
  undoCloseDay,
  undoReopenDay,
} from './day-close';
import { DayClosedError, loadDayClose } from './day-guard';
import { db } from '../db';
import { enrolAs } from '../testing';
import { addParticipants, loadRunningSessionByChild, loadSessionsOfDay, startSession } from './sessions';
import { loadOnDuty, loadPresentChildren } from './presence';
import { signOn } from './shifts';
import { InvalidWriteError, writeRecord } from '../core/write';

const TZ = 'Europe/Paris';
const DAY = '2026-11-24';
const at = (hhmm: string, day = DAY) => atLocalTime(day, hhmm, TZ);
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

afterEach(() => {
  db.outbox.hook('creating').unsubscribe(failThirdOp);
});

let opsSeen = 0;
function failThirdOp(): void {
  opsSeen += 1;
  if (opsSeen === 3) throw new Error('tablet battery died mid-close');
}

async function volunteer(id: string, displayName: string, active = true): Promise<string> {
  await writeRecord(db, 'volunteers', id, { displayName, active, deleted: false }, { create: true, now: at('08:00') });
  return id;
}

async function child(serial: number, inAt: string, day = DAY): Promise<string> {
  const { child: record } = await registerChild(db, issueCode('K', serial), profile, at(inAt, day));
  await checkIn(db, record.id, at(inAt, day));
  return record.id;
}

async function counts() {
  return { attendance: await db.attendance.count(), closes: await db.dayCloses.count(), outbox: await db.outbox.count() };
}

describe('checkOutTimeProblem', () => {
  const now = at('19:00');
  it.each([
    ['a time on the day, after every check-in', at('18:00'), at('17:00'), null],
    ['the same minute as the last check-in', at('17:00'), at('17:00'), null],
    ['no child still in', at('18:00'), null, null],
    ['exactly now', now, null, null],
    ['the day before', at('18:00', '2026-11-23'), null, 'other-day'],
    ['the day after', at('09:00', '2026-11-25'), null, 'other-day'],
    ['later today than now', at('20:00'), null, 'future'],
    ['before a child still in checked in', at('16:59'), at('17:00'), 'before-check-in'],
    ['not a number', Number.NaN, null, 'not-a-time'],
    ['a fraction of a millisecond', at('18:00') + 0.5, null, 'not-a-time'],
    ['zero', 0, null, 'not-a-time'],
  ] as const)('%s -> %s', (_case, checkOutAt, lastEventAt, problem) => {
    expect(checkOutTimeProblem({ day: DAY, checkOutAt, now, timeZone: TZ, lastEventAt })).toBe(problem);
  });
});

describe('closeDay', () => {
  it('checks out every child still in at the chosen time and writes the close, in one transaction', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    const b = await child(4101, '11:00');
    const gone = await child(4102, '12:00');
    await checkOut(db, gone, at('13:00'));
    const before = await counts();

    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), notes: '  Rain, early finish  ', closedBy: lead }, at('18:30'));

    expect(closing.checkedOut.map((entry) => entry.childId).sort()).toEqual([a, b].sort());
    for (const { childId, eventId } of closing.checkedOut) {
      expect(await db.attendance.get(eventId)).toMatchObject({ childId, day: DAY, kind: 'out', at: at('18:00'), deleted: false });
    }
    expect(await loadPresentChildren(db, DAY)).toEqual([]);
    expect(await db.dayCloses.get(`day-${DAY}`)).toMatchObject({ day: DAY, closedAt: at('18:30'), closedBy: lead, notes: 'Rain, early finish', deleted: false });
    expect(await loadDayClose(db, DAY)).toMatchObject({ closedBy: lead });
    // Two check-outs and the close, each with its outbox op.
    expect(await counts()).toEqual({ attendance: before.attendance + 2, closes: 1, outbox: before.outbox + 3 });
  });

  it('takes the children out of running sessions, even when closing the day before', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    const b = await child(4101, '10:00');
    const session = await startSession(db, { activity: 'art' }, at('10:30'));
    await addParticipants(db, session.id, [a, b], at('10:31'));
    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('08:00', '2026-11-25'));
    expect(closing.sessionChanges).toHaveLength(2);
    expect((await loadRunningSessionByChild(db, DAY)).size).toBe(0);

    await undoCloseDay(db, closing, at('08:01', '2026-11-25'));
    expect(await loadRunningSessionByChild(db, DAY)).toEqual(new Map([[a, session.id], [b, session.id]]));
  });

  it('ends the running sessions and signs the volunteers still on duty off at the closing time; Undo restores both', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const jo = await volunteer('v-jo', 'Jo');
    await signOn(db, lead, at('09:00'));
    await signOn(db, jo, at('09:30'));
    const a = await child(4100, '10:00');
    const art = await startSession(db, { activity: 'art' }, at('10:30'));
    await addParticipants(db, art.id, [a], at('10:31'));
    const football = await startSession(db, { activity: 'football' }, at('11:00'));

    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:30'));

    expect(await loadOnDuty(db, DAY)).toEqual([]);
    expect(closing.signedOff.map((entry) => entry.volunteerId).sort()).toEqual([jo, lead].sort());
    for (const { eventId } of closing.signedOff) expect(await db.shifts.get(eventId)).toMatchObject({ kind: 'off', at: at('18:00'), day: DAY });
    const views = await loadSessionsOfDay(db, DAY);
    expect(views.map((view) => [view.session.id, view.state, view.session.endedAt])).toEqual(
      expect.arrayContaining([
        [art.id, 'ended', at('18:00')],
        [football.id, 'ended', at('18:00')],
      ]),
    );
    // The child took part in art: ending it keeps them among its participants.
    expect(views.find((view) => view.session.id === art.id)?.participants.map((c) => c.id)).toEqual([a]);

    await undoCloseDay(db, closing, at('18:31'));
    expect((await loadOnDuty(db, DAY)).map((entry) => entry.volunteer.id).sort()).toEqual([jo, lead].sort());
    expect((await loadSessionsOfDay(db, DAY)).map((view) => view.state)).toEqual(['running', 'running']);
    expect(await loadRunningSessionByChild(db, DAY)).toEqual(new Map([[a, art.id]]));
  });

  it('refuses a closing time before the sign-on of a volunteer still on duty, storing nothing', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await signOn(db, lead, at('17:00'));
    const before = await counts();
    await expect(closeDay(db, { day: DAY, checkOutAt: at('16:00'), closedBy: lead }, at('18:30'))).rejects.toMatchObject({ timeProblem: 'before-sign-on' });
    expect(await counts()).toEqual(before);
    expect(await loadOnDuty(db, DAY)).toHaveLength(1);
  });

  it('closes a day with nobody left in, notes optional', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    expect(closing.checkedOut).toEqual([]);
    expect(await loadDayClose(db, DAY)).toMatchObject({ notes: '', closedAt: at('18:00') });
  });

  it('closes an earlier day the next morning, checking out on that day', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('09:00', '2026-11-25'));
    expect(await db.attendance.get(closing.checkedOut[0]!.eventId)).toMatchObject({ childId: a, day: DAY, at: at('18:00') });
  });

  it('stores nothing when the transaction fails part-way', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await child(4100, '10:00');
    await child(4101, '11:00');
    const before = await counts();
    opsSeen = 0;
    db.outbox.hook('creating', failThirdOp);
    await expect(closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:30'))).rejects.toThrow('battery');
    expect(await counts()).toEqual(before);
    expect(await loadPresentChildren(db, DAY)).toHaveLength(2);
  });

  it.each([
    ['on the day before', () => at('18:00', '2026-11-23'), 'other-day'],
    ['in the future', () => at('20:00'), 'future'],
    ['before a check-in of a child still in', () => at('11:30'), 'before-check-in'],
  ] as const)('refuses a check-out time %s, naming checkOutAt, and stores nothing', async (_case, checkOutAt, problem) => {
    const lead = await volunteer('v-amira', 'Amira');
    await child(4100, '10:00');
    await child(4101, '12:00');
    const before = await counts();
    const attempt = closeDay(db, { day: DAY, checkOutAt: checkOutAt(), closedBy: lead }, at('19:00'));
    await expect(attempt).rejects.toThrow(CheckOutTimeError);
    await expect(closeDay(db, { day: DAY, checkOutAt: checkOutAt(), closedBy: lead }, at('19:00'))).rejects.toMatchObject({ timeProblem: problem, message: expect.stringMatching(/^checkOutAt: /) as unknown });
    expect(await counts()).toEqual(before);
  });

  it('judges "before a check-in" by the latest event: a second check-in from another tablet counts', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    await checkIn(db, a, at('15:00'));
    expect(await loadStillCheckedIn(db, DAY)).toEqual([{ childId: a, since: at('10:00'), lastEventAt: at('15:00') }]);
    await expect(closeDay(db, { day: DAY, checkOutAt: at('14:00'), closedBy: lead }, at('19:00'))).rejects.toMatchObject({ timeProblem: 'before-check-in' });
  });

  it('rolls back rather than leave a child in whose check-in, at the same instant, sorts after the check-out', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    await checkOut(db, a, at('12:00'));
    // Another tablet, its clock far ahead, checked the child in again: its id sorts after ours.
    await writeRecord(db, 'attendance', 'ffffffff-ffff-7fff-bfff-ffffffffffff', { childId: a, day: DAY, kind: 'in', at: at('17:00'), deleted: false }, { create: true, now: at('17:00') });
    const before = await counts();
    await expect(closeDay(db, { day: DAY, checkOutAt: at('17:00'), closedBy: lead }, at('18:00'))).rejects.toMatchObject({ timeProblem: 'before-check-in' });
    expect(await counts()).toEqual(before);
    await expect(closeDay(db, { day: DAY, checkOutAt: at('17:01'), closedBy: lead }, at('18:00'))).resolves.toMatchObject({ checkedOut: [{ childId: a }] });
  });

  it.each([
    ['no lead chosen', { closedBy: '' }, 'closedBy'],
    ['a lead who is not a volunteer here', { closedBy: 'v-nobody' }, 'closedBy'],
    ['notes over 500 characters', { notes: 'x'.repeat(501) }, 'notes'],
    ['a day that is not a date', { day: '2026-11-31' }, 'day'],
  ] as const)('refuses %s, naming %s, and stores nothing', async (_case, change, field) => {
    const lead = await volunteer('v-amira', 'Amira');
    await child(4100, '10:00');
    const before = await counts();
    await expect(closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead, ...change }, at('19:00'))).rejects.toThrow(new RegExp(`^${field}: `));
    expect(await counts()).toEqual(before);
  });

  it('refuses a volunteer device, and stores nothing', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await child(4100, '10:00');
    await enrolAs(db, 'volunteer');
    const before = await counts();
    await expect(closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('19:00'))).rejects.toThrow(InvalidWriteError);
    await expect(closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('19:00'))).rejects.toThrow(/only a lead/);
    expect(await counts()).toEqual(before);
  });

  it('refuses to close a day twice', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    await expect(closeDay(db, { day: DAY, checkOutAt: at('18:10'), closedBy: lead }, at('18:10'))).rejects.toThrow(/already closed/);
  });
});

describe('reopening and undo', () => {
  it('reopens a closed day: the close is deleted, the check-outs stay, volunteers can write again', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    await enrolAs(db, 'volunteer');
    await expect(checkIn(db, a, at('18:10'))).rejects.toThrow(DayClosedError);

    await enrolAs(db, 'lead');
    await reopenDay(db, DAY, at('18:20'));
    expect(await db.dayCloses.get(`day-${DAY}`)).toMatchObject({ deleted: true });
    expect(await loadDayClose(db, DAY)).toBeUndefined();
    expect(await loadPresentChildren(db, DAY)).toEqual([]);
    await enrolAs(db, 'volunteer');
    await expect(checkIn(db, a, at('18:30'))).resolves.toMatchObject({ kind: 'in' });
  });

  it('undoes a reopen: the day is closed again', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    await reopenDay(db, DAY, at('18:20'));
    await undoReopenDay(db, DAY, at('18:21'));
    expect(await loadDayClose(db, DAY)).toMatchObject({ closedBy: lead, closedAt: at('18:00') });
  });

  it('closes again after a reopen, signed by whoever closes it this time', async () => {
    const amira = await volunteer('v-amira', 'Amira');
    const jo = await volunteer('v-jo', 'Jo');
    await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: amira }, at('18:00'));
    await reopenDay(db, DAY, at('18:20'));
    await closeDay(db, { day: DAY, checkOutAt: at('18:30'), closedBy: jo, notes: 'again' }, at('18:30'));
    expect(await loadDayClose(db, DAY)).toMatchObject({ closedBy: jo, closedAt: at('18:30'), notes: 'again' });
  });

  it('refuses to reopen a day that is not closed, or from a volunteer device, storing nothing', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await expect(reopenDay(db, DAY, at('18:00'))).rejects.toThrow(/not closed/);
    await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    await enrolAs(db, 'volunteer');
    const before = await counts();
    await expect(reopenDay(db, DAY, at('18:20'))).rejects.toThrow(/only a lead/);
    expect(await counts()).toEqual(before);
    expect(await loadDayClose(db, DAY)).toBeDefined();
  });

  it('undoes a close in one transaction: the day is open and the children it checked out are in again', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    const a = await child(4100, '10:00');
    const b = await child(4101, '11:00');
    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    const outboxBefore = await db.outbox.count();

    await undoCloseDay(db, closing, at('18:01'));

    expect(await loadDayClose(db, DAY)).toBeUndefined();
    expect((await loadPresentChildren(db, DAY)).map((entry) => entry.child.id).sort()).toEqual([a, b].sort());
    for (const { eventId } of closing.checkedOut) expect(await db.attendance.get(eventId)).toMatchObject({ deleted: true });
    expect(await db.outbox.count()).toBe(outboxBefore + 3);
  });

  it('undo of a close stores nothing when it fails part-way', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await child(4100, '10:00');
    await child(4101, '11:00');
    const closing = await closeDay(db, { day: DAY, checkOutAt: at('18:00'), closedBy: lead }, at('18:00'));
    const before = await counts();
    opsSeen = 0;
    db.outbox.hook('creating', failThirdOp);
    await expect(undoCloseDay(db, closing, at('18:01'))).rejects.toThrow('battery');
    expect(await counts()).toEqual(before);
    expect(await loadDayClose(db, DAY)).toBeDefined();
    expect(await loadPresentChildren(db, DAY)).toEqual([]);
  });
});

describe('what the close screen reads', () => {
  it('lists earlier days with children that are still open, most recent first', async () => {
    const lead = await volunteer('v-amira', 'Amira');
    await child(4100, '10:00', '2026-11-20');
    await child(4101, '10:00', '2026-11-22');
    await child(4102, '10:00', '2026-11-23');
    await child(4103, '10:00', '2026-11-01');
    await child(4104, '10:00', DAY);
    await closeDay(db, { day: '2026-11-22', checkOutAt: at('18:00', '2026-11-22'), closedBy: lead }, at('18:00', '2026-11-22'));
    expect(await loadDaysToClose(db, DAY)).toEqual(['2026-11-23', '2026-11-20']);
  });

  it('offers the volunteers on duty first, then the other active ones by name', async () => {
    await volunteer('v-zoe', 'Zoé');
    await volunteer('v-bea', 'Béa');
    await volunteer('v-old', 'Old', false);
    const amira = await volunteer('v-amira', 'Amira');
    await writeRecord(db, 'shifts', 's1', { volunteerId: amira, day: DAY, kind: 'on', at: at('09:00'), deleted: false }, { create: true, now: at('09:00') });
    expect((await loadSignOffVolunteers(db, DAY)).map((v) => v.displayName)).toEqual(['Amira', 'Béa', 'Zoé']);
  });
});
