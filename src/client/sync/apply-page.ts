import { isPurged } from '../../shared/retention';
import { formatHlc, parseHlc, receive } from '../../shared/hlc';
import { mergeReplicas, type Replica } from '../../shared/merge';
import { TABLE_NAMES, tableFields, type Change, type PullPage, type PulledChange, type TableName } from '../../shared/schema';
import { dayCloseId } from '../../shared/ids';
import { SYNCED_TABLES, type DaybookDatabase, type HeldChange, type LateArrival, type MetaRow, type Stored } from '../db/core/database';
import { forgetDaysTouched } from '../db/core/day-facts';
import { noteAnswersHeard } from '../db/repositories/code-clashes';
import { removeErasedChildren } from '../db/repositories/erasure';
import { loadPurgedSessions, notePurgedSessions } from '../db/repositories/retention';
import { REMOVAL_SCOPE } from '../db/core/removal';
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
 * Such a field lives in the record's row with its clock, like any other: a write here sets only
 * the fields it changes (its op carries no other), so the field goes on untouched, and every
 * merge, restore, erasure and purge treats it as the record's own.
 */
export function incomingReplica(change: Pick<Change, 'fields' | 'hlcs'>): Replica {
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

type Merged = { rows: Stored<TableName>[]; before: (Stored<TableName> | undefined)[]; cursors: number[] };

/** Merges one table's changes into its rows; returns the rows that changed, and what they were. */
async function mergeTable(database: DaybookDatabase, table: TableName, changes: readonly Change[]): Promise<Merged> {
  const store = database.table<Stored<TableName>, string>(table);
  const ids = [...new Set(changes.map((change) => change.id))];
  const rows = await store.bulkGet(ids);
  const replicas = new Map<string, Replica>();
  const changed = new Set<string>();
  const cursorOf = new Map<string, number>();
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
    cursorOf.set(change.id, change.cursor);
  }
  const before = new Map(ids.map((id, i) => [id, rows[i]]));
  return {
    rows: [...changed].map((id) => fromReplica(id, replicas.get(id)!)),
    before: [...changed].map((id) => before.get(id)),
    cursors: [...changed].map((id) => cursorOf.get(id)!),
  };
}

/** The device was enrolled again (maybe elsewhere) while a page from the old server was on its way. */
export class EnrolmentChangedError extends Error {
  override name = 'EnrolmentChangedError';
}

/**
 * What this version of the app knows: its tables, and the fields of each. A parameter only so a
 * test can play an older or a newer app: the app itself always passes THIS_VERSION (its tables
 * must also be stores of the database).
 */
export type KnownSchema = { tables: readonly TableName[]; fields: (table: TableName) => ReadonlySet<string> };

const FIELDS_OF: ReadonlyMap<string, ReadonlySet<string>> = new Map(TABLE_NAMES.map((table) => [table, new Set(Object.keys(tableFields[table].shape))]));
const NO_FIELDS: ReadonlySet<string> = new Set();

export const THIS_VERSION: KnownSchema = { tables: SYNCED_TABLES, fields: (table) => FIELDS_OF.get(table) ?? NO_FIELDS };

/**
 * Everything a merge of pulled changes writes to, with the held changes and their flag, and the
 * held ops a pulled erasure deletes.
 */
const MERGE_SCOPE = [...new Set([...SYNCED_TABLES, ...REMOVAL_SCOPE, 'meta', 'outbox', 'heldChanges', 'heldOps'])];

function isKnown<C extends PulledChange>(change: C, known: KnownSchema): change is C & Change {
  return (known.tables as readonly string[]).includes(change.table);
}

/** `table.field`, as the update-waiting flag lists a field: table names hold no dot. */
const fieldName = (table: string, field: string) => `${table}.${field}`;

function knowsField(name: string, known: KnownSchema): boolean {
  const dot = name.indexOf('.');
  const table = name.slice(0, dot);
  return (known.tables as readonly string[]).includes(table) && known.fields(table as TableName).has(name.slice(dot + 1));
}

/** The fields of a change (those a merge takes) that this version does not know, as `table.field`. */
function unknownFields(change: Pick<Change, 'table' | 'fields' | 'hlcs'>, known: KnownSchema): string[] {
  const fields = known.fields(change.table);
  return Object.keys(incomingReplica(change).fields).flatMap((key) => (fields.has(key) ? [] : [fieldName(change.table, key)]));
}

/**
 * Applies one pull page and stores its `nextCursor` in one transaction (sync-protocol.md, pull):
 * a crash leaves either the page and its cursor, or neither. Re-applying a page changes nothing.
 * The local clock moves up to the page's HLCs, never back, and ignores one more than 24 hours
 * ahead of the server's time (a device with a wrong clock must not drag this one along).
 *
 * A change for a table this version does not know (a newer server's) is held, in the same
 * transaction, until an update knows the table (applyHeldChanges): the page still counts as
 * applied and the cursor moves on, so sync of the tables it knows goes on and nothing is lost.
 * A field this version does not know, on a table it knows, stays in the record's row with its
 * clock (incomingReplica); either way the flag says that an update is waiting.
 *
 * With `token`, the page is dropped unless the device is still enrolled with that token: an old
 * server's cursor written over a new enrolment's would make its first pull skip changes.
 */
export function applyPullPage(database: DaybookDatabase, page: PullPage, wallNow: number, token?: string, known: KnownSchema = THIS_VERSION): Promise<number> {
  const serverOffset = page.serverTime - wallNow;
  return database.transaction('rw', MERGE_SCOPE, async () => {
    if (token !== undefined) {
      const enrolment = await database.meta.get('enrolment');
      if (enrolment?.key !== 'enrolment' || enrolment.token !== token) throw new EnrolmentChangedError('the device was enrolled again during the sync');
    }
    const clockRow = await database.meta.get('clock');
    if (clockRow?.key !== 'clock') throw new Error('the local database has no clock row');
    const last = parseHlc(clockRow.hlc);
    let clock = last;
    // Held changes move the clock too: they are writes this tablet has now seen.
    for (const change of page.changes) {
      for (const hlc of Object.values(change.hlcs)) clock = receive(clock, hlc, wallNow, serverOffset);
    }
    const meta: MetaRow[] = [
      { key: 'pullCursor', cursor: page.nextCursor },
      { key: 'serverOffset', ms: serverOffset },
    ];
    if (clock !== last) meta.push({ key: 'clock', hlc: formatHlc(clock) });
    const fields = await mergeChanges(
      database,
      page.changes.filter((change) => isKnown(change, known)),
      wallNow,
      formatHlc(clock),
      known,
    );
    const tables = await holdChanges(
      database,
      page.changes.filter((change) => !isKnown(change, known)),
    );
    await noteUpdateWaiting(database, { tables, fields }, wallNow);
    await database.meta.bulkPut(meta);
    return page.changes.length;
  });
}

/**
 * Merges pulled changes of known tables into their rows, with what follows from them: the kept
 * day facts they touch forgotten, late arrivals on closed days listed, a lead's new codes noted,
 * erased children's records removed. The one merge path of pull pages and of held changes.
 * Runs in the caller's transaction, which holds MERGE_SCOPE; `clock` is this tablet's clock then.
 * Returns the fields this version does not know that the merged changes held (`table.field`).
 */
/** The tables whose records have a day of their own (participations go with their session). */
const DAY_TABLES: ReadonlySet<string> = new Set(['attendance', 'shifts', 'sessions', 'dayCloses']);

async function mergeChanges(database: DaybookDatabase, changes: readonly Change[], wallNow: number, clock: string, known: KnownSchema): Promise<string[]> {
  if (changes.length === 0) return [];
  const byTable = new Map<TableName, Change[]>();
  const [erased, purged, purgedSessions] = await Promise.all([erasedChildrenNamed(database, changes), database.meta.get('purgedOn'), loadPurgedSessions(database)]);
  // The bound this tablet's last purge applied: a record of a day before it, from a server that
  // has not purged yet today, would stay until tomorrow's purge (sync-protocol.md, Retention).
  const firstKept = purged?.key === 'purgedOn' ? purged.firstKept : undefined;
  const sessionsNotKept: [string, string][] = [];
  for (const change of changes) {
    // A change naming an erased child is not kept (the server sends none; an old page might).
    if (change.table !== 'erasures' && erased.has(childNamed(change) ?? '')) continue;
    const day = change.fields['day'];
    if (firstKept !== undefined && DAY_TABLES.has(change.table) && typeof day === 'string' && isPurged(day, firstKept)) {
      if (change.table === 'sessions') sessionsNotKept.push([change.id, day]);
      continue;
    }
    // A participation goes with its session: none is kept for a session of a purged day, which
    // the page may bring (above) or this tablet purged already.
    const sessionId = change.table === 'participations' ? change.fields['sessionId'] : undefined;
    if (typeof sessionId === 'string' && (purgedSessions.has(sessionId) || sessionsNotKept.some(([id]) => id === sessionId))) continue;
    const list = byTable.get(change.table) ?? [];
    list.push(change);
    byTable.set(change.table, list);
  }
  // Only changes that are kept: a field of a record not kept is no update's to show.
  const notKnown = [...new Set([...byTable.values()].flat().flatMap((change) => unknownFields(change, known)))];
  const merged = await Promise.all([...byTable].map(([table, tableChanges]) => mergeTable(database, table, tableChanges)));
  const tables = [...byTable.keys()];
  const changedRows = tables.flatMap((table, i) => merged[i]!.rows.map((row, j) => ({ table, row, before: merged[i]!.before[j], cursor: merged[i]!.cursors[j]! })));
  const late = await lateArrivals(database, changedRows, wallNow);
  // A registration this tablet made, given a new code by a lead: note when this tablet heard.
  const answered = tables.flatMap((table, i) =>
    table !== 'registrations'
      ? []
      : merged[i]!.rows.filter((row, j) => {
          const before = merged[i]!.before[j];
          return text(row, 'resolution') === 'new-code' && (before === undefined || text(before, 'resolution') !== 'new-code');
        }),
  ) as Stored<'registrations'>[];
  await noteAnswersHeard(database, answered, clock);
  const writes: Promise<unknown>[] = [
    forgetDaysTouched(
      database,
      tables.flatMap((table, i) => merged[i]!.rows.map((after, j) => ({ table, before: merged[i]!.before[j], after }))),
    ),
  ];
  tables.forEach((table, i) => {
    const { rows } = merged[i]!;
    if (rows.length > 0) writes.push(database.table(table).bulkPut(rows));
  });
  if (late.length > 0) writes.push(database.lateArrivals.bulkPut(late));
  // Sessions of purged days, remembered so their participations in later pages are not kept.
  if (firstKept !== undefined) writes.push(notePurgedSessions(database, sessionsNotKept, firstKept));
  await Promise.all(writes);
  // Erasures new to this tablet: the child's records go in this same transaction.
  const erasuresMerged = byTable.has('erasures') ? merged[tables.indexOf('erasures')]! : undefined;
  const erasures = erasuresMerged ? erasuresMerged.rows.filter((row, j) => row.deleted !== true && erasuresMerged.before[j] === undefined) : [];
  if (erasures.length > 0) await removeErasedChildren(database, erasures.map((row) => row.id));
  return notKnown;
}

const heldKey = (change: Pick<PulledChange, 'table' | 'id'>) => `${change.table}/${change.id}`;

/**
 * Keeps changes for tables this version does not know, one row per record, merged field by
 * field (so a page applied again writes nothing). Runs in the page's transaction: the held
 * changes and the cursor past them are stored together. Returns the tables of what is held.
 */
async function holdChanges(database: DaybookDatabase, changes: readonly PulledChange[]): Promise<string[]> {
  if (changes.length === 0) return [];
  const keys = [...new Set(changes.map(heldKey))];
  const stored = await database.heldChanges.bulkGet(keys);
  const held = new Map<string, HeldChange>();
  stored.forEach((row) => {
    if (row) held.set(row.key, row);
  });
  const changed = new Set<string>();
  for (const change of changes) {
    const key = heldKey(change);
    const current = held.get(key);
    const base: Replica = current ? { fields: current.fields, hlcs: current.hlcs } : EMPTY;
    const merged = mergeReplicas(base, incomingReplica(change));
    if (merged === base) continue;
    held.set(key, { key, table: change.table, id: change.id, cursor: Math.max(current?.cursor ?? 0, change.cursor), fields: merged.fields, hlcs: merged.hlcs });
    changed.add(key);
  }
  if (changed.size > 0) await database.heldChanges.bulkPut([...changed].map((key) => held.get(key)!));
  // Only what is held says an update is waiting: a change with no field to keep holds nothing.
  return [...new Set([...held.values()].map((row) => row.table))];
}

/** What an update is waiting for: tables this version lacks, and fields (`table.field`) of tables it has. */
type Waiting = { tables: readonly string[]; fields: readonly string[] };
type WaitingFlag = Extract<MetaRow, { key: 'updateWaiting' }>;

/** The update-waiting flag for what still waits, or undefined when nothing does. */
function waitingFlag(since: number, waiting: Waiting): WaitingFlag | undefined {
  const tables = [...new Set(waiting.tables)].sort();
  const fields = [...new Set(waiting.fields)].sort();
  if (tables.length === 0 && fields.length === 0) return undefined;
  return { key: 'updateWaiting', since, tables, ...(fields.length > 0 && { fields }) };
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => (a ?? []).join('\n') === (b ?? []).join('\n');
const sameFlag = (a: WaitingFlag | undefined, b: WaitingFlag | undefined) =>
  a !== undefined && b !== undefined && a.since === b.since && sameList(a.tables, b.tables) && sameList(a.fields, b.fields);

/**
 * Says that an update is waiting for these tables and fields, besides those it waited for
 * already; `since` stays the first time. Writes the flag only when it changes, so a page applied
 * again writes nothing. Runs in the caller's transaction, which holds `meta`.
 */
export async function noteUpdateWaiting(database: DaybookDatabase, news: Waiting, wallNow: number): Promise<void> {
  if (news.tables.length === 0 && news.fields.length === 0) return;
  const stored = await database.meta.get('updateWaiting');
  const flag = stored?.key === 'updateWaiting' ? stored : undefined;
  const next = waitingFlag(flag?.since ?? wallNow, { tables: [...(flag?.tables ?? []), ...news.tables], fields: [...(flag?.fields ?? []), ...news.fields] });
  if (next && !sameFlag(next, flag)) await database.meta.put(next);
}

/** `noteUpdateWaiting` for records written here whole (a refused op's record put back). */
export function noteUnknownFields(database: DaybookDatabase, records: readonly Pick<Change, 'table' | 'fields' | 'hlcs'>[], wallNow: number, known: KnownSchema = THIS_VERSION): Promise<void> {
  const fields = records.flatMap((record) => unknownFields(record, known));
  return noteUpdateWaiting(database, { tables: [], fields }, wallNow);
}

/**
 * After an update: merges the held changes whose tables this version knows, through the same
 * path as a pull page (so a held change older than a record's local fields loses to them, field
 * by field), and removes them, in one transaction. Fields the old version kept in their rows
 * need no moving: the update finds them there, with their clocks, and only stops waiting for
 * them. The update-waiting flag goes with the last table and field it waited for. Returns how
 * many held changes were applied. Changes for tables still unknown stay held.
 */
export async function applyHeldChanges(database: DaybookDatabase, wallNow: number, known: KnownSchema = THIS_VERSION): Promise<number> {
  // Outside the transaction: nearly every sync has nothing waiting, and must not take a write
  // lock on every table (and hold up a check-in) to find that out.
  const [count, stored] = await Promise.all([database.heldChanges.count(), database.meta.get('updateWaiting')]);
  const fieldsWaiting = stored?.key === 'updateWaiting' ? (stored.fields ?? []) : [];
  if (count === 0 && !fieldsWaiting.some((name) => knowsField(name, known))) return 0;
  return database.transaction('rw', MERGE_SCOPE, async () => {
    const [held, clockRow, stored] = await Promise.all([database.heldChanges.toArray(), database.meta.get('clock'), database.meta.get('updateWaiting')]);
    if (clockRow?.key !== 'clock') throw new Error('the local database has no clock row');
    const flag = stored?.key === 'updateWaiting' ? stored : undefined;
    // In cursor order, the server's commit order, as a page would bring them.
    const ready = held.filter((row) => isKnown(row, known)).sort((a, b) => a.cursor - b.cursor);
    const still = held.filter((row) => !isKnown(row, known));
    const fields = await mergeChanges(
      database,
      ready.map(({ cursor, table, id, fields, hlcs }) => ({ cursor, table, id, fields, hlcs })),
      wallNow,
      clockRow.hlc,
      known,
    );
    if (ready.length > 0) await database.heldChanges.bulkDelete(ready.map((row) => row.key));
    const next = waitingFlag(flag?.since ?? wallNow, {
      tables: still.map((row) => row.table),
      fields: [...(flag?.fields ?? []), ...fields].filter((name) => !knowsField(name, known)),
    });
    if (!next) await database.meta.delete('updateWaiting');
    else if (!sameFlag(next, flag)) await database.meta.put(next);
    return ready.length;
  });
}

/** The child a change is about: a child's own record, or the `childId` of an event or registration. */
function childNamed(change: Change): string | undefined {
  if (change.table === 'children') return change.id;
  if (change.table === 'attendance' || change.table === 'participations' || change.table === 'registrations') {
    const childId = text(change.fields, 'childId');
    // A participation's id is `sessionId:childId` (shared/ids.ts), also on a change holding no childId.
    if (childId === undefined && change.table === 'participations' && change.id.includes(':')) return change.id.slice(change.id.lastIndexOf(':') + 1);
    return childId;
  }
  return undefined;
}

/** The children named in the page who are erased, here already or by an erasure in the page. */
async function erasedChildrenNamed(database: DaybookDatabase, changes: readonly Change[]): Promise<Set<string>> {
  const erased = new Set(changes.filter((change) => change.table === 'erasures' && change.fields['deleted'] !== true).map((change) => change.id));
  const named = [...new Set(changes.flatMap((change) => childNamed(change) ?? []))].filter((id) => !erased.has(id));
  if (named.length === 0) return erased;
  const stored = await database.erasures.bulkGet(named);
  stored.forEach((row, i) => {
    if (row && row.deleted !== true) erased.add(named[i]!);
  });
  return erased;
}

/** A field of a row of any table, when it is text (pulled rows are not checked against this version's schema). */
function text(row: object, key: string): string | undefined {
  const value: unknown = (row as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** The tables whose records belong to a day a lead closes (participations by their session's). */
const DAY_RECORDS: ReadonlySet<TableName> = new Set(['attendance', 'shifts', 'sessions', 'participations']);

/**
 * The records of this page that reached a day already closed (product.md, Close the day: kept,
 * never refused, and listed for the lead): records new to this tablet, on a day closed here
 * before the page or by a close earlier in it. The page is walked in cursor order (the server's
 * commit order), a close or reopen in it changing the day's state from there on. A lead's moves
 * after a code clash (`moved-` copies) are corrections, not taps, and are not listed. Read in the
 * page's transaction, before its rows are written.
 */
async function lateArrivals(
  database: DaybookDatabase,
  changed: readonly { table: TableName; row: Stored<TableName>; before: Stored<TableName> | undefined; cursor: number }[],
  arrivedAt: number,
): Promise<LateArrival[]> {
  const candidates = changed.filter((change) => DAY_RECORDS.has(change.table) && change.before === undefined && !change.row.id.startsWith('moved-'));
  if (candidates.length === 0) return [];
  // A participation's day is its session's: in this page, or already on the tablet.
  const sessionIds = [...new Set(candidates.flatMap(({ table, row }) => (table === 'participations' ? (text(row, 'sessionId') ?? []) : [])))];
  const pageSessions = new Map(changed.filter((change) => change.table === 'sessions').map((change) => [change.row.id, text(change.row, 'day')]));
  const storedSessions = await database.sessions.bulkGet(sessionIds.filter((id) => !pageSessions.has(id)));
  const sessionDay = new Map<string, string | undefined>([...storedSessions.flatMap((session) => (session ? [[session.id, session.day] as const] : [])), ...pageSessions]);
  const dayOf = ({ table, row }: { table: TableName; row: Stored<TableName> }): string | undefined => {
    if (table !== 'participations') return text(row, 'day');
    const sessionId = text(row, 'sessionId');
    return sessionId === undefined ? undefined : sessionDay.get(sessionId);
  };
  const days = [...new Set(candidates.flatMap((change) => dayOf(change) ?? []))];
  if (days.length === 0) return [];
  const stored = await database.dayCloses.bulkGet(days.map(dayCloseId));
  const closed = new Map(days.map((day, i) => [day, stored[i] !== undefined && stored[i].deleted !== true]));
  const late: LateArrival[] = [];
  for (const change of [...changed].sort((a, b) => a.cursor - b.cursor)) {
    const day = change.table === 'dayCloses' ? text(change.row, 'day') : dayOf(change);
    if (day === undefined) continue;
    if (change.table === 'dayCloses') {
      if (change.row.id === dayCloseId(day)) closed.set(day, change.row.deleted !== true);
    } else if (candidates.includes(change) && closed.get(day) === true) {
      late.push({ key: `${change.table}/${change.row.id}`, day, table: change.table, id: change.row.id, arrivedAt });
    }
  }
  return late;
}
