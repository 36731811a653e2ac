import { beforeEach, describe, expect, it } from 'vitest';
import { formatHlc, parseHlc } from '../../shared/hlc';
import { DaybookDatabase } from '../db/core/database';
import { writeRecord } from '../db/core/write';
import { restoreRefused } from './restore-refused';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const lead = (ms: number) => formatHlc({ ms, counter: 0, node: 'cccccccccccccccc' });

let database: DaybookDatabase;
let count = 0;

beforeEach(async () => {
  count += 1;
  database = new DaybookDatabase(`restore-refused-${count}`);
  await database.open();
});

const restore = (refused: Parameters<typeof restoreRefused>[1], ackedSeq: number) =>
  database.transaction('rw', [database.volunteers, database.outbox, database.heldOps, database.dayFacts, database.sessions, database.meta], () =>
    restoreRefused(database, refused, ackedSeq, { wallNow: T0, serverOffset: 0 }),
  );

describe('restoreRefused', () => {
  it('makes the record the server’s, with the ops still waiting in the outbox merged on top', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    // Waiting, not yet sent: it must survive the restore.
    await writeRecord(database, 'volunteers', 'v1', { active: false }, { now: T0 + 1 });
    const server = { fields: { displayName: 'Amira K.', active: true, deleted: false }, hlcs: { displayName: lead(T0 - 5), active: lead(T0 - 5), deleted: lead(T0 - 5) } };
    await restore([{ table: 'volunteers', id: 'v1', record: server }], 1);
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira K.', active: false, deleted: false });
  });

  it('moves the tablet’s clock past the server’s, so the next local write wins', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    const ahead = lead(T0 + 60_000);
    await restore([{ table: 'volunteers', id: 'v1', record: { fields: { displayName: 'Amira K.' }, hlcs: { displayName: ahead } } }], 1);
    const clock = await database.meta.get('clock');
    expect(clock?.key === 'clock' ? parseHlc(clock.hlc).ms : 0).toBe(T0 + 60_000);
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira L.' }, { now: T0 + 1 });
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira L.' });
  });

  it('removes a record the server does not hold, unless a waiting op writes it', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    await writeRecord(database, 'volunteers', 'v2', { displayName: 'Jo', active: true }, { create: true, now: T0 + 1 });
    await writeRecord(database, 'volunteers', 'v2', { active: false }, { now: T0 + 2 });
    await restore(
      [
        { table: 'volunteers', id: 'v1', record: null },
        { table: 'volunteers', id: 'v2', record: null },
      ],
      2,
    );
    expect(await database.volunteers.get('v1')).toBeUndefined();
    expect(await database.volunteers.get('v2')).toMatchObject({ active: false });
    expect((await database.volunteers.get('v2'))?.displayName).toBeUndefined();
  });

  it('merges the ops held for a server update on top too: they are this tablet’s writes, not yet the server’s', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    // Sent as seq 1 and refused by a server of another version: held, out of the outbox.
    const [op] = await database.outbox.toArray();
    await database.outbox.clear();
    await database.heldOps.add({ ...op!, seq: op!.seq!, heldAt: T0, serverVersion: '1.0.0', appVersion: '2.0.0', message: 'fields.active: unknown field' });
    const server = { fields: { displayName: 'Amira K.', deleted: false }, hlcs: { displayName: lead(T0 - 5), deleted: lead(T0 - 5) } };
    await restore([{ table: 'volunteers', id: 'v1', record: server }], 1);
    expect(await database.volunteers.get('v1')).toMatchObject({ displayName: 'Amira', active: true, deleted: false });
  });

  it('keeps a field of a newer server’s record that this version does not know, and says an update is waiting', async () => {
    await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: T0 });
    const server = { fields: { displayName: 'Amira', active: true, pronouns: 'she' }, hlcs: { displayName: lead(T0 - 5), active: lead(T0 - 5), pronouns: lead(T0 - 5) } };
    await restore([{ table: 'volunteers', id: 'v1', record: server }], 1);
    expect(await database.volunteers.get('v1')).toMatchObject({ pronouns: 'she' });
    expect(await database.meta.get('updateWaiting')).toEqual({ key: 'updateWaiting', since: T0, tables: [], fields: ['volunteers.pronouns'] });
  });
});
