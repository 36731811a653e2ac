import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayCloseId } from '../../../shared/ids';
import { db } from '../db';
import { DayClosedError } from './day-guard';
import { enrolAs } from '../testing';
import { loadOnDuty } from './presence';
import { signOff, signOn } from './shifts';
import {
  addVolunteer,
  DuplicateVolunteerError,
  loadVolunteers,
  renameVolunteer,
  setVolunteerActive,
  undoActiveChange,
  undoAddVolunteer,
} from './volunteers';
import { InvalidWriteError, writeRecord } from '../core/write';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const DAY = '2026-11-24';
const MINUTE = 60_000;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

function failingHook(): void {
  throw new Error('tab closed mid-action');
}

afterEach(() => {
  db.outbox.hook('creating').unsubscribe(failingHook);
});

const names = async () => (await loadVolunteers(db)).map((volunteer) => volunteer.displayName);

describe('adding a volunteer', () => {
  it('stores the trimmed name, active, under a new UUIDv7, with its outbox op', async () => {
    const sam = await addVolunteer(db, '  Sam  ', T0);
    expect(sam).toMatchObject({ displayName: 'Sam', active: true, deleted: false });
    expect(sam.id).toMatch(UUID_V7);
    expect(await db.outbox.toArray()).toMatchObject([{ table: 'volunteers', id: sam.id, fields: { displayName: 'Sam', active: true, deleted: false } }]);
  });

  it.each([
    ['the same name', 'Sam'],
    ['the same name in other case', 'sam'],
    ['the same name with extra spaces', '  SAM '],
  ])('refuses %s as an active volunteer, says to add a letter, and stores nothing', async (_case, typed) => {
    await addVolunteer(db, 'Sam', T0);
    const attempt = addVolunteer(db, typed, T0 + 1);
    await expect(attempt).rejects.toThrow(DuplicateVolunteerError);
    await expect(addVolunteer(db, typed, T0 + 2)).rejects.toThrow('displayName: there is already a volunteer called "Sam"; add a letter to tell them apart, for example "Sam B."');
    expect(await db.volunteers.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
  });

  it('takes "Sam B." beside "Sam"', async () => {
    await addVolunteer(db, 'Sam', T0);
    await addVolunteer(db, 'Sam B.', T0 + 1);
    expect(await names()).toEqual(['Sam', 'Sam B.']);
  });

  it('takes the name of a volunteer who left the list', async () => {
    const old = await addVolunteer(db, 'Lou', T0);
    await setVolunteerActive(db, old.id, false, T0 + 1);
    const lou = await addVolunteer(db, 'Lou', T0 + 2);
    expect(lou.id).not.toBe(old.id);
    expect(await names()).toEqual(['Lou']);
  });

  it.each([
    ['an empty name', '', 'displayName: type a first name or nickname'],
    ['only spaces', '   ', 'displayName: type a first name or nickname'],
    ['a name over 40 characters', 'x'.repeat(41), 'displayName: at most 40 characters'],
  ])('refuses %s, naming the field, and stores nothing', async (_case, typed, message) => {
    await expect(addVolunteer(db, typed, T0)).rejects.toThrow(InvalidWriteError);
    await expect(addVolunteer(db, typed, T0)).rejects.toThrow(message);
    expect(await db.volunteers.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('Undo deletes a volunteer added by mistake', async () => {
    const sam = await addVolunteer(db, 'Sam', T0);
    await undoAddVolunteer(db, sam.id, T0 + 1);
    expect(await db.volunteers.get(sam.id)).toMatchObject({ deleted: true });
    expect(await names()).toEqual([]);
    // The name is free again.
    await addVolunteer(db, 'Sam', T0 + 2);
  });

  it('Undo only takes off the list a volunteer who has signed on since, so the shift still counts', async () => {
    const sam = await addVolunteer(db, 'Sam', T0);
    await signOn(db, sam.id, T0 + MINUTE);
    await signOff(db, sam.id, T0 + 2 * MINUTE);
    await undoAddVolunteer(db, sam.id, T0 + 3 * MINUTE);
    expect(await db.volunteers.get(sam.id)).toMatchObject({ deleted: false, active: false });
    expect(await names()).toEqual([]);
  });
});

describe('the sign-on list', () => {
  it('holds the active volunteers, by name', async () => {
    await addVolunteer(db, 'sam', T0);
    await addVolunteer(db, 'Émile', T0);
    await addVolunteer(db, 'Amira', T0);
    const lou = await addVolunteer(db, 'Lou', T0);
    await setVolunteerActive(db, lou.id, false, T0);
    expect(await names()).toEqual(['Amira', 'Émile', 'sam']);
  });
});

describe('renaming a volunteer', () => {
  it('changes the name, trimmed, with its outbox op', async () => {
    const sam = await addVolunteer(db, 'Sam', T0);
    const renamed = await renameVolunteer(db, sam.id, ' Sam B. ', T0 + 1);
    expect(renamed).toMatchObject({ id: sam.id, displayName: 'Sam B.' });
    expect((await db.outbox.toArray()).at(-1)).toMatchObject({ table: 'volunteers', id: sam.id, fields: { displayName: 'Sam B.' } });
  });

  it('allows a change of case to the same volunteer', async () => {
    const sam = await addVolunteer(db, 'sam', T0);
    expect(await renameVolunteer(db, sam.id, 'Sam', T0 + 1)).toMatchObject({ displayName: 'Sam' });
  });

  it.each([
    ['the name of another active volunteer', 'amira', DuplicateVolunteerError],
    ['an empty name', ' ', InvalidWriteError],
    ['a name over 40 characters', 'y'.repeat(41), InvalidWriteError],
  ])('refuses %s and keeps the old name', async (_case, typed, error) => {
    await addVolunteer(db, 'Amira', T0);
    const sam = await addVolunteer(db, 'Sam', T0);
    const opsBefore = await db.outbox.count();
    await expect(renameVolunteer(db, sam.id, typed, T0 + 1)).rejects.toThrow(error);
    await expect(renameVolunteer(db, sam.id, typed, T0 + 1)).rejects.toThrow(/^displayName: /);
    expect(await db.volunteers.get(sam.id)).toMatchObject({ displayName: 'Sam' });
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('refuses an unknown volunteer', async () => {
    await expect(renameVolunteer(db, 'nobody', 'Sam', T0)).rejects.toThrow(/^id: /);
  });
});

describe('taking a volunteer off the list', () => {
  it('hides them from the sign-on list and keeps their past shifts', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    await signOff(db, amira.id, T0 + 60 * MINUTE);
    const change = await setVolunteerActive(db, amira.id, false, T0 + 24 * 60 * MINUTE);
    expect(change).toMatchObject({ wasActive: true, signedOff: null, volunteer: { active: false } });
    expect(await names()).toEqual([]);
    expect(await db.shifts.where('volunteerId').equals(amira.id).count()).toBe(2);
  });

  it('signs them off in the same transaction when they are on duty, and Undo restores both', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    const change = await setVolunteerActive(db, amira.id, false, T0 + 30 * MINUTE);
    expect(change.signedOff).toMatchObject({ volunteerId: amira.id, kind: 'off', at: T0 + 30 * MINUTE, day: DAY });
    expect(await loadOnDuty(db, DAY)).toEqual([]);

    await undoActiveChange(db, change, T0 + 31 * MINUTE);
    expect(await names()).toEqual(['Amira']);
    expect((await loadOnDuty(db, DAY)).map((entry) => entry.since)).toEqual([T0 + MINUTE]);
  });

  it('stores neither the sign-off nor the change when the transaction dies part-way', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    const opsBefore = await db.outbox.count();
    let ops = 0;
    const failSecond = () => {
      ops += 1;
      if (ops === 2) failingHook();
    };
    db.outbox.hook('creating', failSecond);
    try {
      await expect(setVolunteerActive(db, amira.id, false, T0 + 2 * MINUTE)).rejects.toThrow('tab closed');
    } finally {
      db.outbox.hook('creating').unsubscribe(failSecond);
    }
    expect(await db.shifts.count()).toBe(1);
    expect(await db.volunteers.get(amira.id)).toMatchObject({ active: true });
    expect(await db.outbox.count()).toBe(opsBefore);
  });

  it('cannot sign off an on-duty volunteer on a closed day from a volunteer device: nothing changes', async () => {
    const amira = await addVolunteer(db, 'Amira', T0);
    await signOn(db, amira.id, T0 + MINUTE);
    await writeRecord(db, 'dayCloses', dayCloseId(DAY), { day: DAY, closedAt: T0, closedBy: 'lead-1', notes: '' }, { create: true, now: T0 });
    await enrolAs(db, 'volunteer');
    await expect(setVolunteerActive(db, amira.id, false, T0 + 2 * MINUTE)).rejects.toThrow(DayClosedError);
    expect(await names()).toEqual(['Amira']);
  });

  it('refuses to put back on the list a volunteer whose name a newcomer took meanwhile', async () => {
    const first = await addVolunteer(db, 'Sam', T0);
    const change = await setVolunteerActive(db, first.id, false, T0 + 1);
    await addVolunteer(db, 'Sam', T0 + 2);
    await expect(undoActiveChange(db, change, T0 + 3)).rejects.toThrow(DuplicateVolunteerError);
    await expect(setVolunteerActive(db, first.id, true, T0 + 3)).rejects.toThrow(DuplicateVolunteerError);
    expect(await db.volunteers.get(first.id)).toMatchObject({ active: false });
  });
});
