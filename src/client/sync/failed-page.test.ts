import type { DBCore, DBCoreMutateRequest, DBCoreTable } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHlc, parseHlc } from '../../shared/hlc';
import type { PulledChange } from '../../shared/schema';
import { DaybookDatabase, type Enrolment } from '../db/core/database';
import { storeEnrolment } from '../db/repositories/sync-state';
import { writeRecord } from '../db/core/write';
import { applyPullPage } from './apply-page';
import { createSyncEngine } from './engine';
import type { Transport } from './transport';

/**
 * A pull page that fails leaves the tablet exactly as it was: its clock, its cursor, every table.
 * Actual (the budgeting app) shipped a sync that moved the clock before a failed apply; the next
 * local write then sorted after changes the tablet never stored. The pages here carry clocks an
 * hour ahead of the tablet's, so a clock stored apart from its page would show.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const HOUR = 3_600_000;
const remote = (ms: number) => formatHlc({ ms, counter: 0, node: 'bbbbbbbbbbbbbbbb' });

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-1',
  deviceId: 'device-1',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'lead',
  codeSeries: null,
  enrolledAt: T0,
};

function change(cursor: number, table: 'volunteers' | 'children', id: string, fields: Record<string, unknown>): PulledChange {
  return { cursor, table, id, fields, hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, remote(T0 + HOUR)])) };
}

/** A page of two tables: the children are merged before the volunteers fail, in one transaction. */
const page = {
  changes: [
    change(1, 'children', 'c1', { code: 'A1001', firstName: 'Lina', deleted: false }),
    change(2, 'volunteers', 'v1', { displayName: 'Amira' }),
    change(3, 'volunteers', 'v2', { displayName: 'Sam', active: true }),
  ],
  nextCursor: 3,
  hasMore: false,
  serverTime: T0,
};

class DiskFull extends Error {
  override name = 'QuotaExceededError';
}

let name: string;
let count = 0;
let database: DaybookDatabase;
/**
 * Once set, every write to that table fails, as a full disk or a closing tab fails it; `meta` only
 * fails the write that holds the pull cursor (the page's last), so that other meta rows still go.
 */
let failing: string | null = null;

const holdsCursor = (request: DBCoreMutateRequest) => request.type === 'put' && request.values.some((row) => (row as { key?: unknown }).key === 'pullCursor');

/** The tablet's database, with a Dexie middleware that fails the writes of the table `failing` names. */
function openFailing(): DaybookDatabase {
  const instance = new DaybookDatabase(name);
  instance.use({
    stack: 'dbcore',
    name: 'writes to one table fail',
    create: (down: DBCore) => ({
      ...down,
      table: (tableName: string): DBCoreTable => {
        const table = down.table(tableName);
        const fails = (request: DBCoreMutateRequest) => tableName === failing && (tableName !== 'meta' || holdsCursor(request));
        return { ...table, mutate: (request) => (fails(request) ? Promise.reject(new DiskFull('the disk is full')) : table.mutate(request)) };
      },
    }),
  });
  return instance;
}

/** Every row of every table, the clock, cursor and offset among them (meta). */
async function everything(of: DaybookDatabase, leaveOut: readonly string[] = []) {
  const tables = await Promise.all(of.tables.map(async (table) => [table.name, await table.toArray()] as const));
  return Object.fromEntries(tables.map(([table, rows]) => [table, table === 'meta' ? rows.filter((row) => !leaveOut.includes((row as { key: string }).key)) : rows]));
}

async function clockOf(of: DaybookDatabase): Promise<string> {
  const row = await of.meta.get('clock');
  if (row?.key !== 'clock') throw new Error('no clock row');
  return row.hlc;
}

beforeEach(async () => {
  count += 1;
  name = `failed-page-test-${count}`;
  failing = null;
  database = openFailing();
  await database.open();
  await storeEnrolment(database, enrolment);
  await database.meta.put({ key: 'pullCursor', cursor: 0 });
  // The tablet has written: its clock stands at T0, an hour behind the page's.
  await writeRecord(database, 'volunteers', 'v1', { displayName: 'Amira on this tablet', active: true }, { create: true, now: T0 });
});

afterEach(async () => {
  await database.delete();
});

describe('a pull page that fails', () => {
  it('would move the clock and the cursor had it succeeded (so the tests below can see them stay)', async () => {
    const before = parseHlc(await clockOf(database)).ms;
    await applyPullPage(database, page, T0);
    expect(before).toBe(T0);
    expect(parseHlc(await clockOf(database)).ms).toBe(T0 + HOUR);
    expect(await database.meta.get('pullCursor')).toEqual({ key: 'pullCursor', cursor: 3 });
  });

  it.each([
    ['part-way, after a table of it was merged', 'volunteers'],
    ['at its last write, of the cursor and the clock', 'meta'],
  ])('%s leaves the clock, the cursor and every table as they were', async (_when, table) => {
    const before = await everything(database);
    failing = table;
    await expect(applyPullPage(database, page, T0 + 1_000)).rejects.toThrow('the disk is full');
    failing = null;
    expect(await everything(database)).toEqual(before);
    // And the next local write sorts where it would have before the page.
    const written = await writeRecord(database, 'volunteers', 'v3', { displayName: 'Noor', active: true }, { create: true, now: T0 + 2_000 });
    expect(parseHlc(written._hlc).ms).toBe(T0 + 2_000);
  });

  it('through a whole sync, ends the sync in error and leaves all but the outcome as it was; the next sync applies it', async () => {
    // A server that has acknowledged the tablet's op and sends the page above on every pull.
    const transport: Transport = (request) =>
      Promise.resolve(
        request.path === '/api/v1/sync/push'
          ? { status: 200, body: { ackedSeq: 1, rejected: [], serverTime: T0 } }
          : { status: 200, body: structuredClone(page) },
      );
    const engine = createSyncEngine({ database, transport, now: () => T0 + 1_000 });
    const clockBefore = await clockOf(database);
    // The push goes through: what a page failing must not undo is what came before it.
    failing = 'children';
    const pushedOnly = await engine.syncOnce();
    expect(pushedOnly).toMatchObject({ outcome: 'error', pushed: 1, pulled: 0 });
    expect(pushedOnly.message).toMatch(/disk is full/);
    failing = null;
    const afterFailure = await everything(database, ['syncOutcome']);
    expect(afterFailure['outbox']).toEqual([]);
    expect(await clockOf(database)).toBe(clockBefore);
    expect(await database.meta.get('pullCursor')).toEqual({ key: 'pullCursor', cursor: 0 });
    expect(afterFailure['children']).toEqual([]);

    // Nothing was half-stored that the next sync would have to undo: it applies the page whole.
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pulled: 3 });
    expect(parseHlc(await clockOf(database)).ms).toBe(T0 + HOUR);
    expect(await database.children.get('c1')).toMatchObject({ firstName: 'Lina' });
  });
});
