import { beforeEach, describe, expect, it } from 'vitest';
import { checkIssuedCode, childIdFromCode, issueCode } from '../../../shared/codes';
import { DaybookDatabase } from '../core/database';
import { writeRecord } from '../core/write';
import { copyRecords } from '../testing';
import { registerAndCheckIn, registerChild, registerNewChild, undoRegistration } from './children';
import { loadReservedBatches, MAX_CODES_AHEAD, reserveCodesAhead } from './reserved-codes';
import { saveSetting } from './settings';
import { storeEnrolment } from './sync-state';

const T0 = Date.UTC(2026, 10, 24, 8, 0, 0);
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

let count = 0;
let office: DaybookDatabase;
let playroom: DaybookDatabase;

beforeEach(async () => {
  count += 1;
  office = new DaybookDatabase(`reserved-office-${count}`);
  playroom = new DaybookDatabase(`reserved-playroom-${count}`);
  await Promise.all([office.open(), playroom.open()]);
});

/** Enrolled with the series letter the server assigned it (one letter per enrolment). */
const enrolWithLetter = (tablet: DaybookDatabase, codeSeries: string, role: 'lead' | 'volunteer') =>
  storeEnrolment(tablet, {
    serverUrl: 'http://localhost:8080',
    token: `token-${codeSeries}`,
    deviceId: `device-${codeSeries}`,
    centre: { id: 'c', name: 'Dunkirk', timeZone: 'Europe/Paris' },
    role,
    codeSeries,
    enrolledAt: T0,
  });

/** Dice that roll the given numbers, then 0. */
const dice = (...rolls: number[]) => () => rolls.shift() ?? 0;

async function newChildren(tablet: DaybookDatabase, n: number, at: number, random: () => number = dice()): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) codes.push((await registerNewChild(tablet, profile, at + i * 1000, random)).child.code!);
  return codes;
}

describe('codes issued ahead on one tablet are never issued by another', () => {
  it('two enrolled tablets: the office reserves 120 while the playroom registers 60, in turns; nothing overlaps, and the office’s next New child is none of its reserved codes', async () => {
    await enrolWithLetter(office, 'K', 'lead');
    await enrolWithLetter(playroom, 'L', 'volunteer');
    const reserved: string[] = [];
    const registered: string[] = [];
    // In turns, as two tablets do on the morning of a busy opening, syncing in between.
    for (let round = 0; round < 3; round++) {
      reserved.push(...(await reserveCodesAhead(office, 40, T0 + round * 60_000)).codes);
      registered.push(...(await newChildren(playroom, 20, T0 + round * 60_000)));
      await copyRecords(playroom, office);
      await copyRecords(office, playroom);
    }
    expect(reserved).toHaveLength(120);
    expect(registered).toHaveLength(60);
    expect(new Set([...reserved, ...registered]).size).toBe(180);
    for (const code of reserved) expect(checkIssuedCode(code)).toEqual({ ok: true });
    expect(reserved.slice(0, 2)).toEqual([issueCode('K', 1000), issueCode('K', 1001)]);

    const next = await newChildren(office, 5, T0 + 3_600_000);
    for (const code of next) expect(reserved).not.toContain(code);
    expect(next[0]).toBe(issueCode('K', 1120));
  });

  it('two tablets never enrolled, each in its local series: reserving on one and registering on the other never meet', async () => {
    // Local series KA from 417 on the office, MF from 550 in the playroom.
    const reserved = (await reserveCodesAhead(office, MAX_CODES_AHEAD, T0, dice((7 + 0.5) / 19, (10 + 0.5) / 29, 317 / 900))).codes;
    const registered = await newChildren(playroom, 50, T0, dice(0.5, 0.5, 0.5));
    expect(reserved[0]).toBe(issueCode('KA', 417));
    expect(new Set([...reserved, ...registered]).size).toBe(MAX_CODES_AHEAD + 50);
    const next = await newChildren(office, 1, T0 + 60_000);
    expect(next).toEqual([issueCode('KA', 617)]);
  });

  it('a local series that comes round to its reserved codes again passes over them', async () => {
    await office.meta.put({ key: 'codeSeries', series: 'KA', nextSerial: 417, firstSerial: 417 });
    const reserved = (await reserveCodesAhead(office, 3, T0)).codes;
    expect(reserved).toEqual([issueCode('KA', 417), issueCode('KA', 418), issueCode('KA', 419)]);
    // As if the series had gone all the way round and drawn KA at 417 again.
    await office.meta.put({ key: 'codeSeries', series: 'KA', nextSerial: 417, firstSerial: 417 });
    expect(await newChildren(office, 1, T0)).toEqual([issueCode('KA', 420)]);
  });

  it('passes over a code of the series that an erased child had: it stays theirs', async () => {
    await enrolWithLetter(office, 'K', 'lead');
    const erasedCode = issueCode('K', 1001);
    await writeRecord(office, 'erasures', childIdFromCode(erasedCode), { erasedAt: T0, deleted: false }, { create: true, now: T0 });
    const { codes } = await reserveCodesAhead(office, 3, T0);
    expect(codes).toEqual([issueCode('K', 1000), issueCode('K', 1002), issueCode('K', 1003)]);
  });
});

describe('a reserved code at registration', () => {
  it('registers as any typed code, on this tablet or another, and no longer waits; Undo makes it wait again', async () => {
    await enrolWithLetter(office, 'K', 'lead');
    const { codes } = await reserveCodesAhead(office, 3, T0);
    const [first, second, third] = codes as [string, string, string];

    // Typed with a space, as it is printed for reading.
    const visit = await registerAndCheckIn(office, `${first.slice(0, 4)} ${first.slice(4)}`, profile, T0 + 60_000);
    expect(visit.child.code).toBe(first);
    // Registered on the playroom tablet, then synced here.
    await registerChild(playroom, second, profile, T0 + 60_000);
    await copyRecords(playroom, office);

    const [batch] = await loadReservedBatches(office);
    expect(batch).toMatchObject({ issued: 3, waiting: [third] });

    await undoRegistration(office, visit, T0 + 120_000);
    expect((await loadReservedBatches(office))[0]!.waiting).toEqual([first, third]);
  });

  it('keeps only codes still waiting once the next batch is issued, newest batch first', async () => {
    await enrolWithLetter(office, 'K', 'lead');
    const morning = await reserveCodesAhead(office, 2, T0);
    await registerChild(office, morning.codes[0]!, profile, T0 + 60_000);
    const noon = await reserveCodesAhead(office, 1, T0 + 4 * 3_600_000);
    const batches = await loadReservedBatches(office);
    expect(batches.map((batch) => [batch.id, batch.issued, batch.codes, batch.waiting])).toEqual([
      [noon.id, 1, [issueCode('K', 1002)], [issueCode('K', 1002)]],
      [morning.id, 2, [issueCode('K', 1001)], [issueCode('K', 1001)]],
    ]);
  });
});

describe('what reserving refuses', () => {
  it('takes 1 to 200 codes', async () => {
    for (const wrong of [0, -1, 2.5, MAX_CODES_AHEAD + 1]) await expect(reserveCodesAhead(office, wrong, T0)).rejects.toThrow(RangeError);
    expect(await office.meta.get('codeSeries')).toBeUndefined();
    expect((await reserveCodesAhead(office, 1, T0)).codes).toHaveLength(1);
  });

  it('issues nothing where the centre uses pre-numbered wristbands, and leaves the series where it was', async () => {
    await enrolWithLetter(office, 'K', 'lead');
    await saveSetting(office, 'codeScheme', 'wristband', T0);
    const series = await office.meta.get('codeSeries');
    await expect(reserveCodesAhead(office, 5, T0)).rejects.toThrow(/issued ahead only where Daybook issues codes/);
    expect(await office.meta.get('codeSeries')).toEqual(series);
    expect(await loadReservedBatches(office)).toEqual([]);
  });
});
