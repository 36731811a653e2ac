import { formatHlc, MAX_AHEAD_MS, newNode, parseHlc, type Hlc } from '../../shared/hlc';
import type { TableName } from '../../shared/schema';
import { SYNCED_TABLES, type DaybookDatabase, type MetaRow, type OutboxOp, type Stored } from '../db/core/database';
import { writeInTransaction } from '../db/core/write';

/**
 * A tablet days behind learns a large serverOffset; when someone then sets its date right, its
 * writes are stamped that far ahead (hlc.ts, tick), the server refuses them (CLOCK_AHEAD), and
 * its clock row `last` stays days ahead, so every later write would be refused too. These two
 * steps, run in the transaction that records the push answer, put the tablet right without losing
 * a write.
 */

/**
 * When the answer refuses an op with CLOCK_AHEAD and `last` is more than MAX_AHEAD_MS ahead of the
 * server's time, sets `last` back and gives the local database a new HLC node: HLCs of the new
 * node can never equal the old, poisoned ones, so two writes never share an HLC and each node's
 * HLCs still strictly increase (sync-protocol.md, invariant 6). `last` goes back to the server's
 * time, or to the latest clock the tablet holds that the server could hold (at most MAX_AHEAD_MS
 * ahead of it: a tablet 23 hours ahead), so a write made after still wins over what it shows.
 * Returns the node the clock stamps with from now on.
 */
export async function resetPoisonedClock(database: DaybookDatabase, serverTime: number): Promise<string> {
  const [clockRow, device] = await Promise.all([database.meta.get('clock'), database.meta.get('device')]);
  if (clockRow?.key !== 'clock') throw new Error('the local database has no clock row');
  const last = parseHlc(clockRow.hlc);
  if (!Number.isSafeInteger(serverTime) || serverTime < 0 || last.ms <= serverTime + MAX_AHEAD_MS) return last.node;
  const bound = serverTime + MAX_AHEAD_MS;
  let latest: Hlc = { ms: serverTime, counter: 0, node: last.node };
  const see = (text: string) => {
    const seen = parseHlc(text);
    if (seen.ms <= bound && (seen.ms > latest.ms || (seen.ms === latest.ms && seen.counter > latest.counter))) latest = seen;
  };
  // Once per reset, which is once per wrong date set right: reading every row is affordable then.
  for (const table of SYNCED_TABLES) {
    await database.table<Stored<TableName>, string>(table).each((row) => {
      see(row._hlc);
      for (const hlc of Object.values(row._hlcs ?? {})) see(hlc);
    });
  }
  const node = newNode();
  await Promise.all([
    database.meta.put({ key: 'clock', hlc: formatHlc({ ms: latest.ms, counter: latest.counter, node }) } satisfies MetaRow),
    device?.key === 'device' ? database.meta.put({ ...device, node } satisfies MetaRow) : undefined,
  ]);
  return node;
}

/**
 * Writes a refused op's fields again as a new local write (a new HLC from the reset clock, the
 * record and a new outbox op in one transaction), so the write reaches the server instead of
 * being listed as refused. Only the fields whose value is still this op's: a later write of this
 * tablet to a field carries its own value, and reaches the server by itself. Returns false, and
 * writes nothing, when the record is no longer here (erased, purged): the caller lists the op as
 * refused, as before.
 */
export async function stampAgain(database: DaybookDatabase, op: OutboxOp, now: number): Promise<boolean> {
  const row = await database.table<Stored<TableName>, string>(op.table).get(op.id);
  if (!row) return false;
  const clockOf = (key: string) => row._hlcs?.[key] ?? row._hlc;
  const current = Object.entries(op.fields).filter(([key]) => Object.hasOwn(row, key) && clockOf(key) === op.hlc);
  if (current.length > 0) await writeInTransaction(database, op.table, op.id, Object.fromEntries(current), { now, restamps: op.hlc });
  return true;
}
