import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/store';
import { createCentre } from '../../src/server/store/accounts';
import { childIdFromCode, issueCode, SERIES_LETTERS } from '../../src/shared/codes';
import { centreDay } from '../../src/shared/dates';
import { formatHlc, newNode, receive, tick, zeroHlc, type Hlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import { mergeOp, mergeReplicas, type Replica } from '../../src/shared/merge';
import {
  AGE_BANDS,
  DEFAULT_PULL_LIMIT,
  GENDERS,
  MAX_OPS_PER_PUSH,
  PROTOCOL_VERSION,
  pullResponse,
  pushResponse,
  type Op,
  type Rejection,
  type Role,
  type TableName,
} from '../../src/shared/schema';
import { postgresSchema } from '../support/postgres-schema';
import { call, enrolOverHttp, listenOnLoopback } from './http';
import { median, percentile, type BenchResult } from './report';

/**
 * Many tablets syncing at once against one server, over HTTP on loopback: each writes like a
 * tablet at a busy centre (check-ins and check-outs of its own children, now and then an edit
 * to a record every tablet shares), pushes its outbox with its seq numbers, pulls from its
 * cursor, and waits a little. Then every tablet pushes and pulls what is left, and the benchmark
 * checks that nothing was lost: the server holds exactly the per-field merge of every op it
 * acknowledged, and every tablet holds exactly what the server holds. A failed check throws.
 */

const TIME_ZONE = 'Europe/Paris';
/** Each tablet waits this long, plus up to as much again, after a sync: a sync every 1-2 s. */
const THINK_MS = 1_000;
/** Children every tablet may edit (a wrong age band put right, a language added). */
const SHARED_CHILDREN = Array.from({ length: 12 }, (_, i) => childIdFromCode(issueCode('Y', 9000 + i)));
/** Settings a lead edits; one record per key, so two leads editing at once write the same record. */
const SHARED_SETTINGS = ['ratioLimits', 'openingHours'];
/** Leads among the tablets: they also edit settings. */
const LEADS = 5;
/** Rounds of retries after the run before a tablet still behind counts as lost. */
const DRAIN_ROUNDS = 50;
const LANGUAGES = ['ar', 'ckb', 'kmr', 'fa', 'ps', 'ti'];

type Random = () => number;

/** A fixed-seed generator (mulberry32): each run writes the same kinds of ops in the same mix. */
function seededRandom(seed: number): Random {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const keyOf = (table: string, id: string) => `${table}:${id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Timings = { push: number[]; pull: number[]; accepted: number; pulled: number; failures: string[] };

/** A tablet as the server sees it: an outbox numbered by seq, a cursor, a clock, and its replica. */
class SimulatedTablet {
  private clock: Hlc = zeroHlc(newNode());
  private serverOffset = 0;
  private nextSeq = 1;
  private outbox: Op[] = [];
  private cursor = 0;
  /** What the tablet holds: its own writes merged at once, the server's as pulled. */
  readonly replica = new Map<string, Replica>();
  /** Every op the server acknowledged without rejecting it, for the check. */
  readonly acknowledged: Op[] = [];
  readonly rejected: Rejection[] = [];
  private readonly ownChildren: string[] = [];
  private readonly present = new Set<string>();
  private readonly random: Random;

  constructor(
    readonly index: number,
    readonly role: Role,
    private readonly base: string,
    private readonly token: string,
  ) {
    this.random = seededRandom(index + 1);
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** A local write: stamped, merged into the replica and queued, as the tablet's repository does. */
  write(table: TableName, id: string, fields: Record<string, unknown>): void {
    this.clock = tick(this.clock, Date.now(), this.serverOffset);
    const op: Op = { seq: this.nextSeq++, table, id, hlc: formatHlc(this.clock), fields };
    const key = keyOf(table, id);
    this.replica.set(key, mergeOp(this.replica.get(key), op).next);
    this.outbox.push(op);
  }

  /** What a volunteer does between two syncs: one to three taps (or `taps`, for the ceiling run). */
  act(taps = 1 + Math.floor(this.random() * 3)): void {
    for (let i = 0; i < taps; i++) {
      const roll = this.random();
      if (roll < 0.1) this.editSharedChild();
      else if (roll < 0.13 && this.role === 'lead') this.editSetting();
      else this.checkInOrOut();
    }
  }

  /** Check-ins and check-outs of this tablet's own children; a new child is registered now and then. */
  private checkInOrOut(): void {
    const now = Date.now();
    const day = centreDay(now, TIME_ZONE);
    if (this.ownChildren.length < 20 && (this.ownChildren.length === 0 || this.random() < 0.2)) {
      // Codes no other tablet issues: a series letter and a range of serials of its own.
      const code = issueCode(SERIES_LETTERS[this.index % SERIES_LETTERS.length]!, 1000 + Math.floor(this.index / SERIES_LETTERS.length) * 100 + this.ownChildren.length);
      const childId = childIdFromCode(code);
      this.write('children', childId, { code, ageBand: pick(this.random, AGE_BANDS), gender: pick(this.random, GENDERS), languages: [pick(this.random, LANGUAGES)], registeredOn: day, deleted: false });
      this.ownChildren.push(childId);
    }
    const childId = pick(this.random, this.ownChildren);
    const kind = this.present.has(childId) ? 'out' : 'in';
    this.write('attendance', uuidv7(now), { childId, day, kind, at: now, deleted: false });
    if (kind === 'in') this.present.add(childId);
    else this.present.delete(childId);
  }

  /** Several fields, several tablets: the per-field merge decides. */
  private editSharedChild(): void {
    const id = pick(this.random, SHARED_CHILDREN);
    const edits = [{ ageBand: pick(this.random, AGE_BANDS) }, { gender: pick(this.random, GENDERS) }, { languages: [pick(this.random, LANGUAGES), pick(this.random, LANGUAGES)] }];
    const first = Math.floor(this.random() * edits.length);
    this.write('children', id, this.random() < 0.5 ? edits[first]! : { ...edits[first], ...edits[(first + 1) % edits.length] });
  }

  private editSetting(): void {
    const id = pick(this.random, SHARED_SETTINGS);
    const value =
      id === 'ratioLimits'
        ? { maxChildrenPerVolunteer: 4 + Math.floor(this.random() * 9), requireVolunteerWhenChildrenPresent: this.random() < 0.8 }
        : { opens: pick(this.random, ['08:30', '09:00', '09:30']), closes: pick(this.random, ['17:00', '17:30', '18:00']) };
    this.write('settings', id, { value, deleted: false });
  }

  /** The records every tablet edits, made once by the first lead before the others start. */
  createSharedRecords(): void {
    const day = centreDay(Date.now(), TIME_ZONE);
    for (const id of SHARED_CHILDREN) {
      this.write('children', id, { code: id.slice('child-'.length), ageBand: '6-8', gender: 'unspecified', languages: ['ar'], registeredOn: day, deleted: false });
    }
    this.write('settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true }, deleted: false });
    this.write('settings', 'openingHours', { value: { opens: '09:00', closes: '18:00' }, deleted: false });
  }

  /**
   * Push every pending op, then pull until `hasMore` is false (sync-protocol.md, "Device
   * behaviour"). A failed request ends the sync and keeps the outbox, as on a tablet; the next
   * sync sends it again. True when the sync went all the way.
   */
  async sync(timings: Timings): Promise<boolean> {
    while (this.outbox.length > 0) {
      const ops = this.outbox.slice(0, MAX_OPS_PER_PUSH);
      const start = performance.now();
      const answer = await this.request('POST', '/api/v1/sync/push', { protocol: PROTOCOL_VERSION, ops }, timings);
      timings.push.push(performance.now() - start);
      if (!answer) return false;
      const ack = pushResponse.parse(answer.body);
      this.serverOffset = ack.serverTime - Date.now();
      const done = this.outbox.filter((op) => op.seq <= ack.ackedSeq);
      // Pushing the same ops again would get the same answer for ever.
      if (done.length === 0) throw new Error(`tablet ${this.index}: the server acknowledged seq ${ack.ackedSeq}, none of the ops sent from seq ${ops[0]!.seq}`);
      const refused = new Set(ack.rejected.map((rejection) => rejection.seq));
      this.rejected.push(...ack.rejected);
      const taken = done.filter((op) => !refused.has(op.seq));
      this.acknowledged.push(...taken);
      timings.accepted += taken.length;
      this.outbox = this.outbox.slice(done.length);
    }
    for (;;) {
      const start = performance.now();
      const answer = await this.request('GET', `/api/v1/sync/pull?cursor=${this.cursor}&limit=${DEFAULT_PULL_LIMIT}`, undefined, timings);
      timings.pull.push(performance.now() - start);
      if (!answer) return false;
      const page = pullResponse.parse(answer.body);
      this.serverOffset = page.serverTime - Date.now();
      let latest: string | undefined;
      for (const change of page.changes) {
        const key = keyOf(change.table, change.id);
        // The local side first, as the tablet does: a write not yet acknowledged stays if newer.
        this.replica.set(key, mergeReplicas(this.replica.get(key) ?? { fields: {}, hlcs: {} }, { fields: change.fields, hlcs: change.hlcs }));
        for (const hlc of Object.values(change.hlcs)) if (latest === undefined || hlc > latest) latest = hlc;
      }
      // Moving up to the latest clock seen is what receiving each in turn comes to (none is a day ahead).
      if (latest !== undefined) this.clock = receive(this.clock, latest, Date.now(), this.serverOffset);
      timings.pulled += page.changes.length;
      this.cursor = page.nextCursor;
      if (!page.hasMore) return true;
    }
  }

  private async request(method: string, path: string, body: unknown, timings: Timings) {
    try {
      const answer = await call(this.base, method, path, this.token, body);
      if (answer.status === 200) return answer;
      timings.failures.push(`${method} ${path.split('?')[0]}: ${answer.status} ${JSON.stringify(answer.body)}`);
    } catch (error) {
      timings.failures.push(`${method} ${path.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return undefined;
  }
}

type Driver = { name: string; open: () => Promise<{ store: Store; dispose: () => Promise<void> }> };

const pglite: Driver = {
  name: 'PGlite',
  open: async () => {
    // A DATA_DIR on disk, as the server runs by default; not the in-memory database tests use.
    const dataDir = await mkdtemp(join(tmpdir(), 'daybook-bench-'));
    const store = await openStore({ dataDir });
    return { store, dispose: async () => (await store.close(), await rm(dataDir, { recursive: true, force: true })) };
  },
};

/** A schema of its own in the given database, dropped afterwards: the database's own tables are never touched. */
function postgres(databaseUrl: string): Driver {
  return {
    name: 'PostgreSQL',
    open: async () => {
      const schema = postgresSchema(databaseUrl, 'bench');
      await schema.create();
      try {
        const store = await openStore({ databaseUrl: schema.url });
        return { store, dispose: async () => (await store.close(), await schema.drop()) };
      } catch (error) {
        await schema.drop();
        throw error;
      }
    },
  };
}

/** The centre's records as the server holds them, keyed `table:id`. */
async function serverState(store: Store, centreId: string): Promise<Map<string, Replica>> {
  const rows = await store.query<{ tbl: string; id: string; fields: Record<string, unknown>; hlcs: Record<string, string> }>(
    'SELECT tbl, id, fields, hlcs FROM records WHERE centre_id = $1',
    [centreId],
  );
  return new Map(rows.map((row) => [keyOf(row.tbl, row.id), { fields: row.fields, hlcs: row.hlcs }]));
}

/** Where two states differ, a few keys at most, for an error message; empty when they are equal. */
function differences(expected: Map<string, Replica>, actual: Map<string, Replica>, limit = 3): string[] {
  const found: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key);
    const got = actual.get(key);
    if (isDeepStrictEqual(want, got)) continue;
    found.push(`${key}: expected ${JSON.stringify(want)}, found ${JSON.stringify(got)}`);
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * Nothing lost: no op was rejected or left unsent; the server holds exactly the per-field merge
 * of every acknowledged op (merge.ts, in any order: the rule does not care); every tablet holds
 * exactly what the server holds. Returns what was checked; throws on the first failure.
 */
function checkNothingLost(tablets: readonly SimulatedTablet[], server: Map<string, Replica>): string {
  const rejected = tablets.flatMap((tablet) => tablet.rejected);
  if (rejected.length > 0) throw new Error(`the server rejected ${rejected.length} valid op(s), e.g. ${JSON.stringify(rejected[0])}`);
  const unsent = tablets.filter((tablet) => tablet.pending > 0);
  if (unsent.length > 0) throw new Error(`${unsent.length} tablet(s) still hold unacknowledged ops after the final sync`);
  const expected = new Map<string, Replica>();
  let ops = 0;
  for (const tablet of tablets) {
    for (const op of tablet.acknowledged) {
      const key = keyOf(op.table, op.id);
      expected.set(key, mergeOp(expected.get(key), op).next);
      ops += 1;
    }
  }
  const lost = differences(expected, server);
  if (lost.length > 0) throw new Error(`the server's records are not the merge of the ops it acknowledged:\n${lost.join('\n')}`);
  for (const tablet of tablets) {
    const apart = differences(server, tablet.replica);
    if (apart.length > 0) throw new Error(`tablet ${tablet.index} does not hold what the server holds after its final pull:\n${apart.join('\n')}`);
  }
  return `nothing lost: ${server.size.toLocaleString('en')} records = merge of ${ops.toLocaleString('en')} acknowledged ops; ${tablets.length} replicas = server`;
}

/**
 * How the tablets behave: at a realistic pace (a sync every 1-2 s, one to three taps between),
 * or at the server's ceiling (issue 14): no think time, 100 ops a push.
 */
type Pace = { name: string; thinkMs: number; opsPerSync: number | undefined };
const REALISTIC: Pace = { name: '', thinkMs: THINK_MS, opsPerSync: undefined };
const CEILING: Pace = { name: ' at zero think time, 100 ops a push', thinkMs: 0, opsPerSync: 100 };

async function runOn(driver: Driver, tabletCount: number, seconds: number, pace: Pace = REALISTIC): Promise<BenchResult[]> {
  const { store, dispose } = await driver.open();
  const app = await buildApp({ store, version: 'bench' });
  try {
    const base = await listenOnLoopback(app);
    const centre = await createCentre(store, { name: 'Busy centre', timeZone: TIME_ZONE });
    const tablets: SimulatedTablet[] = [];
    for (let i = 0; i < tabletCount; i++) {
      const role: Role = i < LEADS ? 'lead' : 'volunteer';
      const { token } = await enrolOverHttp(base, store, centre.id, `Tablet ${i + 1}`, role);
      tablets.push(new SimulatedTablet(i, role, base, token));
    }
    // Before the clock starts: the shared records exist and every tablet has synced once.
    const setup: Timings = { push: [], pull: [], accepted: 0, pulled: 0, failures: [] };
    tablets[0]!.createSharedRecords();
    for (const tablet of tablets) await tablet.sync(setup);

    const timings: Timings = { push: [], pull: [], accepted: 0, pulled: 0, failures: [] };
    let syncs = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      tablets.map(async (tablet) => {
        // Tablets are not in step: each starts somewhere in the first think time.
        await sleep(Math.random() * pace.thinkMs);
        while (performance.now() < end) {
          tablet.act(pace.opsPerSync);
          await tablet.sync(timings);
          syncs += 1;
          if (pace.thinkMs > 0) await sleep(pace.thinkMs * (1 + Math.random()));
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;

    // Everything left goes up first, then everyone pulls: no push can land after a final pull.
    // At the ceiling a busy server sheds pushes (503): tablets then hold thousands of ops, which
    // go up over several rounds, as on tablets that retry.
    const drain: Timings = { push: [], pull: [], accepted: 0, pulled: 0, failures: [] };
    for (let round = 0; round < DRAIN_ROUNDS && tablets.some((tablet) => tablet.pending > 0); round++) {
      await Promise.all(tablets.map((tablet) => tablet.sync(drain)));
    }
    // The final pulls, again for any that failed, until every tablet has pulled everything.
    let behind = tablets;
    for (let round = 0; round < DRAIN_ROUNDS && behind.length > 0; round++) {
      const done = await Promise.all(behind.map((tablet) => tablet.sync(drain)));
      behind = behind.filter((_, i) => !done[i]);
    }
    // A request that failed here and was not made good shows in the check below as a lost op.
    const checked = checkNothingLost(tablets, await serverState(store, centre.id));

    const label = `${tabletCount} tablets${pace.name} for ${seconds} s, ${driver.name}`;
    const failures = [...timings.failures, ...drain.failures];
    const failed = failures.length > 0 ? `; ${failures.length} failed request(s), retried, first: ${failures[0]}` : '';
    const ms = (values: number[]) => `${Math.round(median(values))} ms median`;
    return [
      {
        name: `${label}: ops accepted`,
        value: timings.accepted / elapsed,
        unit: 'ops/s',
        detail: `${Math.round(timings.pulled / elapsed).toLocaleString('en')} changes pulled/s; ${syncs.toLocaleString('en')} syncs, ${pace === CEILING ? 'each tablet again at once (target on PostgreSQL: at least 10,000 ops/s)' : 'each tablet every 1-2 s'}; ${checked}${failed}`,
      },
      {
        name: `${label}: push latency (p99)`,
        value: percentile(timings.push, 99),
        unit: 'ms',
        ...(pace === CEILING && driver.name === 'PostgreSQL' && { target: { max: 200 } }),
        detail: `${ms(timings.push)}; ${timings.push.length.toLocaleString('en')} pushes`,
      },
      { name: `${label}: pull latency (p99)`, value: percentile(timings.pull, 99), unit: 'ms', detail: `${ms(timings.pull)}; ${timings.pull.length.toLocaleString('en')} pull pages` },
    ];
  } finally {
    await app.close();
    await dispose();
  }
}

/**
 * The many-tablets benchmark on PGlite, and on PostgreSQL when TEST_DATABASE_URL or DATABASE_URL
 * names one (in a schema of its own, dropped afterwards). `BENCH_TABLETS_SECONDS` sets the length
 * of each run (default 60 s).
 */
export async function manyTablets(tabletCount = 50, seconds = Number(process.env.BENCH_TABLETS_SECONDS ?? 60)): Promise<BenchResult[]> {
  if (!(seconds > 0)) throw new Error(`BENCH_TABLETS_SECONDS must be a positive number of seconds, not ${process.env.BENCH_TABLETS_SECONDS}`);
  const results = [...(await runOn(pglite, tabletCount, seconds)), ...(await runOn(pglite, tabletCount, seconds, CEILING))];
  const databaseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (databaseUrl) {
    results.push(...(await runOn(postgres(databaseUrl), tabletCount, seconds)));
    results.push(...(await runOn(postgres(databaseUrl), tabletCount, seconds, CEILING)));
  } else {
    results.push({
      name: `${tabletCount} tablets, PostgreSQL`,
      value: Number.NaN,
      unit: 'ops/s',
      detail: 'set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may create a schema in',
    });
  }
  return results;
}
