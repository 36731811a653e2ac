import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaybookDatabase } from './database';
import { db } from '../db';
import { InvalidWriteError, writeRecord } from './write';
import { checkIn } from '../repositories/attendance';
import { registerChild } from '../repositories/children';
import { issueCode } from '../../../shared/codes';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const profile = { ageBand: '6-8', gender: 'girl', languages: ['ar'] } as const;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

afterEach(() => {
  db.outbox.hook('creating').unsubscribe(failingHook);
});

function failingHook(): void {
  throw new Error('power cut between the record and its op');
}

describe('a write and its outbox op', () => {
  it('commit together: the record, its clock and the op with the fields it set', async () => {
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true, deleted: false }, { create: true, now: T0 });
    const row = await db.volunteers.get('v1');
    const ops = await db.outbox.toArray();
    expect(row).toMatchObject({ id: 'v1', displayName: 'Amira', active: true, deleted: false });
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ seq: 1, table: 'volunteers', id: 'v1', fields: { displayName: 'Amira', active: true, deleted: false } });
    expect(ops[0]!.hlc).toBe(row!._hlc);
    expect(ops[0]!.hlc.startsWith(String(T0))).toBe(true);
  });

  it('roll back together when the transaction aborts part-way (after the record was put)', async () => {
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true, deleted: false }, { create: true, now: T0 });
    const clockBefore = await db.meta.get('clock');
    db.outbox.hook('creating', failingHook);
    await expect(writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira B' }, { now: T0 + 1000 })).rejects.toThrow('power cut');
    await expect(writeRecord(db, 'volunteers', 'v2', { displayName: 'Jo', active: true }, { create: true, now: T0 + 2000 })).rejects.toThrow('power cut');
    expect(await db.volunteers.get('v1')).toMatchObject({ displayName: 'Amira' });
    expect(await db.volunteers.get('v2')).toBeUndefined();
    expect(await db.outbox.count()).toBe(1);
    expect(await db.meta.get('clock')).toEqual(clockBefore);
  });

  it('roll back a composite action whole: register-and-check-in stores neither when the second op fails', async () => {
    const code = issueCode('K', 4173);
    let ops = 0;
    const failSecond = () => {
      ops += 1;
      if (ops === 2) throw new Error('tab closed mid-action');
    };
    db.outbox.hook('creating', failSecond);
    try {
      const { registerAndCheckIn } = await import('../repositories/children');
      await expect(registerAndCheckIn(db, code, profile, T0)).rejects.toThrow('tab closed');
    } finally {
      db.outbox.hook('creating').unsubscribe(failSecond);
    }
    expect(await db.children.count()).toBe(0);
    expect(await db.attendance.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it.each([
    ['a wrong enum', 'children', { ageBand: '4-6' }, 'ageBand'],
    ['an unknown field', 'children', { name: 'Ali' }, 'name'],
    ['a bad day', 'attendance', { day: '2026-02-30' }, 'day'],
    ['notes over 500 characters', 'sessions', { notes: 'x'.repeat(501) }, 'notes'],
    ['nothing at all', 'volunteers', {}, 'at least one field'],
  ] as const)('refuse %s, naming the field, and store nothing', async (_case, table, fields, named) => {
    await expect(writeRecord(db, table, 'r1', fields as never, { now: T0 })).rejects.toThrow(InvalidWriteError);
    await expect(writeRecord(db, table, 'r1', fields as never, { now: T0 })).rejects.toThrow(named);
    expect(await db.table(table).count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('refuse a new record with a required field missing', async () => {
    await expect(writeRecord(db, 'attendance', 'a1', { kind: 'in' }, { create: true, now: T0 })).rejects.toThrow(/childId/);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('the device clock and seq', () => {
  it('stamps strictly increasing HLCs while the wall clock jumps back and forward', async () => {
    const walls = [T0, T0 - 3_600_000, T0 - 3_600_000, T0 + 86_400_000, T0];
    for (const [i, now] of walls.entries()) {
      await writeRecord(db, 'volunteers', `v${i}`, { displayName: `V${i}`, active: true }, { create: true, now });
    }
    const hlcs = (await db.outbox.toArray()).map((op) => op.hlc);
    expect([...hlcs].sort()).toEqual(hlcs);
    expect(new Set(hlcs).size).toBe(hlcs.length);
  });

  it('never reuses a seq, even after acknowledged ops are trimmed', async () => {
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'A', active: true }, { create: true, now: T0 });
    await writeRecord(db, 'volunteers', 'v1', { active: false }, { now: T0 + 1 });
    await db.outbox.clear();
    await writeRecord(db, 'volunteers', 'v1', { active: true }, { now: T0 + 2 });
    expect((await db.outbox.toArray()).map((op) => op.seq)).toEqual([3]);
  });

  it('makes the device id and HLC node with the database, new for every new database', async () => {
    const device = await db.meta.get('device');
    const other = new DaybookDatabase('daybook-other');
    await other.open();
    const otherDevice = await other.meta.get('device');
    expect(device).toMatchObject({ key: 'device' });
    expect(otherDevice).toMatchObject({ key: 'device' });
    if (device?.key !== 'device' || otherDevice?.key !== 'device') throw new Error('no device rows');
    expect(device.node).toMatch(/^[0-9a-f]{16}$/);
    expect(otherDevice.deviceId).not.toBe(device.deviceId);
    expect(otherDevice.node).not.toBe(device.node);
    await other.delete();
  });

  it('keeps its device id across reopening', async () => {
    const before = await db.meta.get('device');
    db.close();
    await db.open();
    expect(await db.meta.get('device')).toEqual(before);
  });
});

describe('per-field clocks', () => {
  it('keep one clock for a record written once and a second only for the field changed later', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), profile, T0);
    const event = await checkIn(db, child.id, T0 + 1000);
    await writeRecord(db, 'attendance', event.id, { deleted: true }, { now: T0 + 2000 });
    const row = await db.attendance.get(event.id);
    expect(row?._hlcs).toEqual({ deleted: expect.stringMatching(/^\d{13}-/) as unknown });
    expect(row!._hlcs!.deleted! > row!._hlc).toBe(true);
  });
});

describe('several tablets in one process (for sync tests)', () => {
  it('writes to the database it is given, with that database’s own clock and outbox', async () => {
    const other = new DaybookDatabase('daybook-second-tablet');
    await other.open();
    try {
      await writeRecord(other, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
      expect(await other.volunteers.get('v1')).toMatchObject({ displayName: 'Amira' });
      expect(await other.outbox.count()).toBe(1);
      expect(await db.volunteers.count()).toBe(0);
      expect(await db.outbox.count()).toBe(0);
      const node = await other.meta.get('device');
      if (node?.key !== 'device') throw new Error('no device row');
      expect((await other.outbox.toArray())[0]!.hlc.endsWith(node.node)).toBe(true);
    } finally {
      await other.delete();
    }
  });
});
