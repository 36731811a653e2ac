import { parseHlc, MAX_AHEAD_MS } from '../../shared/hlc';
import { mergeOp, type Replica } from '../../shared/merge';
import { checkOp, type Op, type Rejection } from '../../shared/schema/wire';
import { tokenRevoked } from '../auth';
import {
  lockCentreForChanges,
  lockDevice,
  lockRecords,
  rejectionsBetween,
  saveAckedSeq,
  saveRejections,
  takeCursors,
  upsertRecords,
  type ChangedRecord,
  type RecordKey,
} from '../store/records';
import type { Queryable, Store } from '../store/types';
import { storableMessage, unstorableProblem } from './storable';

/**
 * sync-protocol.md, `POST /api/v1/sync/push`: one batch of a device's ops, in one transaction.
 * Ops at or below the device's acknowledged seq are skipped (a retry changes nothing); each new
 * op is checked on its own and either merged by the shared per-field rule or listed as rejected
 * with a reason; the acknowledged seq moves to the batch's last op.
 */

export interface PushBatch {
  deviceId: string;
  centreId: string;
  /** The body's ops: each has an integer seq, increasing (pushRequest checked that); the rest is unchecked. */
  ops: readonly { seq: number }[];
  /** The server's clock, epoch ms. */
  now: number;
}

export interface PushResult {
  ackedSeq: number;
  rejected: Rejection[];
}

export async function pushBatch(store: Store, batch: PushBatch): Promise<PushResult> {
  return store.transaction(async (tx) => {
    // The device's row lock makes two pushes of one device (a retry racing the original) take
    // turns, so the second one sees the first one's acknowledged seq and skips its ops.
    const device = await lockDevice(tx, batch.deviceId);
    // Revoked after this request was authenticated: nothing of it may land.
    if (!device || device.revoked) throw tokenRevoked();
    const fresh = batch.ops.filter((op) => op.seq > device.ackedSeq);
    const replayed = await earlierRejections(tx, batch, device.ackedSeq);
    const last = fresh.at(-1);
    if (!last) return { ackedSeq: device.ackedSeq, rejected: replayed };

    const { valid, rejected } = checkOps(fresh, batch.now);
    await saveRejections(tx, batch.deviceId, rejected);
    if (valid.length > 0) {
      await lockCentreForChanges(tx, batch.centreId);
      const changed = mergeAll(await lockRecords(tx, batch.centreId, distinctKeys(valid)), valid);
      if (changed.length > 0) {
        const lastCursor = await takeCursors(tx, batch.centreId, changed.length);
        const firstCursor = lastCursor - changed.length + 1;
        const numbered: ChangedRecord[] = changed.map((record, i) => ({ ...record, cursor: firstCursor + i }));
        await upsertRecords(tx, batch.centreId, numbered);
      }
    }
    // Rejected ops count as processed: the device forgets them and shows the reason instead.
    await saveAckedSeq(tx, batch.deviceId, last.seq, batch.now);
    return { ackedSeq: last.seq, rejected: [...replayed, ...rejected] };
  });
}

/**
 * The rejections of this batch's ops that an earlier push of them already gave. The device
 * forgets an op once acknowledged: if the answer that said why it was rejected was lost, the
 * retry is the only chance to say it again (sync-protocol.md, "No lost write").
 */
async function earlierRejections(tx: Queryable, batch: PushBatch, ackedSeq: number): Promise<Rejection[]> {
  const skipped = batch.ops.filter((op) => op.seq <= ackedSeq);
  const first = skipped[0];
  const last = skipped.at(-1);
  if (!first || !last) return [];
  const seqs = new Set(skipped.map((op) => op.seq));
  return (await rejectionsBetween(tx, batch.deviceId, first.seq, last.seq)).filter((rejection) => seqs.has(rejection.seq));
}

function checkOps(ops: readonly { seq: number }[], now: number): { valid: Op[]; rejected: Rejection[] } {
  const valid: Op[] = [];
  const rejected: Rejection[] = [];
  const reject = (seq: number, code: string, message: string) => rejected.push({ seq, code, message: storableMessage(message) });
  for (const input of ops) {
    const checked = checkOp(input);
    if (!checked.ok) {
      reject(input.seq, 'INVALID_OP', checked.message);
      continue;
    }
    const { op } = checked;
    const problem = unstorableProblem(op.id, 'id') ?? unstorableProblem(op.fields, 'fields');
    if (problem) {
      reject(op.seq, 'INVALID_OP', problem);
      continue;
    }
    // Stored, such an HLC would win every later write to its fields until that day comes, and
    // every tablet pulling it would hold it (hlc.ts `receive` keeps it from their clocks, not
    // from their records).
    if (parseHlc(op.hlc).ms > now + MAX_AHEAD_MS) {
      reject(op.seq, 'CLOCK_AHEAD', "hlc: the device's clock is more than 24 hours ahead of the server's; set the tablet's date and time");
      continue;
    }
    valid.push(op);
  }
  return { valid, rejected };
}

function keyOf(record: RecordKey): string {
  // Table names hold no colon, so the first one ends the table.
  return `${record.table}:${record.id}`;
}

function distinctKeys(ops: readonly Op[]): RecordKey[] {
  const keys = new Map<string, RecordKey>();
  for (const op of ops) keys.set(keyOf(op), { table: op.table, id: op.id });
  return [...keys.values()];
}

/**
 * Merges the ops, in seq order, into the stored replicas; several ops on one record merge in
 * memory and the record is written once. Returns the records that changed, in the order of their
 * first change (the order their cursors follow).
 */
function mergeAll(stored: readonly { table: Op['table']; id: string; replica: Replica }[], ops: readonly Op[]): Omit<ChangedRecord, 'cursor'>[] {
  const replicas = new Map<string, Replica>(stored.map((record) => [keyOf(record), record.replica]));
  const changed = new Map<string, Omit<ChangedRecord, 'cursor'>>();
  for (const op of ops) {
    const key = keyOf(op);
    const { next, changed: didChange } = mergeOp(replicas.get(key), op);
    if (!didChange) continue;
    replicas.set(key, next);
    const record = changed.get(key);
    if (record) record.replica = next;
    else changed.set(key, { table: op.table, id: op.id, replica: next });
  }
  return [...changed.values()];
}
