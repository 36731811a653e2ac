import { beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { centreDay } from '../../../shared/dates';
import { dayCloseId } from '../../../shared/ids';
import { checkIn, checkOut, voidAttendance } from './attendance';
import { registerChild } from './children';
import { DayClosedError } from './day-guard';
import { db } from '../db';
import { enrolAs } from '../testing';
import { writeRecord } from '../core/write';

const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);
const DAY = centreDay(NOON, 'Europe/Paris');

async function closeDay(day = DAY) {
  await writeRecord(db, 'dayCloses', dayCloseId(day), { day, closedAt: NOON + 3_600_000, closedBy: 'v1', notes: '' }, { create: true, now: NOON });
}

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe('a closed day', () => {
  it('refuses a volunteer device every attendance write, storing nothing', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), { ageBand: '3-5', gender: 'boy', languages: [] }, NOON);
    const event = await checkIn(db, child.id, NOON);
    await closeDay();
    await enrolAs(db, 'volunteer');
    const outboxBefore = await db.outbox.count();
    await expect(checkOut(db, child.id, NOON + 60_000)).rejects.toThrow(DayClosedError);
    await expect(checkIn(db, child.id, NOON + 60_000)).rejects.toThrow(/2026-11-24 is closed/);
    await expect(voidAttendance(db, event.id, NOON + 60_000)).rejects.toThrow(DayClosedError);
    expect(await db.attendance.count()).toBe(1);
    expect(await db.outbox.count()).toBe(outboxBefore);
  });

  it('lets a lead device correct it', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), { ageBand: '3-5', gender: 'boy', languages: [] }, NOON);
    await checkIn(db, child.id, NOON);
    await closeDay();
    await enrolAs(db, 'lead');
    await expect(checkOut(db, child.id, NOON + 60_000)).resolves.toMatchObject({ event: { kind: 'out' } });
  });

  it('does not touch other days, and a reopened day is writable again', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), { ageBand: '3-5', gender: 'boy', languages: [] }, NOON);
    await closeDay('2026-11-23');
    await enrolAs(db, 'volunteer');
    await expect(checkIn(db, child.id, NOON)).resolves.toMatchObject({ kind: 'in' });
    await closeDay();
    await writeRecord(db, 'dayCloses', dayCloseId(DAY), { deleted: true }, { now: NOON + 1 });
    await expect(checkOut(db, child.id, NOON + 60_000)).resolves.toMatchObject({ event: { kind: 'out' } });
  });
});
