import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseHlc } from '../../shared/hlc';
import { mergeOp, type Replica } from '../../shared/merge';
import { checkOp, pushRequest } from '../../shared/schema';
import { DaybookDatabase, SYNCED_TABLES, type Enrolment, type OutboxOp } from '../db/core/database';
import { toReplica } from '../db/core/replica';
import { storeEnrolment } from '../db/repositories/sync-state';
import { writeRecord } from '../db/core/write';
import { createSyncEngine } from './engine';
import type { Transport } from './transport';

/**
 * Two tabs of one tablet: two Dexie instances on one database name, as two tabs open it. Each
 * write reads and moves the clock row in its own transaction, so IndexedDB's ordering of
 * transactions is what keeps two tabs from stamping one HLC. The writes here all happen in the
 * same millisecond of a frozen clock, from both tabs at once, on the same records.
 */

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-1',
  deviceId: 'device-1',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'lead',
  codeSeries: null,
  enrolledAt: T0,
};

let name: string;
let count = 0;
let tabs: [DaybookDatabase, DaybookDatabase];

beforeEach(async () => {
  count += 1;
  name = `two-instances-test-${count}`;
  tabs = [new DaybookDatabase(name), new DaybookDatabase(name)];
  await Promise.all(tabs.map((tab) => tab.open()));
  await storeEnrolment(tabs[0], enrolment);
});

afterEach(async () => {
  tabs[1].close();
  await tabs[0].delete();
});

/** 60 writes, alternating tabs, all started before any ends: five records, two fields, one millisecond. */
async function writeFromBothTabs(): Promise<void> {
  await Promise.all(
    Array.from({ length: 60 }, (_, n) =>
      writeRecord(tabs[n % 2]!, 'volunteers', `v${n % 5}`, n >= 5 && n % 3 === 0 ? { active: n % 2 === 0 } : { displayName: `Name ${n}`, active: true }, { create: true, now: T0 }),
    ),
  );
}

/** Every synced record a tab reads, as `table/id` -> fields. */
async function stateOf(tab: DaybookDatabase): Promise<Record<string, Record<string, unknown>>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const table of SYNCED_TABLES) {
    for (const row of await tab.table(table).toArray()) state[`${table}/${(row as { id: string }).id}`] = toReplica(row as never).fields;
  }
  return state;
}

/** All the ops merged by the shared rule, in any order: what every replica must hold. */
function merged(ops: readonly OutboxOp[]): Record<string, Record<string, unknown>> {
  const replicas = new Map<string, Replica>();
  for (const op of ops) replicas.set(`${op.table}/${op.id}`, mergeOp(replicas.get(`${op.table}/${op.id}`), op).next);
  return Object.fromEntries([...replicas].map(([key, replica]) => [key, replica.fields]));
}

/**
 * A server for one device, following sync-protocol.md on what matters here: ops at or below the
 * acknowledged seq are skipped, the others merged by the shared rule, pulls answer in commit order.
 */
function oneDeviceServer() {
  const records = new Map<string, { table: string; id: string; replica: Replica; cursor: number }>();
  let acked = 0;
  let lastCursor = 0;
  const merges: number[] = [];
  const transport: Transport = (request) => {
    if (request.path === '/api/v1/sync/push') {
      const { ops } = pushRequest.parse(request.body);
      for (const raw of ops) {
        if (raw.seq <= acked) continue;
        const checked = checkOp(raw);
        if (!checked.ok) throw new Error(checked.message);
        const { op } = checked;
        merges.push(raw.seq);
        const key = `${op.table}/${op.id}`;
        const { next, changed } = mergeOp(records.get(key)?.replica, op);
        if (changed) records.set(key, { table: op.table, id: op.id, replica: next, cursor: ++lastCursor });
        acked = raw.seq;
      }
      return Promise.resolve({ status: 200, body: { ackedSeq: acked, rejected: [], serverTime: T0 } });
    }
    const after = Number(new URLSearchParams(request.path.split('?')[1]).get('cursor'));
    const changes = [...records.values()]
      .filter((record) => record.cursor > after)
      .sort((a, b) => a.cursor - b.cursor)
      .map(({ cursor, table, id, replica }) => ({ cursor, table, id, fields: replica.fields, hlcs: replica.hlcs }));
    return Promise.resolve({ status: 200, body: { changes, nextCursor: changes.at(-1)?.cursor ?? after, hasMore: false, serverTime: T0 } });
  };
  const state = () => Object.fromEntries([...records.values()].map((record) => [`${record.table}/${record.id}`, record.replica.fields]));
  return { transport, merges, state };
}

describe('two tabs writing to one database', () => {
  it('stamp every write with its own HLC, in the order the writes commit, from one node', async () => {
    await writeFromBothTabs();
    const ops = await tabs[0].outbox.toArray();
    expect(ops).toHaveLength(60);
    const hlcs = ops.map((op) => op.hlc);
    expect(new Set(hlcs).size).toBe(60);
    // By seq, the order the outbox took them in, each HLC is greater than the one before.
    expect([...hlcs].sort()).toEqual(hlcs);
    expect(new Set(hlcs.map((hlc) => parseHlc(hlc).node)).size).toBe(1);
    // The clock stood still: only the counter tells them apart, as the protocol says.
    expect(new Set(hlcs.map((hlc) => parseHlc(hlc).ms))).toEqual(new Set([T0]));
  });

  it('read the same records, which are the merge of every write, whichever tab made it', async () => {
    await writeFromBothTabs();
    const ops = await tabs[1].outbox.toArray();
    const expected = merged(ops);
    expect(await stateOf(tabs[0])).toEqual(expected);
    expect(await stateOf(tabs[1])).toEqual(expected);
  });

  it('converge with the server when both tabs sync at once: each op merged once, the outbox emptied', async () => {
    await writeFromBothTabs();
    const ops = await tabs[0].outbox.toArray();
    const server = oneDeviceServer();
    const engines = tabs.map((tab) => createSyncEngine({ database: tab, transport: server.transport, now: () => T0 }));
    const results = await Promise.all(engines.map((engine) => engine.syncOnce()));
    expect(results.map((result) => result.outcome)).toEqual(['synced', 'synced']);
    expect(server.merges).toEqual(ops.map((op) => op.seq));
    const expected = merged(ops);
    expect(server.state()).toEqual(expected);
    expect(await stateOf(tabs[0])).toEqual(expected);
    expect(await stateOf(tabs[1])).toEqual(expected);
    expect(await tabs[1].outbox.count()).toBe(0);
  });
});
