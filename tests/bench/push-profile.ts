/**
 * Where a push's time goes on the server (issue 14, "Push at full speed"): one client pushes
 * 20,000 ops in 1,000-op batches over HTTP on loopback, gzip bodies as the tablet sends them, to
 * a real app on PGlite (and on PostgreSQL when TEST_DATABASE_URL is set, in a schema of its own).
 * Every statement the store runs is timed and labelled, so the figure splits into the database's
 * share per statement and the rest (HTTP, gzip, JSON, the schema checks, the merge).
 *
 *   npx tsx tests/bench/push-profile.ts            # PGlite, then PostgreSQL when TEST_DATABASE_URL is set
 *   PROFILE_RUNS=3 npx tsx tests/bench/push-profile.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../../src/server/app';
import { openStore, type Queryable, type Store } from '../../src/server/store';
import { createCentre } from '../../src/server/store/accounts';
import { postgresSchema, testDatabaseUrl } from '../support/postgres-schema';
import { call, enrolOverHttp, listenOnLoopback } from './http';
import type { BenchResult } from './report';
import { makeOps } from './sync-http';

/** A statement's name: the function of store/ or sync/ that runs it, from its text. */
const LABELS: [RegExp, string][] = [
  [/^SELECT acked_seq/, 'lockDevice'],
  [/FROM devices WHERE token_hash|token_hash/, 'auth: findDeviceByToken'],
  [/^UPDATE devices SET last_seen_at/, 'auth: touchDevice'],
  [/FOR NO KEY UPDATE/, 'lockCentreForChanges'],
  [/tbl = 'erasures'/, 'screenForErasures: erasedAmong'],
  [/FROM erased_records/, 'screenForErasures: erased records'],
  [/FOR UPDATE OF r/, 'lockRecords'],
  [/^UPDATE centres SET last_cursor/, 'takeCursors'],
  [/^INSERT INTO records/, 'upsertRecords'],
  [/^WITH taken AS/, 'storeChanges (cursors + insert + update)'],
  [/day_facts/, 'forgetDayFacts'],
  [/pg_notify/, 'pg_notify'],
  [/^INSERT INTO rejected_ops/, 'saveRejections'],
  [/FROM rejected_ops/, 'rejectionsBetween'],
  [/^UPDATE devices SET acked_seq/, 'saveAckedSeq'],
  [/^ANALYZE/, 'ANALYZE'],
];
const WHOLE = 'transaction (whole, BEGIN to COMMIT)';
const labelOf = (sql: string) => {
  const text = sql.trim();
  return LABELS.find(([pattern]) => pattern.test(text))?.[1] ?? text.replace(/\s+/g, ' ').slice(0, 60);
};

/** Per label: the time its statements took, how many ran, and whether inside a push's transaction. */
type Timings = Map<string, { ms: number; count: number; inTransaction: boolean }>;

/** `store` with every statement timed under its label, and each transaction's whole time. */
function timed(store: Store, timings: Timings): Store {
  const add = (label: string, ms: number, inTransaction: boolean) => {
    const entry = timings.get(label) ?? { ms: 0, count: 0, inTransaction };
    entry.ms += ms;
    entry.count++;
    timings.set(label, entry);
  };
  const wrap = (q: Queryable, inTransaction: boolean): Queryable => ({
    query: async <T>(sql: string, params?: unknown[]) => {
      const start = performance.now();
      try {
        return await q.query<T>(sql, params);
      } finally {
        add(labelOf(sql), performance.now() - start, inTransaction);
      }
    },
  });
  const outside = wrap(store, false);
  return {
    driver: store.driver,
    ...(store.connections !== undefined && { connections: store.connections }),
    query: (sql, params) => outside.query(sql, params),
    transaction: async (work) => {
      const start = performance.now();
      try {
        return await store.transaction((tx) => work(wrap(tx, true)));
      } finally {
        add(WHOLE, performance.now() - start, false);
      }
    },
    ...(store.listen && { listen: store.listen.bind(store) }),
    close: () => store.close(),
  };
}

export type PushProfile = {
  driver: string;
  ops: number;
  pushMs: number;
  /** This process's CPU time over the pushes (client and server; PGlite runs in it, PostgreSQL does not). */
  cpuMs: number;
  opsPerSecond: number;
  batchMs: number[];
  timings: Timings;
};

/** Pushes `total` ops in 1,000-op batches to a fresh centre, timing every statement. */
export async function profilePush(driver: 'pglite' | 'postgres', total = 20_000): Promise<PushProfile> {
  const dataDir = driver === 'pglite' ? await mkdtemp(join(tmpdir(), 'daybook-push-profile-')) : undefined;
  const schema = driver === 'postgres' && testDatabaseUrl ? postgresSchema(testDatabaseUrl, 'bench') : undefined;
  if (driver === 'postgres' && !schema) throw new Error('set TEST_DATABASE_URL for PostgreSQL');
  await schema?.create();
  const inner = await openStore(schema ? { databaseUrl: schema.url } : { dataDir: dataDir! });
  const timings: Timings = new Map();
  const store = timed(inner, timings);
  const app = await buildApp({ store, version: 'bench' });
  const base = await listenOnLoopback(app);
  try {
    const centre = await createCentre(store, { name: 'Bench', timeZone: 'Europe/Paris' });
    const { token } = await enrolOverHttp(base, store, centre.id, 'pusher');
    const ops = makeOps(total, 'a1b2c3d4e5f60718', Date.now() - 30 * 86_400_000);
    timings.clear();
    const batchMs: number[] = [];
    // PROFILE_CPU=<file>: a CPU profile of the pushes alone (not the start), to read in DevTools.
    const cpuProfile = process.env.PROFILE_CPU;
    const inspector = cpuProfile ? new Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
    }
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < ops.length; i += 1000) {
      const began = performance.now();
      const answer = await call(base, 'POST', '/api/v1/sync/push', token, { protocol: 1, ops: ops.slice(i, i + 1000) }, { gzip: true });
      batchMs.push(performance.now() - began);
      if (answer.status !== 200) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const { ackedSeq, rejected } = answer.body as { ackedSeq: number; rejected: unknown[] };
      if (ackedSeq !== Math.min(i + 1000, total) || rejected.length > 0) throw new Error(`push answered ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    const pushMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    if (inspector && cpuProfile) {
      const { profile } = await inspector.post('Profiler.stop');
      await writeFile(`${cpuProfile}.${driver}.cpuprofile`, JSON.stringify(profile));
      inspector.disconnect();
    }
    return { driver, ops: total, pushMs, cpuMs: (cpu.user + cpu.system) / 1000, opsPerSecond: total / (pushMs / 1000), batchMs, timings: new Map(timings) };
  } finally {
    await app.close();
    await store.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await schema?.drop();
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The breakdown as lines: per batch, each label's share of the whole. */
export function describeProfile(profile: PushProfile): string[] {
  const batches = profile.batchMs.length;
  const sorted = [...profile.batchMs].sort((a, b) => a - b);
  const lines = [
    `${profile.driver}: ${Math.round(profile.opsPerSecond)} ops/s (${Math.round(profile.pushMs)} ms for ${profile.ops} ops; batch median ${round1(sorted[Math.floor(batches / 2)]!)} ms, min ${round1(sorted[0]!)} ms; ${Math.round(profile.cpuMs)} ms of CPU in this process)`,
  ];
  const perBatch = (ms: number) => ms / batches;
  const statements = [...profile.timings.values()].reduce((sum, { ms, inTransaction }) => sum + (inTransaction ? ms : 0), 0);
  const transaction = profile.timings.get(WHOLE)?.ms ?? 0;
  const request = profile.pushMs;
  for (const [label, { ms, count }] of [...profile.timings].sort((a, b) => b[1].ms - a[1].ms)) {
    lines.push(`  ${label.padEnd(44)} ${String(round1(perBatch(ms))).padStart(7)} ms/batch  ${String(Math.round((ms / request) * 100)).padStart(3)}%  (${count} calls)`);
  }
  lines.push(`  ${'  statements in the transaction'.padEnd(44)} ${String(round1(perBatch(statements))).padStart(7)} ms/batch  ${String(Math.round((statements / request) * 100)).padStart(3)}%`);
  lines.push(`  ${'  rest of the transaction (JS, BEGIN, COMMIT)'.padEnd(44)} ${String(round1(perBatch(transaction - statements))).padStart(7)} ms/batch  ${String(Math.round(((transaction - statements) / request) * 100)).padStart(3)}%`);
  lines.push(`  ${'  outside it (HTTP, gzip, JSON, zod, auth)'.padEnd(44)} ${String(round1(perBatch(request - transaction))).padStart(7)} ms/batch  ${String(Math.round(((request - transaction) / request) * 100)).padStart(3)}%`);
  return lines;
}

/** The figures `npm run bench` reports: push ops/s on PGlite, and PostgreSQL when there is one. */
export async function pushProfileResults(): Promise<BenchResult[]> {
  const drivers: ('pglite' | 'postgres')[] = testDatabaseUrl ? ['pglite', 'postgres'] : ['pglite'];
  const results: BenchResult[] = [];
  for (const driver of drivers) {
    const profile = await profilePush(driver);
    const transaction = profile.timings.get(WHOLE)?.ms ?? 0;
    results.push({
      name: `push 20,000 ops over HTTP in 1,000-op batches, ${driver === 'pglite' ? 'PGlite' : 'PostgreSQL'} (server profile)`,
      value: profile.opsPerSecond,
      unit: 'ops/s',
      detail: `${Math.round(profile.pushMs)} ms; ${Math.round((transaction / profile.pushMs) * 100)}% in the push's transaction`,
    });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = Number(process.env.PROFILE_RUNS ?? 1);
  const drivers = (process.env.PROFILE_DRIVERS?.split(',') as ('pglite' | 'postgres')[] | undefined) ?? (testDatabaseUrl ? ['pglite', 'postgres'] : ['pglite']);
  const figures = new Map<string, number[]>();
  for (let run = 0; run < runs; run++) {
    for (const driver of drivers) {
      const profile = await profilePush(driver);
      figures.set(driver, [...(figures.get(driver) ?? []), profile.opsPerSecond]);
      if (process.env.PROFILE_QUIET !== '1' || run === runs - 1) for (const line of describeProfile(profile)) console.log(line);
    }
  }
  for (const [driver, values] of figures) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`${driver}: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ops/s of ${values.map(Math.round).join(', ')}`);
  }
}
