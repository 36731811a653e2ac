import { describeIssues, opFieldsSchema, recordSchema, type Fields, type TableName } from '../../../shared/schema';
import { formatHlc, parseHlc, tick } from '../../../shared/hlc';
import { mergeOp, type Replica } from '../../../shared/merge';
import { SYNCED_TABLES, type DaybookDatabase, type MetaRow, type Stored } from './database';
import { forgetDaysTouched } from './day-facts';
import { fromReplica, toReplica } from './replica';

/**
 * Why a repository refused a write, as a code the screens turn into a sentence in the tablet's
 * language (ui/problem-sentences.ts). The error's `message` is for developers and tests.
 */
export type WriteProblem =
  /** The fields fail their table's schema: a bug, or input a form should have stopped. */
  | 'invalid'
  | 'lead-only'
  | 'day-closed'
  | 'day-already-closed'
  | 'day-not-closed'
  | 'no-such-child'
  | 'no-such-record'
  | 'no-such-session'
  | 'session-ended'
  | 'no-such-activity'
  | 'activity-in-use'
  | 'no-such-volunteer'
  | 'volunteer-off-list'
  | 'choose-children'
  | 'child-not-here'
  | 'child-not-in-session'
  | 'choose-signer'
  | 'check-out-time'
  | 'code-invalid'
  | 'code-erased'
  | 'codes-used-up'
  | 'name-empty'
  | 'name-taken'
  | 'too-long'
  | 'pin-invalid';

/** A write a repository refused. Nothing was stored; `message` names the field. */
export class InvalidWriteError extends Error {
  override name = 'InvalidWriteError';
  constructor(
    readonly problem: WriteProblem,
    message: string,
  ) {
    super(message);
  }
}

export type WriteOptions = {
  /** The write makes a new record: every required field must be present. */
  create?: boolean;
  /**
   * The id was made for this write (a new UUIDv7), so no record can hold it yet: the read of
   * the existing record is skipped. Only for immutable events created on this device.
   */
  fresh?: boolean;
  /** Wall clock, injected so tests control time. */
  now?: number;
  /**
   * The HLC of a write of this device the server refused because its clock was days ahead
   * (sync/engine.ts, CLOCK_AHEAD): this write stamps its fields again from the reset clock, so
   * each field still holding that HLC takes the new, lower stamp instead of being kept by the
   * merge. Only for that; every other write goes through the merge rule alone.
   */
  restamps?: string;
};

/** The device's clock and its learned offset from the server, read inside the write's transaction. */
async function readClock(database: DaybookDatabase): Promise<{ last: string; serverOffset: number }> {
  const [clock, offset] = await Promise.all([database.meta.get('clock'), database.meta.get('serverOffset')]);
  if (clock?.key !== 'clock') throw new Error('the local database has no clock row');
  return { last: clock.hlc, serverOffset: offset?.key === 'serverOffset' ? offset.ms : 0 };
}

/**
 * Puts the fields on a record of `table` and appends the op to the outbox in the same
 * transaction: both commit or neither does. Must be called inside `inWriteTransaction`.
 *
 * The clock row is read and written in the same transaction as the record, so two tabs (one
 * node) can never stamp the same HLC. Reads go out together and writes go out together: each
 * await is a trip through the event loop, which a throttled tablet feels on every tap.
 */
export async function writeInTransaction<T extends TableName>(
  database: DaybookDatabase,
  table: T,
  id: string,
  fields: Partial<Fields<T>>,
  options: WriteOptions = {},
): Promise<Stored<T>> {
  const checked = opFieldsSchema(table).safeParse(fields);
  if (!checked.success) throw new InvalidWriteError('invalid', describeIssues(checked.error));
  const store = database.table<Stored<T>, string>(table);
  const [clock, existing] = await Promise.all([readClock(database), options.fresh ? undefined : store.get(id)]);
  if (options.create && !existing) {
    const whole = recordSchema(table).safeParse({ deleted: false, ...checked.data, id });
    if (!whole.success) throw new InvalidWriteError('invalid', describeIssues(whole.error));
  }
  const hlc = formatHlc(tick(parseHlc(clock.last), options.now ?? Date.now(), clock.serverOffset));
  const opFields = { ...(checked.data as Record<string, unknown>) };
  if (options.create && !existing && !('deleted' in opFields)) opFields.deleted = false;
  const { next } = mergeOp(existing ? withoutRefusedClock(toReplica(existing), opFields, options.restamps) : undefined, { hlc, fields: opFields });
  const row = fromReplica<T>(id, next);
  await Promise.all([
    database.meta.put({ key: 'clock', hlc } satisfies MetaRow),
    store.put(row),
    database.outbox.add({ table, id, hlc, fields: opFields }),
    forgetDaysTouched(database, [{ table, before: existing, after: row }]),
  ]);
  return row;
}

/** The replica without the fields of `fields` that still hold the refused HLC `refused`. */
function withoutRefusedClock(replica: Replica, fields: Record<string, unknown>, refused: string | undefined): Replica {
  if (refused === undefined) return replica;
  const stale = new Set(Object.keys(fields).filter((key) => Object.hasOwn(replica.hlcs, key) && replica.hlcs[key] === refused));
  if (stale.size === 0) return replica;
  const fresh = ([key]: [string, unknown]) => !stale.has(key);
  return { fields: Object.fromEntries(Object.entries(replica.fields).filter(fresh)), hlcs: Object.fromEntries(Object.entries(replica.hlcs).filter(fresh)) };
}

/**
 * The tables a write transaction may touch: every synced table, the outbox, the clock, the kept
 * day summaries a write makes stale, the list of late arrivals a lead's correction clears, the
 * day corrections an erasure adds to, and the ops held for a server update an erasure deletes.
 */
export const WRITE_SCOPE = [...SYNCED_TABLES, 'outbox', 'meta', 'dayFacts', 'lateArrivals', 'dayCorrections', 'heldOps'];

/**
 * Runs `work` in one read-write transaction; any throw rolls every write in it back. Called
 * inside another, it joins that one (Dexie's zones), so actions compose into one transaction.
 */
export function inWriteTransaction<R>(database: DaybookDatabase, work: () => Promise<R>): Promise<R> {
  lastLocalWriteAt = performance.now();
  return database.transaction('rw', WRITE_SCOPE, work);
}

/** When this tab last began a local write: a person's tap, nearly always. */
let lastLocalWriteAt = -Infinity;

/** Milliseconds since this tab began its last local write: background work waits for a lull. */
export function sinceLastLocalWrite(): number {
  return performance.now() - lastLocalWriteAt;
}

/** One write, in its own transaction. */
export function writeRecord<T extends TableName>(
  database: DaybookDatabase,
  table: T,
  id: string,
  fields: Partial<Fields<T>>,
  options: WriteOptions = {},
): Promise<Stored<T>> {
  return inWriteTransaction(database, () => writeInTransaction(database, table, id, fields, options));
}

/**
 * What a composite action wrote, as the values to write back to take it back: the action's Undo.
 * Steps are undone last first. A record the action created is deleted by its Undo.
 */
export type Revert = { table: TableName; id: string; fields: Record<string, unknown> }[];

/** `writeInTransaction`, noting in `revert` how to put the record back as it was. */
export async function writeRemembering<T extends TableName>(
  database: DaybookDatabase,
  revert: Revert,
  table: T,
  id: string,
  fields: Partial<Fields<T>>,
  options: WriteOptions = {},
): Promise<Stored<T>> {
  const existing = await database.table<Stored<T>, string>(table).get(id);
  const back: Record<string, unknown> = {};
  if (!existing) back.deleted = true;
  else {
    // A field the record did not hold yet goes back to null (every such field is nullable) or,
    // for `deleted`, to false: what an absent field reads as.
    for (const key of Object.keys(fields)) back[key] = key in existing ? (existing as Record<string, unknown>)[key] : key === 'deleted' ? false : null;
  }
  revert.push({ table, id, fields: back });
  return writeInTransaction(database, table, id, fields, options);
}

/** Writes back what `revert` noted, last write first. Call inside `inWriteTransaction`. */
export async function revertWrites(database: DaybookDatabase, revert: Revert, now: number): Promise<void> {
  for (const step of [...revert].reverse()) await writeInTransaction(database, step.table, step.id, step.fields as never, { now });
}
