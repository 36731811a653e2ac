import { beforeEach, describe, expect, it } from 'vitest';
import { dayCloseId } from '../../../shared/ids';
import { db } from '../db';
import { DayClosedError } from './day-guard';
import { enrolAs } from '../testing';
import { loadOnDuty } from './presence';
import { isOnDuty, signOff, signOn, voidShiftEvent } from './shifts';
import { addVolunteer, setVolunteerActive } from './volunteers';
import { InvalidWriteError, writeRecord } from '../core/write';

// 10:00 in Paris (UTC+1 in November).
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const DAY = '2026-11-24';
const MINUTE = 60_000;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

async function closeDay(day: string): Promise<void> {
  await writeRecord(db, 'dayCloses', dayCloseId(day), { day, closedAt: T0, closedBy: 'lead-1', notes: '' }, { create: true, now: T0 });
}

const onDutyNames = async (day = DAY) => (await loadOnDuty(db, day)).map((entry) => [entry.volunteer.displayName, entry.since]);

describe('signing on and off', () => {
  it('signs a volunteer on, then off, each an immutable event with its outbox op', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    const on = await signOn(db, amira.id, T0 + MINUTE);
    expect(on).toMatchObject({ volunteerId: amira.id, day: DAY, kind: 'on', at: T0 + MINUTE, deleted: false });
    expect(await onDutyNames()).toEqual([['Amira', T0 + MINUTE]]);
    expect(await isOnDuty(db, amira.id, DAY)).toBe(true);

    const off = await signOff(db, amira.id, T0 + 60 * MINUTE);
    expect(off).toMatchObject({ kind: 'off', at: T0 + 60 * MINUTE });
    expect(await onDutyNames()).toEqual([]);
    expect(await isOnDuty(db, amira.id, DAY)).toBe(false);
    expect((await db.outbox.toArray()).map((op) => [op.table, op.fields.kind])).toEqual([
      ['volunteers', undefined],
      ['shifts', 'on'],
      ['shifts', 'off'],
    ]);
  });

  it('reads a second sign-on (a double tap, another tablet) as one stretch from the first', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    await signOn(db, amira.id, T0 + 2 * MINUTE);
    expect(await onDutyNames()).toEqual([['Amira', T0 + MINUTE]]);
    await signOff(db, amira.id, T0 + 3 * MINUTE);
    expect(await onDutyNames()).toEqual([]);
  });

  it('Undo of a sign-on voids the event: off duty again, the event kept as deleted', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    const on = await signOn(db, amira.id, T0 + MINUTE);
    await voidShiftEvent(db, on.id, T0 + 2 * MINUTE);
    expect(await onDutyNames()).toEqual([]);
    expect(await db.shifts.get(on.id)).toMatchObject({ kind: 'on', deleted: true });
  });

  it('Undo of a sign-off puts the volunteer back on duty since their sign-on', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    const off = await signOff(db, amira.id, T0 + 30 * MINUTE);
    await voidShiftEvent(db, off.id, T0 + 31 * MINUTE);
    expect(await onDutyNames()).toEqual([['Amira', T0 + MINUTE]]);
  });

  it.each([
    ['an unknown volunteer', () => Promise.resolve('nobody'), 'volunteerId'],
    ['a volunteer who left the list', async () => (await setVolunteerActive(db, (await addVolunteer(db, 'Lou', T0)).id, false, T0)).volunteer.id, 'volunteerId'],
  ])('refuses to sign on %s, naming the field, and stores nothing', async (_case, makeId, field) => {
    const id = await makeId();
    const opsBefore = await db.outbox.count();
    await expect(signOn(db, id, T0 + MINUTE)).rejects.toThrow(InvalidWriteError);
    await expect(signOn(db, id, T0 + MINUTE)).rejects.toThrow(field);
    expect(await db.shifts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('refuses to void an event that does not exist', async () => {
    await expect(voidShiftEvent(db, 'nothing', T0)).rejects.toThrow(/^id: /);
    expect(await db.outbox.count()).toBe(0);
  });

  it('lets a volunteer who left the list still be signed off (nobody is stuck on duty)', async () => {
    const lou = await addVolunteer(db, 'Lou', T0);
    await signOn(db, lou.id, T0 + MINUTE);
    // Another tablet took Lou off the list without signing Lou off.
    await writeRecord(db, 'volunteers', lou.id, { active: false }, { now: T0 + 2 * MINUTE });
    await signOff(db, lou.id, T0 + 3 * MINUTE);
    expect(await onDutyNames()).toEqual([]);
  });
});

describe('a closed day', () => {
  it('refuses sign-on, sign-off and Undo from a volunteer device, and stores nothing', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    const on = await signOn(db, amira.id, T0 + MINUTE);
    await closeDay(DAY);
    await enrolAs(db, 'volunteer');
    const opsBefore = await db.outbox.count();

    await expect(signOff(db, amira.id, T0 + 2 * MINUTE)).rejects.toThrow(DayClosedError);
    await expect(signOn(db, amira.id, T0 + 2 * MINUTE)).rejects.toThrow(/day: 2026-11-24 is closed/);
    await expect(voidShiftEvent(db, on.id, T0 + 2 * MINUTE)).rejects.toThrow(DayClosedError);
    expect(await db.shifts.count()).toBe(1);
    expect(await db.shifts.get(on.id)).toMatchObject({ deleted: false });
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('lets a lead device still change it', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    await closeDay(DAY);
    await enrolAs(db, 'lead');
    const off = await signOff(db, amira.id, T0 + 2 * MINUTE);
    expect(await onDutyNames()).toEqual([]);
    await voidShiftEvent(db, off.id, T0 + 3 * MINUTE);
    expect(await onDutyNames()).toEqual([['Amira', T0 + MINUTE]]);
  });

  it('does not stop a volunteer device from signing on the next day', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await closeDay(DAY);
    await enrolAs(db, 'volunteer');
    const on = await signOn(db, amira.id, T0 + 24 * 60 * MINUTE);
    expect(on.day).toBe('2026-11-25');
  });
});

describe('the centre day of an event (Europe/Paris)', () => {
  it.each([
    ['23:59 in winter (UTC+1)', Date.UTC(2026, 0, 15, 22, 59), '2026-01-15'],
    ['00:01 in winter: already the next day, though UTC still says the 15th', Date.UTC(2026, 0, 15, 23, 1), '2026-01-16'],
    ['23:59 in summer (UTC+2)', Date.UTC(2026, 6, 1, 21, 59), '2026-07-01'],
    ['00:30 in summer: the next day, though UTC still says the 1st', Date.UTC(2026, 6, 1, 22, 30), '2026-07-02'],
    ['00:30 on the night clocks go forward', Date.UTC(2026, 2, 28, 23, 30), '2026-03-29'],
  ])('%s', async (_case, at, day) => {
    const amira = await addVolunteer(db, 'Amira', at - MINUTE);
    const on = await signOn(db, amira.id, at);
    expect(on.day).toBe(day);
    expect(await onDutyNames(day)).toEqual([['Amira', at]]);
  });
});
