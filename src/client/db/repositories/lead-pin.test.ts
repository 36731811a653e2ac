import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { enrolAs } from '../testing';
import { hasLeadPin } from './device';
import { checkLeadPin, PIN_TRIES, PIN_WAIT_MS, removeLeadPin, setLeadPin, tryLeadPin } from './lead-pin';

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe("the lead's PIN", () => {
  it('is stored salted and hashed, never as the PIN itself, and checks right and wrong PINs', async () => {
    await setLeadPin(db, '2468');
    const row = await db.meta.get('leadPin');
    expect(row).toMatchObject({ key: 'leadPin', iterations: expect.any(Number) as unknown });
    // Salt and hash are hex and may hold '2468' by chance; the PIN must be no value of its own.
    expect(row).toMatchObject({ salt: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown, hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(Object.values(row ?? {})).not.toContain('2468');
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

  it('makes a guesser wait after five wrong tries, counted in the database so a reload is no new start', async () => {
    const T = Date.UTC(2026, 10, 24, 9, 0, 0);
    await setLeadPin(db, '2468');
    for (let i = 0; i < PIN_TRIES - 1; i++) expect(await tryLeadPin(db, '1111', T)).toBe('wrong');
    expect(await tryLeadPin(db, '1111', T)).toBe('wrong');
    // The right PIN too waits now: the count is in the database, whatever tab or reload asks.
    expect(await tryLeadPin(db, '2468', T + 1_000)).toBe('wait');
    expect(await tryLeadPin(db, '2468', T + PIN_WAIT_MS + 1)).toBe('right');
    expect(await db.meta.get('pinTries')).toBeUndefined();
  });
});
