import { formatHlc, parseHlc, receive } from '../../shared/hlc';
import { mergeReplicas, type Replica } from '../../shared/merge';
import type { Change, PullResponse, TableName } from '../../shared/schema';
import { SYNCED_TABLES, type DaybookDatabase, type MetaRow, type Stored } from '../db/core/database';
import { forgetDaysTouched } from '../db/core/day-facts';
import { fromReplica, toReplica } from '../db/core/replica';

/**
 * Keys a stored row keeps for itself (a change naming one would corrupt the row), and
 * `__proto__`, which no table has and a plain assignment would turn into the object's prototype.
 */
const SKIPPED_KEYS = new Set(['id', '_hlc', '_hlcs', '__proto__']);

/**
 * A change as a replica. Only fields with an HLC take part in the merge (a field without one
 * could never be compared). Fields are not checked against this version's table schema: the
 * server checked every op at push, and a field a newer version added must survive on this tablet.
 */
function incomingReplica(change: Change): Replica {
  const fields: Record<string, unknown> = {};
  const hlcs: Record<string, string> = {};
  for (const [key, hlc] of Object.entries(change.hlcs)) {
    if (SKIPPED_KEYS.has(key) || !Object.hasOwn(change.fields, key)) continue;
    fields[key] = change.fields[key];
    hlcs[key] = hlc;
  }
  return { fields, hlcs };
}

const EMPTY: Replica = { fields: {}, hlcs: {} };

type Merged = { rows: Stored<TableName>[]; before: (Stored<TableName> | undefined)[] };

/** Merges one table's changes into its rows; returns the rows that changed, and what they were. */
async function mergeTable(database: DaybookDatabase, table: TableName, changes: readonly Change[]): Promise<Merged> {
  const store = database.table<Stored<TableName>, string>(table);
  const ids = [...new Set(changes.map((change) => change.id))];
  const rows = await store.bulkGet(ids);
  const replicas = new Map<string, Replica>();
  const changed = new Set<string>();
  ids.forEach((id, i) => {
    const row = rows[i];
    if (row) replicas.set(id, toReplica(row));
  });
  for (const change of changes) {
    const current = replicas.get(change.id) ?? EMPTY;
    // The local side first: a local write not yet acknowledged has the greater HLC and stays.
    const merged = mergeReplicas(current, incomingReplica(change));
    if (merged === current) continue;
    replicas.set(change.id, merged);
    changed.add(change.id);
  }
  const before = new Map(ids.map((id, i) => [id, rows[i]]));
  return { rows: [...changed].map((id) => fromReplica(id, replicas.get(id)!)), before: [...changed].map((id) => before.get(id)) };
}

/** The device was enrolled again (maybe elsewhere) while a page from the old server was on its way. */
export class EnrolmentChangedError extends Error {
  override name = 'EnrolmentChangedError';
}

/**
 * Applies one pull page and stores its `nextCursor` in one transaction (sync-protocol.md, pull):
 * a crash leaves either the page and its cursor, or neither. Re-applying a page changes nothing.
 * The local clock moves up to the page's HLCs, never back, and ignores one more than 24 hours
 * ahead of the server's time (a device with a wrong clock must not drag this one along).
 *
 * With `token`, the page is dropped unless the device is still enrolled with that token: an old
 * server's cursor written over a new enrolment's would make its first pull skip changes.
 */
export function applyPullPage(database: DaybookDatabase, page: PullResponse, wallNow: number, token?: string): Promise<number> {
  const serverOffset = page.serverTime - wallNow;
  return database.transaction('rw', [...SYNCED_TABLES, 'meta', 'dayFacts'], async () => {
    if (token !== undefined) {
      const enrolment = await database.meta.get('enrolment');
      if (enrolment?.key !== 'enrolment' || enrolment.token !== token) throw new EnrolmentChangedError('the device was enrolled again during the sync');
    }
    const byTable = new Map<TableName, Change[]>();
    for (const change of page.changes) {
      const list = byTable.get(change.table) ?? [];
      list.push(change);
      byTable.set(change.table, list);
    }
    const [clockRow, merged] = await Promise.all([
      database.meta.get('clock'),
      Promise.all([...byTable].map(([table, changes]) => mergeTable(database, table, changes))),
    ]);
    if (clockRow?.key !== 'clock') throw new Error('the local database has no clock row');
    const last = parseHlc(clockRow.hlc);
    let clock = last;
    for (const change of page.changes) {
      for (const hlc of Object.values(change.hlcs)) clock = receive(clock, hlc, wallNow, serverOffset);
    }
    const meta: MetaRow[] = [
      { key: 'pullCursor', cursor: page.nextCursor },
      { key: 'serverOffset', ms: serverOffset },
    ];
    if (clock !== last) meta.push({ key: 'clock', hlc: formatHlc(clock) });
    const tables = [...byTable.keys()];
    const writes: Promise<unknown>[] = [
      database.meta.bulkPut(meta),
      forgetDaysTouched(
        database,
        tables.flatMap((table, i) => merged[i]!.rows.map((after, j) => ({ table, before: merged[i]!.before[j], after }))),
      ),
    ];
    tables.forEach((table, i) => {
      const { rows } = merged[i]!;
      if (rows.length > 0) writes.push(database.table(table).bulkPut(rows));
    });
    await Promise.all(writes);
    return page.changes.length;
  });
}
