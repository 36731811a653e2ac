import { mergeOp, type Replica } from '../../shared/merge';
import type { Rejection, TableName } from '../../shared/schema';
import { formatHlc, parseHlc, receive } from '../../shared/hlc';
import type { DaybookDatabase, MetaRow, Stored } from '../db/core/database';
import { forgetDaysTouched } from '../db/core/day-facts';
import { fromReplica } from '../db/core/replica';
import { incomingReplica, noteUnknownFields } from './apply-page';

/** A refused op's record, as the server holds it (null: it holds none). */
export type RefusedRecord = { table: TableName; id: string; record: NonNullable<Rejection['record']> | null };

/**
 * Puts back what the tablet wrote locally and the server refused (sync-protocol.md, Authority:
 * a volunteer's op on a lead-only table changes nothing on any replica, its own included). Each
 * record becomes the server's state with the tablet's ops still waiting merged on top (in the
 * outbox, or held for a server of another version), so nothing the server may yet accept is
 * lost. Call inside the transaction that records the acknowledgement, after `ackedSeq`, after
 * the ops it holds are held and before the outbox is trimmed; it must hold `heldOps` too.
 */
export async function restoreRefused(
  database: DaybookDatabase,
  refused: readonly RefusedRecord[],
  ackedSeq: number,
  clockNow: { wallNow: number; serverOffset: number },
): Promise<void> {
  if (refused.length === 0) return;
  // The server's clocks move this tablet's forward, as a pull's do (sync-protocol.md, HLC
  // format): a write made right after must beat what was put back.
  const clockRow = await database.meta.get('clock');
  if (clockRow?.key !== 'clock') throw new Error('the local database has no clock row');
  let clock = parseHlc(clockRow.hlc);
  for (const { record } of refused) for (const hlc of Object.values(record?.hlcs ?? {})) clock = receive(clock, hlc, clockNow.wallNow, clockNow.serverOffset);
  if (formatHlc(clock) !== clockRow.hlc) await database.meta.put({ key: 'clock', hlc: formatHlc(clock) } satisfies MetaRow);
  const keyOf = (table: string, id: string) => `${table}/${id}`;
  const wanted = new Map(refused.map((entry) => [keyOf(entry.table, entry.id), entry]));
  const [queued, held] = await Promise.all([database.outbox.where('seq').above(ackedSeq).toArray(), database.heldOps.toArray()]);
  // A held op is this tablet's write as much as a queued one: put back without it, the record
  // would lose it here until the server's update, and show the server's older values meanwhile.
  const waiting = [...queued, ...held].filter((op) => wanted.has(keyOf(op.table, op.id)));
  for (const { table, id, record } of wanted.values()) {
    const store = database.table<Stored<TableName>, string>(table);
    const before = await store.get(id);
    let replica: Replica | undefined = record ? incomingReplica(record) : undefined;
    for (const op of waiting) if (op.table === table && op.id === id) replica = mergeOp(replica, op).next;
    if (replica === undefined) await store.delete(id);
    else await store.put(fromReplica(id, replica));
    const after = replica === undefined ? undefined : fromReplica(id, replica);
    await forgetDaysTouched(database, [{ table, before, after: after ?? before ?? {} }]);
  }
  // A newer server's record may hold fields this version does not know: kept in the row, and
  // an update is waiting for them.
  await noteUnknownFields(database, refused.flatMap(({ table, id, record }) => (record ? [{ table, id, ...record }] : [])), clockNow.wallNow);
}
