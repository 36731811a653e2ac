import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Fields, Role, TableName } from '../../../shared/schema';
import { newNode, zeroHlc, formatHlc } from '../../../shared/hlc';
import { uuidv7 } from '../../../shared/ids';
import type { DayFacts } from '../../../shared/summary/day-facts';
import type { DayCorrection } from '../../../shared/summary/corrections';

/**
 * A record as the device keeps it: the record's fields, plus the HLC of each field in a compact
 * form. `_hlc` is the clock of every field not named in `_hlcs`; most records are written once,
 * so they carry one clock instead of one per field (a year of attendance is ~45,000 rows).
 */
export type Stored<T extends TableName> = Partial<Fields<T>> & {
  id: string;
  /** Absent until some write sets it: absent reads as not deleted. */
  deleted?: boolean;
  _hlc: string;
  _hlcs?: Record<string, string>;
};

/** An op waiting in the outbox until the server acknowledges its seq (sync-protocol.md). */
export type OutboxOp = {
  seq?: number;
  table: TableName;
  id: string;
  hlc: string;
  fields: Record<string, unknown>;
};

/** Device-wide values, one row per key. */
export type MetaRow =
  | { key: 'device'; deviceId: string; node: string; createdAt: number }
  | { key: 'clock'; hlc: string }
  | { key: 'serverOffset'; ms: number }
  /**
   * The series this tablet issues child codes from (shared/codes.ts): the server's letter once
   * enrolled, a random local series before. `firstSerial` is where a local series started (at
   * random), so the tablet knows when it has gone all the way round.
   */
  | { key: 'codeSeries'; series: string; nextSerial: number; firstSerial?: number }
  /**
   * Codes this tablet issued ahead, to print on cards for a busy opening (reserved-codes.ts).
   * A meta row, not a table: it is this tablet's business only (never synced: another tablet
   * cannot issue them anyway, they are of this tablet's series), it stays small (only the codes
   * still waiting for a child: given ones are dropped at the next batch), and the registration's
   * write transaction already covers `meta`, so New child passes over them in the transaction
   * that issues its code (a new table would need adding to that transaction's scope).
   */
  | { key: 'reservedCodes'; batches: ReservedBatch[] }
  /**
   * When this tablet heard that registrations it made were given a new code (registration id to
   * this tablet's clock then): its taps for that child before then follow it (code-clashes.ts).
   */
  | { key: 'answersHeard'; heard: Record<string, string> }
  /** Children registered before version 4 have their registration rows (registration-backfill.ts). */
  | { key: 'registrationsBackfilled'; at: number }
  /** The centre day this tablet last applied retention on, so it purges once a day (retention.ts). */
  | { key: 'purgedOn'; day: string; firstKept: string }
  /**
   * Sessions this tablet purged (id to day), so a child added late to one of them, from a server
   * that has not purged that day yet, is not kept as a participation without its session.
   * Participations have no day of their own (retention.ts).
   */
  | { key: 'purgedSessions'; days: Record<string, string> }
  /** The lead's PIN, salted and hashed (PBKDF2); never the PIN itself. Set on a lead's tablet. */
  | { key: 'leadPin'; salt: string; hash: string; iterations: number }
  /** Wrong PINs in a row, and until when the next try must wait: kept, so a reload is no new start. */
  | { key: 'pinTries'; wrong: number; waitUntil: number }
  /** The server this device syncs with and its bearer token (sync-protocol.md, enrol). */
  | { key: 'enrolment' } & Enrolment
  /** Where the next pull starts; stored in the same transaction as the page it follows. */
  | { key: 'pullCursor'; cursor: number }
  /** How the last sync attempt ended, so every tab (not only the one that syncs) can show it. */
  | { key: 'syncOutcome'; outcome: SyncOutcome; at: number; message?: string }
  | { key: 'lastSyncedAt'; at: number }
  /**
   * The server sent what this version does not know: changes for tables it lacks (held in
   * heldChanges), or fields it lacks on tables it has (`table.field`; kept in the records'
   * rows, with their clocks, so an edit here passes them on untouched and the update finds them
   * there). An update of the app is waiting. Written and cleared in the transactions that merge
   * and hold pulled changes, and apply held ones; `fields` is absent in rows from before it.
   */
  | { key: 'updateWaiting'; since: number; tables: string[]; fields?: string[] };

/** Codes issued ahead in one go: those not yet given to a child are kept, to show and reprint. */
export type ReservedBatch = {
  id: string;
  reservedAt: number;
  /** How many were issued in the batch, given or not. */
  issued: number;
  /** The batch's codes (normalised, as typed on the keypad) not yet known to be given to a child. */
  codes: string[];
};

/** What enrolment gave this device. `deviceId` is the server's id for it, not the local one. */
export type Enrolment = {
  serverUrl: string;
  token: string;
  deviceId: string;
  centre: { id: string; name: string; timeZone: string };
  role: Role;
  /** The series letter this device issues child codes from, when the server assigns one. */
  codeSeries: string | null;
  enrolledAt: number;
};

/** How a sync attempt that reached the point of talking to the server ended. */
export type SyncOutcome = 'synced' | 'offline' | 'needs-enrolment' | 'needs-update' | 'error';

/** An op the server refused (sync-protocol.md: "listed as rejected with a reason"), kept to show. */
export type RejectedChange = {
  seq: number;
  table: TableName;
  id: string;
  code: string;
  message: string;
  /** When this device learned of the refusal. */
  at: number;
};

export type MetaKey = MetaRow['key'];

/**
 * A change that reached this tablet for a day it already knew was closed (product.md, Close the
 * day): a tap made on a tablet that had not heard of the closing. Kept, never refused, and
 * listed for the lead on Close day. Local, never synced: each tablet lists what reached it late.
 */
export type LateArrival = {
  /** `table/id`: a record that arrives, then changes again, is one entry. */
  key: string;
  day: string;
  table: TableName;
  id: string;
  /** When this tablet received it. */
  arrivedAt: number;
};

/**
 * A pulled change for a table this version of the app does not know (a newer server's table),
 * kept until an update knows it (sync/apply-page.ts): the page it came in still counts as applied,
 * so sync goes on and nothing is lost. Local, never synced.
 */
export type HeldChange = {
  /** `table/id`: see version 6 below for why one row per record. */
  key: string;
  table: string;
  id: string;
  /** The latest cursor the record came with: the page order held changes are applied in. */
  cursor: number;
  fields: Record<string, unknown>;
  hlcs: Record<string, string>;
};

/**
 * An op the server refused as invalid although this app's own schema takes it: the two run
 * different versions (a server rolled back behind its tablets, say), and the op is not bad, only
 * early. Kept out of the outbox, so it neither blocks nor repeats every push, and sent again with
 * a new seq (the server skips a seq it has acknowledged) once the server's or this app's version
 * changes, or a day after it was last refused (sync/engine.ts). Local, never synced as such.
 */
export type HeldOp = {
  /** The seq it was last sent with: never reused, so it names this refusal. */
  seq: number;
  table: TableName;
  id: string;
  /** The write's own clock, sent again as it was: the merge takes it as the same write. */
  hlc: string;
  fields: Record<string, unknown>;
  /** When the server refused it (this tablet's clock). */
  heldAt: number;
  /** The server's version then (`GET /api/v1/health`), null when it could not be read. */
  serverVersion: string | null;
  /** This app's version then: an update of the tablet is a reason to try again too. */
  appVersion: string;
  /** The server's reason, naming the field it did not know. */
  message: string;
};

/**
 * A day's summary facts, kept so a month's report reads 31 rows instead of 12,000 events. Not
 * synced: derived from the day's records, and deleted by any write (local or pulled) that touches
 * that day, in the same transaction, so a kept row is never staler than the records.
 */
export type KeptDayFacts = DayFacts & {
  /** The settings the facts were computed with (time zone, ratio limit): others make them stale. */
  rulesKey: string;
};

export class DaybookDatabase extends Dexie {
  children!: EntityTable<Stored<'children'>, 'id'>;
  attendance!: EntityTable<Stored<'attendance'>, 'id'>;
  sessions!: EntityTable<Stored<'sessions'>, 'id'>;
  participations!: EntityTable<Stored<'participations'>, 'id'>;
  volunteers!: EntityTable<Stored<'volunteers'>, 'id'>;
  shifts!: EntityTable<Stored<'shifts'>, 'id'>;
  dayCloses!: EntityTable<Stored<'dayCloses'>, 'id'>;
  settings!: EntityTable<Stored<'settings'>, 'id'>;
  outbox!: EntityTable<OutboxOp, 'seq'>;
  meta!: Table<MetaRow, MetaKey>;
  rejections!: EntityTable<RejectedChange, 'seq'>;
  dayFacts!: EntityTable<KeptDayFacts, 'day'>;
  erasures!: EntityTable<Stored<'erasures'>, 'id'>;
  registrations!: EntityTable<Stored<'registrations'>, 'id'>;
  lateArrivals!: EntityTable<LateArrival, 'key'>;
  dayCorrections!: EntityTable<DayCorrection, 'day'>;
  heldChanges!: EntityTable<HeldChange, 'key'>;
  heldOps!: EntityTable<HeldOp, 'seq'>;

  constructor(name = 'daybook') {
    // Strict durability: Chrome's relaxed default can lose the last second of writes on power
    // loss, and a volunteer must be able to trust that a check-in shown on screen is on disk.
    super(name, { chromeTransactionDurability: 'strict' });

    // Version 1. Few indexes on purpose: each one costs on every write (see README, storage).
    // Later schema changes add a version(n) with an upgrade(); never edit this one.
    this.version(1).stores({
      children: 'id, code',
      attendance: 'id, day, childId',
      sessions: 'id, day',
      participations: 'id, sessionId, childId',
      volunteers: 'id',
      shifts: 'id, day, volunteerId',
      dayCloses: 'id',
      settings: 'id',
      // ++seq: IndexedDB's key generator never hands out a number twice for the life of the
      // database, even after the rows are deleted, which is what the protocol asks of `seq`.
      outbox: '++seq',
      meta: 'key',
    });

    // Version 2: sync. Only a store is added; every store and row of version 1 stays as it was,
    // so no upgrade function is needed (Dexie copies nothing: IndexedDB keeps the other stores).
    // The new meta rows (enrolment, pullCursor, syncOutcome, lastSyncedAt) need no schema.
    this.version(2).stores({
      // Keyed by the op's seq: a retried push that reports the same refusal writes the same row.
      rejections: 'seq',
    });

    // Version 3: the lead's summary. Children get an index on their registration day (a day's
    // new children without reading all 2,000), and each day's summary facts are kept.
    this.version(3).stores({
      children: 'id, code, registeredOn',
      dayFacts: 'day',
    });

    // Version 4: trust across tablets. Erasures (lead only), each registration of a code (so two
    // children given one code are seen, not merged silently), and the changes that reached a
    // closed day late. The old `role` meta row is no longer read: a tablet's role is the role it
    // enrolled with (sync-protocol.md, Authority).
    this.version(4).stores({
      erasures: 'id',
      // `resolution` indexes only the answered few (IndexedDB skips rows without the field).
      registrations: 'id, childId, resolution',
      lateArrivals: 'key, day',
    });

    // Version 5: data protection. What an erasure or a purge took out of a day's figures, so the
    // day keeps them (shared/summary/corrections.ts). Local: each replica corrects its own rows.
    this.version(5).stores({
      dayCorrections: 'day',
    });

    // Version 6: changes pulled for tables this version does not know, held until an update.
    // One row per record (`table/id`), the changes to it merged field by field as they arrive,
    // rather than one row per change (by cursor): a record edited every day until the update
    // stays one row, re-applying a page writes the same row, and the merge on update reads each
    // record once. The pulled change is the record's whole state, so nothing is lost by it.
    this.version(6).stores({
      heldChanges: 'key',
    });

    // Version 7: ops a server of another version refused, held until it (or this app) changes
    // version. Only a store is added: no row of version 6 changes, so no upgrade function. Keyed
    // by the seq the server refused, which no other op ever had.
    this.version(7).stores({
      heldOps: 'seq',
    });

    // The device id and HLC node are made with the database, so a wiped or evicted database
    // becomes a new device and never reuses an old device's seq numbers.
    this.on('populate', (tx) => {
      const node = newNode();
      void tx.table('meta').bulkAdd([
        { key: 'device', deviceId: uuidv7(), node, createdAt: Date.now() },
        { key: 'clock', hlc: formatHlc(zeroHlc(node)) },
        { key: 'serverOffset', ms: 0 },
      ] satisfies MetaRow[]);
    });
  }
}

export const SYNCED_TABLES: readonly TableName[] = [
  'children',
  'attendance',
  'sessions',
  'participations',
  'volunteers',
  'shifts',
  'dayCloses',
  'settings',
  'erasures',
  'registrations',
];
