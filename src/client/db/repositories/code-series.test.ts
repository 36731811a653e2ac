import { beforeEach, describe, expect, it } from 'vitest';
import { checkIssuedCode, childIdFromCode, issueCode } from '../../../shared/codes';
import { DaybookDatabase } from '../core/database';
import { writeRecord } from '../core/write';
import { enrolAs } from '../testing';
import { registerNewChild } from './children';
import { storeEnrolment } from './sync-state';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

let count = 0;
let tablet: DaybookDatabase;

beforeEach(async () => {
  count += 1;
  tablet = new DaybookDatabase(`code-series-${count}`);
  await tablet.open();
});

/** Enrolled, with the series letter the server assigned. */
const enrolledWithLetter = (codeSeries: string) =>
  storeEnrolment(tablet, {
    serverUrl: 'http://localhost:8080',
    token: 't',
    deviceId: 'd',
    centre: { id: 'c', name: 'Centre', timeZone: 'Europe/Paris' },
    role: 'volunteer',
    codeSeries,
    enrolledAt: T0,
  });

/** Dice that roll the given numbers, then 0. */
const dice = (...rolls: number[]) => () => rolls.shift() ?? 0;

async function issue(database: DaybookDatabase, n: number, random: () => number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) codes.push((await registerNewChild(database, profile, T0 + i, random)).child.code!);
  return codes;
}

describe('codes issued by a tablet that was never enrolled', () => {
  it('come from a local series drawn at random, from a random start, each a valid code', async () => {
    // Letter K (index 7 of 19), symbol A (index 10 of 29), start 417.
    const codes = await issue(tablet, 3, dice((7 + 0.5) / 19, (10 + 0.5) / 29, 317 / 900));
    expect(codes).toEqual([issueCode('KA', 417), issueCode('KA', 418), issueCode('KA', 419)]);
    for (const code of codes) expect(checkIssuedCode(code)).toEqual({ ok: true });
  });

  it('never collide between two fresh tablets that drew different series, nor with a server series', async () => {
    const second = new DaybookDatabase(`code-series-other-${count}`);
    await second.open();
    const mine = await issue(tablet, 20, dice(0.1, 0.1, 0.5));
    const theirs = await issue(second, 20, dice(0.2, 0.9, 0.5));
    const server = Array.from({ length: 20 }, (_, i) => issueCode('A', 1000 + i));
    expect(new Set([...mine, ...theirs, ...server]).size).toBe(60);
  });

  it('go round their series from the random start, then draw a new series', async () => {
    // Start at 998: 998, 999, then 100... up to 997, then a new series.
    await tablet.meta.put({ key: 'codeSeries', series: 'KA', nextSerial: 997, firstSerial: 998 });
    const codes = await issue(tablet, 2, dice(0.99, 0.99, 0));
    expect(codes).toEqual([issueCode('KA', 997), issueCode('YY', 100)]);
  });

  it('skip a code a child already has on this tablet', async () => {
    await tablet.meta.put({ key: 'codeSeries', series: 'KA', nextSerial: 417, firstSerial: 417 });
    const taken = issueCode('KA', 417);
    await writeRecord(tablet, 'children', childIdFromCode(taken), { code: taken, ageBand: '3-5', gender: 'boy', languages: [], registeredOn: '2026-11-24' }, { create: true, now: T0 });
    expect(await issue(tablet, 1, dice())).toEqual([issueCode('KA', 418)]);
  });

  it('leave the server-style series an older version started with: 1000 A6 on two fresh tablets is how two children became one', async () => {
    await tablet.meta.put({ key: 'codeSeries', series: 'A', nextSerial: 1005 });
    const [code] = await issue(tablet, 1, dice(0.5, 0.5, 0.5));
    expect(code).toBe(issueCode('MF', 550));
  });
});

describe('codes issued by an enrolled tablet', () => {
  it('come from the letter the server assigned, from 1000', async () => {
    await enrolledWithLetter('K');
    expect(await issue(tablet, 2, dice(0.5))).toEqual([issueCode('K', 1000), issueCode('K', 1001)]);
  });

  it('keep the local series when the server had no letter left', async () => {
    await tablet.meta.put({ key: 'codeSeries', series: 'KA', nextSerial: 417, firstSerial: 417 });
    await enrolAs(tablet, 'volunteer');
    expect(await issue(tablet, 1, dice(0.5))).toEqual([issueCode('KA', 417)]);
  });

  it('go on in a local series after the 9,000th code of their letter', async () => {
    await enrolledWithLetter('K');
    await tablet.meta.put({ key: 'codeSeries', series: 'K', nextSerial: 9999 });
    expect(await issue(tablet, 2, dice(0, 0, 0))).toEqual([issueCode('K', 9999), issueCode('A0', 100)]);
  });
});
