import { CHANGES_CHANNEL } from './change-feed';
import { parseHlc, MAX_AHEAD_MS } from '../../shared/hlc';
import { mergeOp, type Replica } from '../../shared/merge';
import { recordId, z } from '../../shared/schema/common';
import { LEAD_ONLY_TABLES, tableName } from '../../shared/schema/tables';
import { checkOp, type Op, type Rejection, type Role } from '../../shared/schema/wire';
import { tokenRevoked } from '../auth';
import {
  lockCentreForChanges,
  lockDevice,
  lockRecords,
  recordsNamed,
  rejectionsBetween,
  saveAckedSeq,
  saveRejections,
  storeChanges,
  type ChangedRecord,
  type RecordKey,
  type RememberedRejection,
  type StoredRecord,
} from '../store/records';
import { forgetDayFacts } from '../store/day-totals';
import { isPurged } from '../../shared/retention';
import { eraseChildren, screenForErasures } from './erasure';
import type { Queryable, Store } from '../store/types';
import { storableMessage, unstorableProblem } from './storable';

/**
 * sync-protocol.md, `POST /api/v1/sync/push`: one batch of a device's ops, in one transaction.
 * Ops at or below the device's acknowledged seq are skipped (a retry changes nothing); each new
 * op is checked on its own and either merged by the shared per-field rule or listed as rejected
 * with a reason; the acknowledged seq moves to the batch's last op. Each rejection carries the
 * server's state of the record its op named, so the device can put back what it wrote locally.
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
  /** Records this push changed: when any, the centre's waiting pulls are told (change-feed.ts). Not sent. */
  changed: number;
}

/** A refused op: why, and the record it named when its table and id could name one. */
interface Refusal {
  rejection: RememberedRejection;
  key: RecordKey | undefined;
}

export async function pushBatch(store: Store, batch: PushBatch): Promise<PushResult> {
  return store.transaction(async (tx) => {
    // The device's row lock makes two pushes of one device (a retry racing the original) take
    // turns, so the second one sees the first one's acknowledged seq and skips its ops.
    const device = await lockDevice(tx, batch.deviceId);
    // Revoked after this request was authenticated: nothing of it may land.
    if (!device || device.revoked) throw tokenRevoked();
    const fresh = batch.ops.filter((op) => op.seq > device.ackedSeq);
    const replayed = await earlierRefusals(tx, batch, device.ackedSeq);
    const last = fresh.at(-1);
    if (!last) return { ackedSeq: device.ackedSeq, rejected: await withRecords(tx, batch.centreId, replayed), changed: 0 };

    // What the device may write comes from the row this push holds, like `revoked`, not from the
    // lookup that let the request in before this transaction began.
    const { valid: checked, refused } = checkOps(fresh, batch.now, device.role);
    let changedRecords = 0;
    let acked = false;
    if (checked.length > 0) {
      const centre = await lockCentreForChanges(tx, batch.centreId);
      // Under the centre's lock, so an erasure another tablet is committing is seen (invariant 10).
      const { kept, refused: erased, newlyErased } = await screenForErasures(tx, batch.centreId, checked);
      for (const op of erased) refused.push({ rejection: { seq: op.seq, code: 'ERASED', message: "childId: this child's records were erased" }, key: { table: op.table, id: op.id } });
      // An op for a purged day is acknowledged and not stored (sync-protocol.md, Retention).
      const notPurged = kept.filter((op) => !forPurgedDay(op, centre.firstKeptDay));
      const stored = await lockRecords(tx, batch.centreId, distinctKeys(notPurged));
      const valid = await withoutChangesToPurged(tx, batch.centreId, notPurged, stored, centre.firstKeptDay);
      const changed = mergeAll(stored, valid);
      if (changed.length > 0) {
        // Numbered in the order of their first change, in the statement that writes them. The
        // kept totals of the days these records were and are on are stale now: forgotten in the
        // same statement, unless a participation's day is its session's, read after the write.
        const held = new Set(stored.map(keyOf));
        const { days, sessionIds } = dayChanges(stored, changed);
        // Other server processes on this database hear of it at commit (sync/change-feed.ts).
        const along = {
          ack: { deviceId: batch.deviceId, ackedSeq: last.seq, now: batch.now },
          ...(sessionIds.size === 0 && { forgetDays: days }),
          ...(store.driver === 'postgres' && { notify: CHANGES_CHANNEL }),
        };
        await storeChanges(tx, batch.centreId, changed, (record) => held.has(keyOf(record)), along);
        acked = true;
        if (sessionIds.size > 0) await forgetDayFacts(tx, batch.centreId, [...days, ...(await sessionDays(tx, batch.centreId, sessionIds))]);
        changedRecords = changed.length;
      }
      if (newlyErased.length > 0) await eraseChildren(tx, batch.centreId, newlyErased);
    }
    refused.sort((a, b) => a.rejection.seq - b.rejection.seq);
    await saveRejections(tx, batch.deviceId, refused.map((refusal) => refusal.rejection));
    // Rejected ops count as processed: the device forgets them and shows the reason instead.
    // A batch that changed records moved it in the statement that wrote them.
    if (!acked) await saveAckedSeq(tx, batch.deviceId, last.seq, batch.now);
    // Read after the merge: the records as this push leaves them, a valid op of the same batch
    // on a refused op's record included.
    return { ackedSeq: last.seq, rejected: await withRecords(tx, batch.centreId, [...replayed, ...refused]), changed: changedRecords };
  });
}

/**
 * The rejections of this batch's ops that an earlier push of them already gave. The device
 * forgets an op once acknowledged: if the answer that said why it was rejected was lost, the
 * retry is the only chance to say it again (sync-protocol.md, "No lost write"). The record is
 * the one the op in this body names: the device reads a rejection's record as the state of the
 * op it holds at that seq, and a device never reuses a seq, so that is the op refused.
 */
async function earlierRefusals(tx: Queryable, batch: PushBatch, ackedSeq: number): Promise<Refusal[]> {
  const skipped = batch.ops.filter((op) => op.seq <= ackedSeq);
  const first = skipped[0];
  const last = skipped.at(-1);
  if (!first || !last) return [];
  const bySeq = new Map(skipped.map((op) => [op.seq, op]));
  return (await rejectionsBetween(tx, batch.deviceId, first.seq, last.seq)).flatMap((rejection) => {
    const op = bySeq.get(rejection.seq);
    return op ? [{ rejection, key: recordNamedBy(op) }] : [];
  });
}

/**
 * Each refusal with the server's current state of the record its op named (null when the server
 * holds none): one statement for all of them, however many ops a batch had refused.
 */
async function withRecords(tx: Queryable, centreId: string, refusals: readonly Refusal[]): Promise<Rejection[]> {
  const keys = distinctKeys(refusals.flatMap((refusal) => (refusal.key ? [refusal.key] : [])));
  const stored = new Map((await recordsNamed(tx, centreId, keys)).map((record) => [keyOf(record), record.replica]));
  return refusals.map(({ rejection, key }) => {
    if (!key) return rejection;
    const replica = stored.get(keyOf(key));
    return { ...rejection, record: replica ? { fields: replica.fields, hlcs: replica.hlcs } : null };
  });
}

/** The table and id an op names, even one invalid otherwise; undefined when they are not a record's. */
const namedRecord = z.object({ table: tableName, id: recordId });

function recordNamedBy(input: unknown): RecordKey | undefined {
  const named = namedRecord.safeParse(input);
  // An id PostgreSQL cannot store names no stored record, and would fail the read that looks.
  if (!named.success || unstorableProblem(named.data.id, 'id')) return undefined;
  return { table: named.data.table, id: named.data.id };
}

/**
 * Each op checked on its own, in this order, the first problem found giving the code:
 * - INVALID_OP: not a well-formed op of its table (checkOp: nested too deep, a prototype key, a
 *   field of the wrong type or size, a setting its key's schema refuses), or text PostgreSQL
 *   cannot store. First, also for a volunteer's op on a lead-only table: the message names the
 *   field the tablet got wrong, a bug to fix whoever sent it.
 * - LEAD_ONLY: a lead-only table, from a device that is not a lead. Before the clock: no clock
 *   would make the op land, so "set the tablet's date and time" would send someone to fix the
 *   wrong thing.
 * - CLOCK_AHEAD: an HLC more than 24 hours ahead of the server's clock.
 */
function checkOps(ops: readonly { seq: number }[], now: number, role: Role): { valid: Op[]; refused: Refusal[] } {
  const valid: Op[] = [];
  const refused: Refusal[] = [];
  const refuse = (seq: number, code: string, message: string, key: RecordKey | undefined) =>
    refused.push({ rejection: { seq, code, message: storableMessage(message) }, key });
  for (const input of ops) {
    const checked = checkOp(input);
    if (!checked.ok) {
      refuse(input.seq, 'INVALID_OP', checked.message, recordNamedBy(input));
      continue;
    }
    const { op } = checked;
    const problem = unstorableProblem(op.id, 'id') ?? unstorableProblem(op.fields, 'fields');
    if (problem) {
      refuse(op.seq, 'INVALID_OP', problem, recordNamedBy(op));
      continue;
    }
    const key = { table: op.table, id: op.id };
    // sync-protocol.md, Authority: such an op changes nothing on any replica (invariant 9).
    if (role !== 'lead' && LEAD_ONLY_TABLES.has(op.table)) {
      refuse(op.seq, 'LEAD_ONLY', `table: only a lead device can change ${op.table}`, key);
      continue;
    }
    // Stored, such an HLC would win every later write to its fields until that day comes, and
    // every tablet pulling it would hold it (hlc.ts `receive` keeps it from their clocks, not
    // from their records).
    if (parseHlc(op.hlc).ms > now + MAX_AHEAD_MS) {
      refuse(op.seq, 'CLOCK_AHEAD', "hlc: the device's clock is more than 24 hours ahead of the server's; set the tablet's date and time", key);
      continue;
    }
    valid.push(op);
  }
  return { valid, refused };
}

const DAY_TABLES: ReadonlySet<string> = new Set(['attendance', 'shifts', 'sessions', 'dayCloses']);
const dayOf = (fields: Record<string, unknown> | undefined) => (typeof fields?.['day'] === 'string' ? fields['day'] : undefined);

/** An op on a day's table for a day the last purge removed. */
function forPurgedDay(op: Op, firstKeptDay: string | null): boolean {
  const day = dayOf(op.fields);
  return firstKeptDay !== null && DAY_TABLES.has(op.table) && day !== undefined && isPurged(day, firstKeptDay);
}

/**
 * The ops left once changes to purged records are taken out, for a record the server does not
 * hold: an op naming no day (an Undo's `deleted`, a check-out's `leftAt`, written on a tablet
 * that had not purged yet), or a participation of a session the server does not hold (its
 * session's day was purged). Stored, either would be a record that every tablet pulls and no
 * purge ever finds (it has no day). Acknowledged and not stored, as an op for a purged day is.
 * A record or session created earlier in the batch is held.
 */
async function withoutChangesToPurged(tx: Queryable, centreId: string, ops: readonly Op[], stored: readonly StoredRecord[], firstKeptDay: string | null): Promise<Op[]> {
  if (firstKeptDay === null) return [...ops];
  const held = new Set(stored.map(keyOf));
  const sessionIds = new Set<string>();
  for (const op of ops) if (op.table === 'participations' && typeof op.fields['sessionId'] === 'string' && !held.has(keyOf(op))) sessionIds.add(op.fields['sessionId']);
  if (sessionIds.size > 0) {
    const sessions = await tx.query<{ id: string }>(`SELECT id FROM records WHERE centre_id = $1 AND tbl = 'sessions' AND id = ANY($2::text[])`, [centreId, [...sessionIds]]);
    for (const { id } of sessions) held.add(keyOf({ table: 'sessions', id }));
  }
  return ops.filter((op) => {
    if (held.has(keyOf(op))) return true;
    if (DAY_TABLES.has(op.table) && dayOf(op.fields) === undefined) return false;
    if (op.table === 'participations') {
      const sessionId = op.fields['sessionId'];
      if (typeof sessionId !== 'string' || !held.has(keyOf({ table: 'sessions', id: sessionId }))) return false;
    }
    held.add(keyOf(op));
    return true;
  });
}

/**
 * The days whose figures the changed records touch: the day each was on and is on, and for a
 * participation its session's (sessionDays, read after the write, so a session of the same batch
 * counts): here the sessions to read.
 */
function dayChanges(stored: readonly StoredRecord[], changed: readonly Omit<ChangedRecord, 'cursor'>[]): { days: string[]; sessionIds: Set<string> } {
  const before = new Map(stored.map((record) => [keyOf(record), record.replica.fields]));
  const days = new Set<string>();
  const sessionIds = new Set<string>();
  for (const record of changed) {
    const was = before.get(keyOf(record));
    for (const fields of [was, record.replica.fields]) {
      if (DAY_TABLES.has(record.table)) {
        const day = dayOf(fields);
        if (day !== undefined) days.add(day);
      } else if (record.table === 'participations' && typeof fields?.['sessionId'] === 'string') {
        sessionIds.add(fields['sessionId']);
      }
    }
  }
  return { days: [...days], sessionIds };
}

/** The days of these sessions, as this transaction holds them. */
async function sessionDays(tx: Queryable, centreId: string, sessionIds: ReadonlySet<string>): Promise<string[]> {
  const sessions = await tx.query<{ day: string }>(
    `SELECT DISTINCT fields->>'day' AS day FROM records WHERE centre_id = $1 AND tbl = 'sessions' AND id = ANY($2::text[]) AND fields ? 'day'`,
    [centreId, [...sessionIds]],
  );
  return sessions.map(({ day }) => day);
}

function keyOf(record: RecordKey): string {
  // Table names hold no colon, so the first one ends the table.
  return `${record.table}:${record.id}`;
}

function distinctKeys(named: readonly RecordKey[]): RecordKey[] {
  const keys = new Map<string, RecordKey>();
  for (const key of named) keys.set(keyOf(key), { table: key.table, id: key.id });
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
