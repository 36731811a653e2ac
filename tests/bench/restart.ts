import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openStore, type Store } from '../../src/server/store';
import { createCentre, mintEnrolmentCode } from '../../src/server/store/accounts';
import { childIdFromCode } from '../../src/shared/codes';
import { centreDay } from '../../src/shared/dates';
import { formatHlc } from '../../src/shared/hlc';
import { uuidv7 } from '../../src/shared/ids';
import { PROTOCOL_VERSION } from '../../src/shared/schema';
import { postgresSchema } from '../support/postgres-schema';
import { storeYear, yearOfRecords } from './fresh-pull';
import { call } from './http';
import { median, type BenchResult } from './report';
import { yearPlan } from './tablet';

/**
 * Kill-to-healthy (issue 10, "Restart time"): the real server as `npm start` runs it (the bundle
 * `build/server/main.mjs`, which `npm run bench` builds first) on a database holding a year of a
 * busy centre, killed with SIGKILL just after a push, started again; the figure is the time from
 * the new process's spawn to `GET /api/v1/health` answering 200. On PGlite, and on PostgreSQL
 * when TEST_DATABASE_URL or DATABASE_URL names one. On PGlite, a probe (restart-probe.ts) goes
 * through the server's start step by step after a kill and says where the time goes, in wall
 * clock and in CPU time.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(ROOT, 'build/server/main.mjs');
/** The probe, bundled beside the server so that it resolves the same node_modules. */
const PROBE = join(ROOT, 'build/bench/restart-probe.mjs');
const TIME_ZONE = 'Europe/Paris';
/** Check-ins pushed before each kill: writes the database has not checkpointed. */
const OPS_BEFORE_KILL = 500;
const GIVE_UP_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Spawned = { child: ChildProcess; base: string; output: () => string; exit: Promise<void> };

function spawnNode(script: string, env: Record<string, string>, port: number): Spawned {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exit };
}

async function kill(run: Spawned): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.exit;
}

/** Polls the health check until it answers 200; the milliseconds since `from`. */
async function healthy(run: Spawned, from: number): Promise<number> {
  let exited = false;
  void run.exit.then(() => (exited = true));
  while (performance.now() - from < GIVE_UP_MS) {
    if (exited) throw new Error(`the server exited before it was healthy: ${run.output()}`);
    const status = await call(run.base, 'GET', '/api/v1/health').then(
      (answer) => answer.status,
      () => 0,
    );
    if (status === 200) return performance.now() - from;
    await sleep(10);
  }
  throw new Error(`the server was not healthy within ${GIVE_UP_MS / 1000} s: ${run.output()}`);
}

/** A tablet's push of check-ins, numbered on from `seq`. */
async function pushCheckIns(base: string, token: string, seq: number, count: number, childId: string): Promise<void> {
  const now = Date.now();
  const ops = Array.from({ length: count }, (_, i) => ({
    seq: seq + i,
    table: 'attendance',
    id: uuidv7(now),
    hlc: formatHlc({ ms: now, counter: i, node: 'c0c0c0c0c0c0c0c0' }),
    fields: { childId, day: centreDay(now, TIME_ZONE), kind: i % 2 === 0 ? 'in' : 'out', at: now, deleted: false },
  }));
  const answer = await call(base, 'POST', '/api/v1/sync/push', token, { protocol: PROTOCOL_VERSION, ops });
  if (answer.status !== 200) throw new Error(`the push answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}

type Place = { env: Record<string, string>; open: () => Promise<Store>; dataDir?: string };

/**
 * Kill-to-healthy on one database: `runs` restarts, each after a push and a SIGKILL. With a
 * DATA_DIR, then `probes` probes, each after a start, a push and a kill.
 */
async function restartsOn(place: Place, staticDir: string, runs: number, probes = 0): Promise<{ times: number[]; records: number; steps: Steps[] }> {
  // A year of a busy centre, written with the store's own functions, and a code for the tablet.
  const store = await place.open();
  let code: string;
  let records: number;
  try {
    const centre = await createCentre(store, { name: 'Busy centre', timeZone: TIME_ZONE });
    const year = await yearOfRecords(yearPlan(Date.now()));
    await storeYear(store, centre.id, year);
    records = year.length;
    ({ code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'lead', now: Date.now() }));
  } finally {
    await store.close();
  }
  const env = { STATIC_DIR: staticDir, ...place.env };
  const childId = childIdFromCode(yearPlan(Date.now()).codes[0]!);

  let server = spawnNode(SERVER, env, await freePort());
  let token: string;
  let seq = 1;
  try {
    await healthy(server, performance.now());
    const enrolled = await call(server.base, 'POST', '/api/v1/enrol', undefined, { code, deviceName: 'bench tablet' });
    if (enrolled.status !== 201) throw new Error(`enrol answered ${enrolled.status}: ${JSON.stringify(enrolled.body)}`);
    token = (enrolled.body as { token: string }).token;
    const pushAndKill = async () => {
      await pushCheckIns(server.base, token, seq, OPS_BEFORE_KILL, childId);
      seq += OPS_BEFORE_KILL;
      await kill(server);
    };
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      await pushAndKill();
      const spawned = performance.now();
      server = spawnNode(SERVER, env, await freePort());
      times.push(await healthy(server, spawned));
    }
    await pushAndKill();
    const steps: Steps[] = [];
    for (let run = 0; run < probes && place.dataDir; run++) {
      steps.push(await probeAfterKill(place.dataDir, staticDir));
      server = spawnNode(SERVER, env, await freePort());
      await healthy(server, performance.now());
      await pushAndKill();
    }
    return { times, records, steps };
  } finally {
    await kill(server);
  }
}

/** The steps of the server's start, as the probe times them after a kill: ms from the spawn, and CPU ms used by then. */
type Steps = Record<string, { wall: number; cpu: number }>;

/** Runs the probe on a DATA_DIR just left by a SIGKILL; the time of each step since the spawn. */
async function probeAfterKill(dataDir: string, staticDir: string): Promise<Steps> {
  const spawnedAt = Date.now();
  const probe = spawnNode(PROBE, { DATA_DIR: dataDir, STATIC_DIR: staticDir }, await freePort());
  await probe.exit;
  const line = probe.output().split('\n').find((text) => text.startsWith('steps '));
  if (!line) throw new Error(`the probe said no steps: ${probe.output()}`);
  const marks = JSON.parse(line.slice('steps '.length)) as [string, number, number][];
  return Object.fromEntries(marks.map(([name, at, cpuMs]) => [name, { wall: at - spawnedAt, cpu: cpuMs }]));
}

async function bundleProbe(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'tests/bench/restart-probe.ts')],
    outfile: PROBE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    logLevel: 'warning',
  });
}

export async function restartTime(runs = 5): Promise<BenchResult[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'daybook-bench-restart-'));
  const staticDir = join(scratch, 'dist');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Daybook</title>');
  const results: BenchResult[] = [];
  await bundleProbe();
  try {
    const dataDir = join(scratch, 'data');
    const pglite: Place = { env: { DATA_DIR: dataDir }, open: () => openStore({ dataDir }), dataDir };
    const { times, records, steps: probes } = await restartsOn(pglite, staticDir, runs, 3);
    const detail = `${runs} runs, ${Math.round(Math.min(...times))}-${Math.round(Math.max(...times))} ms; ${records.toLocaleString('en')} records, SIGKILL after a push`;
    results.push({ name: 'kill to healthy, PGlite (median)', value: median(times), unit: 'ms', target: { max: 3000 }, detail });

    // Where it goes: the probe after a kill, three times, each after a start, a push and a kill.
    const names = Object.keys(probes[0]!);
    const breakdown = names.map((name, i) => {
      const previous = i === 0 ? undefined : names[i - 1]!;
      const wall = probes.map((steps) => steps[name]!.wall - (previous ? steps[previous]!.wall : 0));
      const used = probes.map((steps) => steps[name]!.cpu - (previous ? steps[previous]!.cpu : 0));
      return `${name} +${Math.round(median(wall))} (CPU ${Math.round(median(used))})`;
    });
    results.push({
      name: 'kill to listening, PGlite, step by step (median)',
      value: median(probes.map((steps) => steps.listening!.wall)),
      unit: 'ms',
      detail: `${probes.length} probes after a kill, ms of wall clock (of CPU): ${breakdown.join(', ')}`,
    });
    results.push({
      name: 'CPU time of a start after a kill, PGlite (median)',
      value: median(probes.map((steps) => steps.listening!.cpu)),
      unit: 'ms',
      target: { max: 3000 },
      detail: 'the wall clock of a start on an idle machine; on a busy one the wall clock above is longer',
    });

    const databaseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
    if (databaseUrl) {
      const schema = postgresSchema(databaseUrl, 'bench');
      await schema.create();
      try {
        const postgres: Place = { env: { DATABASE_URL: schema.url }, open: () => openStore({ databaseUrl: schema.url }) };
        const run = await restartsOn(postgres, staticDir, runs);
        const pgDetail = `${runs} runs, ${Math.round(Math.min(...run.times))}-${Math.round(Math.max(...run.times))} ms; ${run.records.toLocaleString('en')} records`;
        results.push({ name: 'kill to healthy, PostgreSQL (median)', value: median(run.times), unit: 'ms', target: { max: 3000 }, detail: pgDetail });
      } finally {
        await schema.drop();
      }
    } else {
      results.push({
        name: 'kill to healthy, PostgreSQL (median)',
        value: Number.NaN,
        unit: 'ms',
        detail: 'set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database the benchmark may create a schema in',
      });
    }
    return results;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

