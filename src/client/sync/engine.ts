import { checkOp, describeIssues, healthResponse, MAX_OPS_PER_PUSH, MAX_PULL_LIMIT, PROTOCOL_VERSION, pullPage, pushResponse, type Op, type PullPage, type PushResponse } from '../../shared/schema';
import { db } from '../db/db';
import { type DaybookDatabase, type Enrolment, type HeldOp, type MetaRow, type OutboxOp, type RejectedChange, type SyncOutcome } from '../db/core/database';
import { WRITE_SCOPE } from '../db/core/write';
import { parseHlc } from '../../shared/hlc';
import { moveLateVisits } from '../db/repositories/code-clashes';
import { backfillRegistrations } from '../db/repositories/registration-backfill';
import { loadEnrolment, loadPullCursor, recordSyncOutcome } from '../db/repositories/sync-state';
import { applyHeldChanges, applyPullPage } from './apply-page';
import { resetPoisonedClock, stampAgain } from './clock-reset';
import { restoreRefused, type RefusedRecord } from './restore-refused';
import { errorOf, fetchTransport, NetworkError, type Transport, type TransportRequest, type TransportResponse } from './transport';

/**
 * One sync (sync-protocol.md, "Device behaviour"): push every pending op, then pull until
 * `hasMore` is false, and again while new local ops appeared meanwhile.
 *
 * Crash safety comes from the order of the writes, not from the code around them: the outbox is
 * trimmed only in the transaction that records an acknowledgement, and each pull page is stored
 * with its cursor. Stopping at any await leaves a state the next sync completes: a push sent
 * again is skipped by the server, a page applied again changes nothing.
 */

export type SyncResult = {
  /** `not-enrolled`: the device has no server; nothing was sent. */
  outcome: SyncOutcome | 'not-enrolled';
  /** Ops the server took, and those it refused (listed in `rejections`). */
  pushed: number;
  rejected: number;
  /** Ops a server of another version refused, held to be sent again (HeldOp). */
  held?: number;
  /** Changes applied from pull pages. */
  pulled: number;
  at: number;
  /** Why it stopped, in English, for a log or a detail line; never holds record contents. */
  message?: string;
  /** The server is busy and asked not to be tried again sooner (its Retry-After). */
  retryAfterMs?: number;
};

export type SyncEngine = { syncOnce(): Promise<SyncResult> };

export type SyncEngineOptions = {
  database?: DaybookDatabase;
  /** One transport for every server (tests). Without it, `transportFor` the enrolled server. */
  transport?: Transport;
  transportFor?: (serverUrl: string) => Transport;
  now?: () => number;
  /** Accepted so callers can hand the engine and the scheduler one set of clock and dice; unused. */
  random?: () => number;
  /** Changes per pull page (the server allows 1 to 5,000, and ends a page early at 4 MB; default 5,000). */
  pullLimit?: number;
  /** Push-and-pull rounds in one sync while writes keep coming; the scheduler runs again later. */
  maxRounds?: number;
  /** This app's version, as its build says. A parameter only so a test can play another. */
  appVersion?: string;
  /**
   * Whether this app's own schema takes an op (the shared checkOp). A parameter only so a test
   * can play a newer app, whose ops carry a field the schema of this code does not have.
   */
  takesOp?: (op: Op) => boolean;
};

/**
 * How long an op held for a server of another version waits, at most, before it is sent again
 * when neither version has changed: a server fixed without a new version number still gets it
 * within a day, and a server that keeps refusing costs one op a day, not one every sync.
 */
export const RESEND_HELD_AFTER_MS = 24 * 60 * 60_000;

/**
 * Whether a held op goes again now: this app or the server has changed version since it was
 * refused (a server's version read as null says nothing), or a day has gone by, either way (the
 * tablet's clock may have jumped back).
 */
export function heldOpDue(op: Pick<HeldOp, 'heldAt' | 'serverVersion' | 'appVersion'>, now: { at: number; serverVersion: string | null; appVersion: string }): boolean {
  if (op.appVersion !== now.appVersion) return true;
  if (op.serverVersion !== null && now.serverVersion !== null && op.serverVersion !== now.serverVersion) return true;
  return Math.abs(now.at - op.heldAt) >= RESEND_HELD_AFTER_MS;
}

type Failure = Exclude<SyncOutcome, 'synced'>;

/** Ends a sync early with an outcome; what was done before it stays done. */
class SyncStop extends Error {
  constructor(
    readonly outcome: Failure,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type Counts = { pushed: number; rejected: number; held: number; pulled: number };

export function createSyncEngine(options: SyncEngineOptions = {}): SyncEngine {
  const database = options.database ?? db;
  const now = options.now ?? Date.now;
  const pullLimit = options.pullLimit ?? MAX_PULL_LIMIT;
  const maxRounds = options.maxRounds ?? 5;
  const transportFor = options.transportFor ?? ((serverUrl: string) => fetchTransport(serverUrl));
  const appVersion = options.appVersion ?? __APP_VERSION__;
  const takesOp = options.takesOp ?? ((op: Op) => checkOp(op).ok);

  async function syncOnce(): Promise<SyncResult> {
    // Read together, so both are of the database whose ops this sync sends.
    const { enrolment, localDeviceId } = await database.transaction('r', database.meta, async () => ({
      enrolment: await loadEnrolment(database),
      localDeviceId: await loadLocalDeviceId(database),
    }));
    const counts: Counts = { pushed: 0, rejected: 0, held: 0, pulled: 0 };
    if (!enrolment) return { outcome: 'not-enrolled', ...counts, at: now() };
    const session: Session = { enrolment, localDeviceId, transport: options.transport ?? transportFor(enrolment.serverUrl) };
    let outcome: SyncOutcome = 'synced';
    let message: string | undefined;
    let retryAfterMs: number | undefined;
    try {
      // Once, before the first push after the update that made registrations rows of their own.
      await backfillRegistrations(database, now());
      await applyHeldAfterUpdate();
      await sendHeldOpsWhenDue(session);
      for (let round = 0; round < maxRounds; round++) {
        await pushAll(session, counts);
        await pullAll(session, counts);
        // Visits a tablet recorded for a child the lead has since given a new code follow that
        // child; the moves are new ops, which the next round pushes.
        await moveLateVisits(database, now());
        if ((await database.outbox.count()) === 0) break;
      }
    } catch (error) {
      // Whatever went wrong (a refusal, an odd answer, a full disk), the sync ends with a reason
      // and the scheduler tries again later; what was committed before stays committed.
      outcome = error instanceof SyncStop ? error.outcome : 'error';
      message = error instanceof Error ? error.message : String(error);
      if (error instanceof SyncStop) retryAfterMs = error.retryAfterMs;
    }
    const at = now();
    await recordSyncOutcome(database, { outcome, at, message }, enrolment.token);
    return { outcome, ...counts, at, message, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }

  /**
   * After an update, the changes pulled for tables the old version did not know are merged, before
   * the pulls (sync runs on start, under the lock of one tab). A failure leaves them held, and the
   * update's notice shown, and must not stop this tablet syncing the rest: that is why they were held.
   */
  async function applyHeldAfterUpdate(): Promise<void> {
    try {
      await applyHeldChanges(database, now());
    } catch (error) {
      console.warn('sync: could not apply the changes held until an update', error);
    }
  }

  /** One sync's server; `serverVersion` is asked at most once a sync, when needed. */
  type Session = { enrolment: Enrolment; localDeviceId: string | null; transport: Transport; serverVersion?: Promise<string | null> };

  /**
   * The server's version (`GET /api/v1/health`, which takes no token, so none is sent), or null
   * when it cannot be read: unreachable, or an answer of another shape. Never ends the sync: the
   * push or pull next to it says whether the server is there.
   */
  function serverVersionOf(session: Session): Promise<string | null> {
    session.serverVersion ??= (async () => {
      try {
        const response = await session.transport({ method: 'GET', path: '/api/v1/health' });
        const health = healthResponse.safeParse(response.body);
        return response.status === 200 && health.success ? health.data.version : null;
      } catch (error) {
        if (error instanceof NetworkError) return null;
        throw error;
      }
    })();
    return session.serverVersion;
  }

  /**
   * Puts the held ops that are due (heldOpDue) back in the outbox, each under a new seq: the
   * server skips a seq it has acknowledged, and takes the same hlc and fields as the same write,
   * so sending it again can only add what it refused. One transaction: an op is in the outbox or
   * held, never both and never neither. An op held while the server's version could not be read
   * is dated by the first version read after it.
   */
  async function sendHeldOpsWhenDue(session: Session): Promise<void> {
    // Outside any transaction: nearly every sync holds nothing, and must not ask the server why.
    if ((await database.heldOps.count()) === 0) return;
    const serverVersion = await serverVersionOf(session);
    const at = now();
    await database.transaction('rw', [database.outbox, database.heldOps], async () => {
      const held = await database.heldOps.toArray();
      const due = held.filter((op) => heldOpDue(op, { at, serverVersion, appVersion }));
      const dated = serverVersion === null ? [] : held.filter((op) => op.serverVersion === null && !due.includes(op)).map((op) => ({ ...op, serverVersion }));
      if (due.length > 0) {
        await database.heldOps.bulkDelete(due.map((op) => op.seq));
        await database.outbox.bulkAdd(due.map(({ table, id, hlc, fields }) => ({ table, id, hlc, fields }) satisfies OutboxOp));
      }
      if (dated.length > 0) await database.heldOps.bulkPut(dated);
    });
  }

  /** Sends a request with the device's token; an unreachable server ends the sync as offline. */
  async function send(session: Session, request: Omit<TransportRequest, 'token'>) {
    try {
      return await session.transport({ ...request, token: session.enrolment.token });
    } catch (error) {
      if (error instanceof NetworkError) throw new SyncStop('offline', error.message);
      throw error;
    }
  }

  async function pushAll(session: Session, counts: Counts): Promise<void> {
    let batchSize = MAX_OPS_PER_PUSH;
    for (;;) {
      const ops = (await database.outbox.limit(batchSize).toArray()).map(queued);
      if (ops.length === 0) return;
      const body = { protocol: PROTOCOL_VERSION, ops: ops.map(toWire) };
      const response = await send(session, { method: 'POST', path: '/api/v1/sync/push', body });
      // A batch over the server's 4 MB (long notes, big settings) goes again in halves.
      if (response.status === 413 && ops.length > 1) {
        batchSize = Math.ceil(ops.length / 2);
        continue;
      }
      if (response.status !== 200) throw stopFor(response);
      const ack = pushResponse.safeParse(response.body);
      if (!ack.success) throw new SyncStop('error', `unexpected answer to /api/v1/sync/push: ${describeIssues(ack.error)}`);
      await acknowledge(session, ops, ack.data, counts);
    }
  }

  /**
   * Records an acknowledgement in one transaction: the server's clock offset, the refused ops
   * with their reasons, their records put back as the server holds them, the ops a server of
   * another version refused held, and the trimmed outbox. Never trims before an acknowledgement.
   */
  async function acknowledge(session: Session, ops: readonly QueuedOp[], ack: PushResponse, counts: Counts): Promise<void> {
    if (ack.ackedSeq < ops[0]!.seq) throw new SyncStop('error', 'the server acknowledged none of the changes sent');
    const sent = new Map<number, OutboxOp>(ops.map((op) => [op.seq, op]));
    // An op refused as invalid that this app's own schema takes: the server runs another version
    // (sync-protocol.md, push: "known fields"), or the same one and refused it for a reason of
    // its own (text PostgreSQL cannot store). Its version tells which. Asked before the
    // transaction, which a request would end; a crash before the transaction commits loses
    // nothing: the server answers a retry of those seqs with the same refusals (push.ts).
    const early = (seq: number, code: string, op: OutboxOp) => code === 'INVALID_OP' && takesOp({ seq, table: op.table, id: op.id, hlc: op.hlc, fields: op.fields });
    const asks = ack.rejected.some(({ seq, code }) => sent.has(seq) && early(seq, code, sent.get(seq)!));
    const serverVersion = asks ? await serverVersionOf(session) : null;
    const at = now();
    let heldNow = 0;
    let stampedAgain = 0;
    // The write scope: an op refused as CLOCK_AHEAD is written again here (clock-reset.ts).
    await database.transaction('rw', [...WRITE_SCOPE, 'rejections'], async () => {
      // The browser may have deleted the database under the open app while the push was out (iOS
      // short of space, Chrome closing it; Dexie then opens a new, empty one). The answer is for
      // the old database's ops: applied here, its ackedSeq would trim the new database's outbox,
      // whose seqs start again at 1, and those writes would never be sent (tests/e2e/wiped-tablet).
      if ((await loadLocalDeviceId(database)) !== session.localDeviceId) throw new SyncStop('error', 'the local database was replaced during the sync');
      const rejections: RejectedChange[] = [];
      const restore: RefusedRecord[] = [];
      const held: HeldOp[] = [];
      // Seq order: a refused op written again after an earlier one on the same field wins, as it did.
      const refusals = [...ack.rejected].sort((a, b) => a.seq - b.seq);
      // A tablet whose clock was days ahead when its date was set right: its clock goes back, under
      // a new node, before any op is written again. The offset is stored first: writes read it.
      const node = refusals.some(({ code }) => code === 'CLOCK_AHEAD') ? await resetPoisonedClock(database, ack.serverTime) : null;
      await database.meta.put({ key: 'serverOffset', ms: ack.serverTime - at } satisfies MetaRow);
      for (const { seq, code, message, record } of refusals) {
        // Only a second tab pushing the same outbox could make the server refuse an op this
        // batch did not hold; then it is still in the outbox, or that tab recorded it.
        const op = sent.get(seq) ?? (await database.outbox.get(seq));
        if (!op) continue;
        // Held, not listed as refused, and its record not put back as the server has it: this
        // tablet's write is newer than the server's copy, and reaches it after its update.
        if (early(seq, code, op) && serverVersion !== appVersion) {
          held.push({ seq, table: op.table, id: op.id, hlc: op.hlc, fields: op.fields, heldAt: at, serverVersion, appVersion, message });
          continue;
        }
        // Stamped before the clock was reset (this answer's or an earlier one's), under an old node:
        // not refused, written again from the reset clock, and sent in the next push.
        if (code === 'CLOCK_AHEAD' && node !== null && parseHlc(op.hlc).node !== node && (await stampAgain(database, op, at))) {
          stampedAgain += 1;
          continue;
        }
        rejections.push({ seq, table: op.table, id: op.id, code, message, at });
        if (record !== undefined) restore.push({ table: op.table, id: op.id, record });
      }
      heldNow = held.length;
      // Before the restore, which merges held ops into what it puts back.
      if (held.length > 0) await database.heldOps.bulkPut(held);
      await restoreRefused(database, restore, ack.ackedSeq, { wallNow: at, serverOffset: ack.serverTime - at });
      await Promise.all([
        database.rejections.bulkPut(rejections),
        database.outbox.where('seq').belowOrEqual(ack.ackedSeq).delete(),
      ]);
    });
    const refused = new Set(ack.rejected.map((rejection) => rejection.seq));
    counts.held += heldNow;
    counts.rejected += refused.size - heldNow - stampedAgain;
    counts.pushed += ops.filter((op) => op.seq <= ack.ackedSeq && !refused.has(op.seq)).length;
  }

  async function fetchPage(session: Session, cursor: number): Promise<PullPage> {
    const response = await send(session, { method: 'GET', path: `/api/v1/sync/pull?cursor=${cursor}&limit=${pullLimit}` });
    if (response.status !== 200) throw stopFor(response);
    // Read as a tablet reads a page: a change for a table this version does not know is held
    // (apply-page.ts), not a reason to refuse the page and stick at this cursor.
    const parsed = pullPage.safeParse(response.body);
    if (!parsed.success) throw new SyncStop('error', `unexpected answer to /api/v1/sync/pull: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  /**
   * Pulls until the server has no more. The next page is fetched while this one is stored: the
   * network and IndexedDB each work while the other waits, which is most of a fresh tablet's
   * first sync. Pages are still applied one after another, each with its cursor in its own
   * transaction; a page that fails to store drops the one fetched after it, unread.
   */
  async function pullAll(session: Session, counts: Counts): Promise<void> {
    let cursor = await loadPullCursor(database);
    let next = fetchPage(session, cursor);
    for (;;) {
      const page = await next;
      // A server that says "more" without moving on would keep this loop (and the lock) for ever.
      if (page.hasMore && page.nextCursor <= cursor) throw new SyncStop('error', 'the server said there was more to pull but its cursor did not move');
      const ahead = page.hasMore ? fetchPage(session, page.nextCursor) : null;
      // Its failure, if any, is seen when it is awaited; until then it must not count as unhandled.
      ahead?.catch(() => undefined);
      counts.pulled += await applyPullPage(database, page, now(), session.enrolment.token);
      if (!ahead) return;
      cursor = page.nextCursor;
      next = ahead;
    }
  }

  return { syncOnce };
}

type QueuedOp = OutboxOp & { seq: number };

/** The id the local database was made with (database.ts, populate): a wiped database has a new one. */
async function loadLocalDeviceId(database: DaybookDatabase): Promise<string | null> {
  const row = await database.meta.get('device');
  return row?.key === 'device' ? row.deviceId : null;
}

/** An op read back from the outbox: the key generator gave it its seq when it was added. */
function queued(op: OutboxOp): QueuedOp {
  if (op.seq === undefined) throw new Error('an outbox op read back without its seq');
  return { ...op, seq: op.seq };
}

function toWire(op: QueuedOp) {
  return { seq: op.seq, table: op.table, id: op.id, hlc: op.hlc, fields: op.fields };
}

/**
 * The outcome a non-200 answer means (sync-protocol.md, endpoints). A 503 (the server busy or
 * restarting) or a 429 (this device asking too often) is no fault of the server's or the
 * tablet's: like being offline, the outbox waits and the scheduler tries again, not before the
 * server's Retry-After. Counting it an error would make every tablet of a busy centre look broken.
 */
function stopFor({ status, body, retryAfterMs }: TransportResponse): SyncStop {
  const reason = errorOf(body);
  const detail = reason ? `${status} ${reason.code}: ${reason.message}` : `HTTP ${status}`;
  if (status === 401) return new SyncStop('needs-enrolment', detail);
  if (status === 426) return new SyncStop('needs-update', detail);
  if (status === 503 || status === 429) return new SyncStop('offline', detail, retryAfterMs);
  return new SyncStop('error', detail);
}
