import { beforeEach, describe, expect, it } from 'vitest';
import { childIdFromCode, issueCode } from '../../../shared/codes';
import { DaybookDatabase } from '../core/database';
import { writeRecord } from '../core/write';
import { copyRecords } from '../testing';
import { loadCodeClashes } from './code-clashes';
import { backfillRegistrations } from './registration-backfill';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
let count = 0;
let a: DaybookDatabase;
let b: DaybookDatabase;

beforeEach(async () => {
  count += 1;
  a = new DaybookDatabase(`backfill-a-${count}`);
  b = new DaybookDatabase(`backfill-b-${count}`);
  await Promise.all([a.open(), b.open()]);
});

/** A child as version 3 stored it: the record only, no registration row. */
async function olderChild(database: DaybookDatabase, code: string, gender: 'girl' | 'boy') {
  await writeRecord(database, 'children', childIdFromCode(code), { code, ageBand: '6-8', gender, languages: [], registeredOn: '2026-11-20' }, { create: true, now: T0 });
}

describe('registrations for children registered before version 4', () => {
  it('are written once, for the children this tablet registered, so an old double issue shows as a clash', async () => {
    // Two fresh tablets of the old version both issued 1000 A6 from series A.
    const code = issueCode('A', 1000);
    for (const database of [a, b]) await database.meta.put({ key: 'codeSeries', series: 'A', nextSerial: 1001 });
    await olderChild(a, code, 'girl');
    await olderChild(b, code, 'boy');
    expect(await backfillRegistrations(a, T0 + 1)).toBe(1);
    expect(await backfillRegistrations(a, T0 + 2)).toBe(0);
    expect(await backfillRegistrations(b, T0 + 1)).toBe(1);
    expect((await a.registrations.toArray())[0]).toMatchObject({ childId: childIdFromCode(code), code, issued: true, at: T0 });
    expect((await a.outbox.toArray()).filter((op) => op.table === 'registrations')).toHaveLength(1);

    await copyRecords(b, a);
    const [clash] = await loadCodeClashes(a);
    expect(clash?.registrations.map((r) => r.gender).sort()).toEqual(['boy', 'girl']);
  });

  it('are not written for a child another tablet registered (it came by a pull)', async () => {
    await olderChild(b, issueCode('K', 4173), 'girl');
    await copyRecords(b, a);
    expect(await backfillRegistrations(a, T0 + 1)).toBe(0);
    expect(await a.registrations.count()).toBe(0);
  });
});
