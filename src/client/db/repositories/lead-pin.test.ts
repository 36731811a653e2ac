import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { enrolAs } from '../testing';
import { hasLeadPin } from './device';
import { checkLeadPin, removeLeadPin, setLeadPin } from './lead-pin';

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe("the lead's PIN", () => {
  it('is stored salted and hashed, never as the PIN itself, and checks right and wrong PINs', async () => {
    await setLeadPin(db, '2468');
    const row = await db.meta.get('leadPin');
    expect(row).toMatchObject({ key: 'leadPin', iterations: expect.any(Number) as unknown });
    expect(JSON.stringify(await db.meta.toArray())).not.toContain('2468');
    expect(await checkLeadPin(db, '2468')).toBe(true);
    expect(await checkLeadPin(db, '2469')).toBe(false);
    expect(await checkLeadPin(db, '')).toBe(false);
    expect(await checkLeadPin(db, '24680')).toBe(false);
  });

  it('gets a new salt each time: the same PIN set twice hashes differently', async () => {
    await setLeadPin(db, '2468');
    const first = await db.meta.get('leadPin');
    await setLeadPin(db, '2468');
    const second = await db.meta.get('leadPin');
    expect(first?.key === 'leadPin' && second?.key === 'leadPin' && first.hash !== second.hash && first.salt !== second.salt).toBe(true);
  });

  it.each(['123', '123456789', '12a4', ''])('refuses %j: 4 to 8 digits', async (pin) => {
    await expect(setLeadPin(db, pin)).rejects.toMatchObject({ problem: 'pin-invalid' });
    expect(await hasLeadPin(db)).toBe(false);
  });

  it('is set only on a lead’s tablet', async () => {
    await enrolAs(db, 'volunteer');
    await expect(setLeadPin(db, '2468')).rejects.toMatchObject({ problem: 'lead-only' });
  });

  it('lets everything through when none is set, and goes when removed or when the tablet enrols again', async () => {
    expect(await checkLeadPin(db, 'anything')).toBe(true);
    await setLeadPin(db, '2468');
    await removeLeadPin(db);
    expect(await hasLeadPin(db)).toBe(false);
    await setLeadPin(db, '1357');
    // A forgotten PIN: enrolling again (as a lead) removes it.
    await enrolAs(db, 'lead');
    expect(await hasLeadPin(db)).toBe(false);
  });
});
