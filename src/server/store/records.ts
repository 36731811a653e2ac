import type { Replica } from '../../shared/merge';
import type { TableName } from '../../shared/schema/tables';
import type { Rejection, Role } from '../../shared/schema/wire';
import type { Queryable } from './types';

/**
 * The synced records, one row per record of a centre: its fields, the HLC of each field, and the
 * cursor of its latest change. The SQL of a push (sync/push.ts) and a pull, a few statements
 * each whatever the batch size: lists go to PostgreSQL as one JSON parameter.
 */

export interface RecordKey {
  table: TableName;
  id: string;
}

export interface StoredRecord extends RecordKey {
  replica: Replica;
}

export interface ChangedRecord extends StoredRecord {
  cursor: number;
}

/** The device's acknowledged seq, revocation and role, its row locked until the transaction ends; undefined if unknown. */
export async function lockDevice(tx: Queryable, deviceId: string): Promise<{ ackedSeq: number; revoked: boolean; role: Role } | undefined> {
  // devices.role is CHECKed to be 'lead' or 'volunteer' (migration 2).
  const [row] = await tx.query<{ acked_seq: number; revoked: boolean; role: Role }>(
    'SELECT acked_seq, revoked_at IS NOT NULL AS revoked, role FROM devices WHERE id = $1 FOR UPDATE',
    [deviceId],
  );
  return row && { ackedSeq: row.acked_seq, revoked: row.revoked, role: row.role };
}

export async function saveAckedSeq(tx: Queryable, deviceId: string, ackedSeq: number, now: number): Promise<void> {
  await tx.query('UPDATE devices SET acked_seq = greatest(acked_seq, $2), last_seen_at = greatest(last_seen_at, $3) WHERE id = $1', [
    deviceId,
    ackedSeq,
    new Date(now),
  ]);
}

/** Why an op was refused, as rejected_ops keeps it (a rejection without the record it named). */
export type RememberedRejection = Pick<Rejection, 'seq' | 'code' | 'message'>;

/** Remembers why ops were rejected, so a retry of their push can say it again. */
export async function saveRejections(tx: Queryable, deviceId: string, rejected: readonly RememberedRejection[]): Promise<void> {
  if (rejected.length === 0) return;
  await tx.query(
    `INSERT INTO rejected_ops (device_id, seq, code, message)
     SELECT $1, r.seq, r.code, r.message FROM jsonb_to_recordset($2::jsonb) AS r(seq bigint, code text, message text)
     ON CONFLICT (device_id, seq) DO NOTHING`,
    [deviceId, JSON.stringify(rejected.map(({ seq, code, message }) => ({ seq, code, message })))],
  );
}

/** The device's rejected ops with a seq from `fromSeq` to `toSeq`, in seq order. */
export async function rejectionsBetween(tx: Queryable, deviceId: string, fromSeq: number, toSeq: number): Promise<RememberedRejection[]> {
  return tx.query<RememberedRejection>('SELECT seq, code, message FROM rejected_ops WHERE device_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq', [
    deviceId,
    fromSeq,
    toSeq,
  ]);
}

/**
 * Takes the centre's row lock, held until commit: the pushes of one centre then merge and number
 * their changes one after the other. Without it, two pushes creating the same record (two tablets
 * registering one child code) would both merge into an empty record and the later upsert would
 * drop the other's fields. NO KEY: inserts that reference the centre only need a key-share lock.
 */
export async function lockCentreForChanges(tx: Queryable, centreId: string): Promise<{ firstKeptDay: string | null }> {
  const [row] = await tx.query<{ first_kept_day: string | null }>('SELECT first_kept_day FROM centres WHERE id = $1 FOR NO KEY UPDATE', [centreId]);
  if (!row) throw new Error(`no centre ${centreId}`);
  // The retention bound the last purge applied (day-totals.ts): days before it hold no records.
  return { firstKeptDay: row.first_kept_day };
}

/** The stored replicas among `keys`, their rows locked until the transaction ends. */
export async function lockRecords(tx: Queryable, centreId: string, keys: readonly RecordKey[]): Promise<StoredRecord[]> {
  if (keys.length === 0) return [];
  const rows = await tx.query<{ tbl: TableName; id: string; fields: Record<string, unknown>; hlcs: Record<string, string> }>(
    `SELECT r.tbl, r.id, r.fields, r.hlcs
     FROM records r
     JOIN jsonb_to_recordset($2::jsonb) AS k(tbl text, id text) ON r.tbl = k.tbl AND r.id = k.id
     WHERE r.centre_id = $1
     ORDER BY r.tbl, r.id
     FOR UPDATE OF r`,
    [centreId, JSON.stringify(keys.map((key) => ({ tbl: key.table, id: key.id })))],
  );
  return rows.map((row) => ({ table: row.tbl, id: row.id, replica: { fields: row.fields, hlcs: row.hlcs } }));
}

/**
 * The stored replicas among `keys`, as they stand in this transaction (its own upserts included),
 * without locking them: what a push tells a device about the records whose ops it refused.
 */
export async function recordsNamed(q: Queryable, centreId: string, keys: readonly RecordKey[]): Promise<StoredRecord[]> {
  if (keys.length === 0) return [];
  const rows = await q.query<{ tbl: TableName; id: string; fields: Record<string, unknown>; hlcs: Record<string, string> }>(
    `SELECT r.tbl, r.id, r.fields, r.hlcs
     FROM records r
     JOIN jsonb_to_recordset($2::jsonb) AS k(tbl text, id text) ON r.tbl = k.tbl AND r.id = k.id
     WHERE r.centre_id = $1`,
    [centreId, JSON.stringify(keys.map((key) => ({ tbl: key.table, id: key.id })))],
  );
  return rows.map((row) => ({ table: row.tbl, id: row.id, replica: { fields: row.fields, hlcs: row.hlcs } }));
}

/**
 * Reserves `count` consecutive cursors for the centre and returns the last one. Called under the
 * centre's row lock (lockCentreForChanges), so cursors follow commit order: whoever numbers its
 * changes first also commits first, and a pull never sees a higher cursor before a lower one.
 */
export async function takeCursors(tx: Queryable, centreId: string, count: number): Promise<number> {
  const [row] = await tx.query<{ last_cursor: number }>('UPDATE centres SET last_cursor = last_cursor + $2 WHERE id = $1 RETURNING last_cursor', [
    centreId,
    count,
  ]);
  if (!row) throw new Error(`no centre ${centreId}`);
  return row.last_cursor;
}

export async function upsertRecords(tx: Queryable, centreId: string, records: readonly ChangedRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((record) => ({
    tbl: record.table,
    id: record.id,
    fields: record.replica.fields,
    hlcs: record.replica.hlcs,
    cursor: record.cursor,
  }));
  await tx.query(
    `INSERT INTO records (centre_id, tbl, id, fields, hlcs, cursor)
     SELECT $1, r.tbl, r.id, r.fields, r.hlcs, r.cursor
     FROM jsonb_to_recordset($2::jsonb) AS r(tbl text, id text, fields jsonb, hlcs jsonb, cursor bigint)
     ON CONFLICT (centre_id, tbl, id) DO UPDATE SET fields = excluded.fields, hlcs = excluded.hlcs, cursor = excluded.cursor`,
    [centreId, JSON.stringify(rows)],
  );
}

export interface AlongWithChanges {
  /** The days whose kept totals go (forgetDayFacts), when they are known before the write. */
  forgetDays?: readonly string[];
  /** The device's acknowledged seq and last sight (saveAckedSeq), when this push moves them. */
  ack?: { deviceId: string; ackedSeq: number; now: number };
  /** PostgreSQL: the channel to NOTIFY with the centre's id, heard by every process at commit (sync/change-feed.ts). */
  notify?: string;
}

/**
 * A push's changed records, numbered and written in one statement: it reserves their cursors
 * (as takeCursors, under the centre's row lock, so cursors follow commit order), numbers the
 * records in the order given, inserts those the centre did not hold and updates the others.
 * `held` says which: the records lockRecords found, locked by this transaction, under the
 * centre's lock that every writer of records takes (push, erasure, purge), so none can appear
 * or go in between. An insert without ON CONFLICT skips the speculative insertion, and the
 * cursors come without a statement of their own; so do the kept totals of the days the push
 * changed, the device's acknowledged seq and the NOTIFY, when the caller asks (`along`): a
 * batch's writes are one statement. Returns the first cursor taken.
 */
export async function storeChanges(
  tx: Queryable,
  centreId: string,
  records: readonly StoredRecord[],
  held: (record: RecordKey) => boolean,
  along: AlongWithChanges = {},
): Promise<number> {
  const rows = records.map((record, i) => ({
    tbl: record.table,
    id: record.id,
    fields: record.replica.fields,
    hlcs: record.replica.hlcs,
    n: i,
    held: held(record),
  }));
  const [row] = await tx.query<{ first: number }>(
    `WITH taken AS (
       UPDATE centres SET last_cursor = last_cursor + $3 WHERE id = $1 RETURNING last_cursor - $3 + 1 AS first
     ), r AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(tbl text, id text, fields jsonb, hlcs jsonb, n bigint, held boolean)
     ), inserted AS (
       INSERT INTO records (centre_id, tbl, id, fields, hlcs, cursor)
       SELECT $1, r.tbl, r.id, r.fields, r.hlcs, taken.first + r.n FROM r, taken WHERE NOT r.held
     ), updated AS (
       UPDATE records t SET fields = r.fields, hlcs = r.hlcs, cursor = taken.first + r.n
       FROM r, taken WHERE r.held AND t.centre_id = $1 AND t.tbl = r.tbl AND t.id = r.id
     ), forgotten AS (
       DELETE FROM day_facts WHERE centre_id = $1 AND day = ANY($4::text[])
     ), acked AS (
       UPDATE devices SET acked_seq = greatest(acked_seq, $6), last_seen_at = greatest(last_seen_at, $7) WHERE id = $5
     )
     SELECT first, CASE WHEN $8::text IS NOT NULL THEN pg_notify($8, $1) END AS notified FROM taken`,
    [
      centreId,
      JSON.stringify(rows),
      records.length,
      [...new Set(along.forgetDays ?? [])],
      along.ack?.deviceId ?? null,
      along.ack?.ackedSeq ?? 0,
      along.ack ? new Date(along.ack.now) : null,
      along.notify ?? null,
    ],
  );
  if (!row) throw new Error(`no centre ${centreId}`);
  return row.first;
}

/** A change's JSON around its id, fields and hlcs: `{"cursor":…,"table":"…","id":"","fields":,"hlcs":},` at most. */
const CHANGE_OVERHEAD_BYTES = 80;

/** A page's worth of changes, and whether the centre has more after the last of them. */
export interface ChangesPage {
  changes: ChangedRecord[];
  /** Records after `cursor` among the `limit` looked at (the page's and those the byte budget left out). */
  lookedAt: number;
}

/**
 * Up to `limit` records of the centre changed after `cursor`, oldest change first, as long as
 * their JSON stays within `budgetBytes`; the first one always comes, however big, so a record
 * larger than any page still goes out on a page of its own.
 *
 * The budget is applied here, not after the rows arrive: a centre that holds records from before
 * values were bounded (160 settings of 3.5 MB) would otherwise load half a gigabyte for every
 * page. The size is an estimate, cheap where it can be: a value stored as it is takes about as
 * many bytes as its JSON text, so its stored size serves; a compressed one (any large value, and
 * 3.5 MB of one letter compresses to 40 KB) is measured as text, which costs a conversion. An
 * id's escapes are not counted either: the caller measures exactly what it sends, and may end
 * the page sooner.
 */
export async function changesAfter(q: Queryable, centreId: string, cursor: number, limit: number, budgetBytes: number): Promise<ChangesPage> {
  const rows = await q.query<{ cursor: number; tbl: TableName; id: string; fields: Record<string, unknown>; hlcs: Record<string, string>; looked_at: number }>(
    `SELECT cursor, tbl, id, fields, hlcs, looked_at FROM (
       SELECT cursor, tbl, id, fields, hlcs,
              count(*) OVER () AS looked_at,
              row_number() OVER (ORDER BY cursor) AS n,
              sum(size) OVER (ORDER BY cursor ROWS UNBOUNDED PRECEDING) AS running
       FROM (
         SELECT cursor, tbl, id, fields, hlcs,
                CASE WHEN pg_column_compression(fields) IS NULL THEN pg_column_size(fields) ELSE octet_length(fields::text) END
                  + pg_column_size(hlcs) + octet_length(id) + $5 AS size
         FROM records
         WHERE centre_id = $1 AND cursor > $2
         ORDER BY cursor
         LIMIT $3
       ) looked
     ) sized
     WHERE n = 1 OR running <= $4
     ORDER BY cursor`,
    [centreId, cursor, limit, budgetBytes, CHANGE_OVERHEAD_BYTES],
  );
  return {
    changes: rows.map((row) => ({ cursor: row.cursor, table: row.tbl, id: row.id, replica: { fields: row.fields, hlcs: row.hlcs } })),
    lookedAt: rows[0]?.looked_at ?? 0,
  };
}
