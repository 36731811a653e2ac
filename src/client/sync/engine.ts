import { describeIssues, MAX_OPS_PER_PUSH, PROTOCOL_VERSION, pullPage, pushResponse, type PushResponse } from '../../shared/schema';
import { db } from '../db/db';
import { SYNCED_TABLES, type DaybookDatabase, type Enrolment, type MetaRow, type OutboxOp, type RejectedChange, type SyncOutcome } from '../db/core/database';
import { moveLateVisits } from '../db/repositories/code-clashes';
import { backfillRegistrations } from '../db/repositories/registration-backfill';
import { loadEnrolment, loadPullCursor, recordSyncOutcome } from '../db/repositories/sync-state';
import { applyHeldChanges, applyPullPage } from './apply-page';
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
  /** Changes per pull page (the server allows 1 to 5,000). */
  pullLimit?: number;
  /** Push-and-pull rounds in one sync while writes keep coming; the scheduler runs again later. */
  maxRounds?: number;
};

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

type Counts = { pushed: number; rejected: number; pulled: number };

export function createSyncEngine(options: SyncEngineOptions = {}): SyncEngine {
  const database = options.database ?? db;
  const now = options.now ?? Date.now;
  const pullLimit = options.pullLimit ?? 1000;
  const maxRounds = options.maxRounds ?? 5;
  const transportFor = options.transportFor ?? ((serverUrl: string) => fetchTransport(serverUrl));

  async function syncOnce(): Promise<SyncResult> {
    const enrolment = await loadEnrolment(database);
    const counts: Counts = { pushed: 0, rejected: 0, pulled: 0 };
    if (!enrolment) return { outcome: 'not-enrolled', ...counts, at: now() };
    const session = { enrolment, transport: options.transport ?? transportFor(enrolment.serverUrl) };
    let outcome: SyncOutcome = 'synced';
    let message: string | undefined;
    let retryAfterMs: number | undefined;
    try {
      // Once, before the first push after the update that made registrations rows of their own.
      await backfillRegistrations(database, now());
      await applyHeldAfterUpdate();
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

  type Session = { enrolment: Enrolment; transport: Transport };

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
      await acknowledge(ops, ack.data, counts);
    }
  }

  /**
   * Records an acknowledgement in one transaction: the server's clock offset, the refused ops
   * with their reasons, their records put back as the server holds them, and the trimmed outbox.
   * Never trims before an acknowledgement.
   */
  async function acknowledge(ops: readonly QueuedOp[], ack: PushResponse, counts: Counts): Promise<void> {
    if (ack.ackedSeq < ops[0]!.seq) throw new SyncStop('error', 'the server acknowledged none of the changes sent');
    const at = now();
    const sent = new Map<number, OutboxOp>(ops.map((op) => [op.seq, op]));
    await database.transaction('rw', [...SYNCED_TABLES, 'outbox', 'rejections', 'meta', 'dayFacts'], async () => {
      const rejections: RejectedChange[] = [];
      const restore: RefusedRecord[] = [];
      for (const { seq, code, message, record } of ack.rejected) {
        // Only a second tab pushing the same outbox could make the server refuse an op this
        // batch did not hold; then it is still in the outbox, or that tab recorded it.
        const op = sent.get(seq) ?? (await database.outbox.get(seq));
        if (!op) continue;
        rejections.push({ seq, table: op.table, id: op.id, code, message, at });
        if (record !== undefined) restore.push({ table: op.table, id: op.id, record });
      }
      await restoreRefused(database, restore, ack.ackedSeq, { wallNow: at, serverOffset: ack.serverTime - at });
      await Promise.all([
        database.meta.put({ key: 'serverOffset', ms: ack.serverTime - at } satisfies MetaRow),
        database.rejections.bulkPut(rejections),
        database.outbox.where('seq').belowOrEqual(ack.ackedSeq).delete(),
      ]);
    });
    const refused = new Set(ack.rejected.map((rejection) => rejection.seq));
    counts.rejected += refused.size;
    counts.pushed += ops.filter((op) => op.seq <= ack.ackedSeq && !refused.has(op.seq)).length;
  }

  async function pullAll(session: Session, counts: Counts): Promise<void> {
    let cursor = await loadPullCursor(database);
    for (;;) {
      const response = await send(session, { method: 'GET', path: `/api/v1/sync/pull?cursor=${cursor}&limit=${pullLimit}` });
      if (response.status !== 200) throw stopFor(response);
      // Read as a tablet reads a page: a change for a table this version does not know is held
      // (apply-page.ts), not a reason to refuse the page and stick at this cursor.
      const parsed = pullPage.safeParse(response.body);
      if (!parsed.success) throw new SyncStop('error', `unexpected answer to /api/v1/sync/pull: ${describeIssues(parsed.error)}`);
      const page = parsed.data;
      counts.pulled += await applyPullPage(database, page, now(), session.enrolment.token);
      if (!page.hasMore) return;
      // A server that says "more" without moving on would keep this loop (and the lock) for ever.
      if (page.nextCursor <= cursor) throw new SyncStop('error', 'the server said there was more to pull but its cursor did not move');
      cursor = page.nextCursor;
    }
  }

  return { syncOnce };
}

type QueuedOp = OutboxOp & { seq: number };

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
