import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, openStore } from '../../src/server/store';
import { createCentre } from '../../src/server/store/accounts';

/**
 * The very first start creates the embedded database, which takes seconds (issue 10, finding 10):
 * a kill at any moment of it must leave a DATA_DIR that the next start opens or creates, never one
 * it takes for somebody else's files. The server is the real one, src/server/main.ts under tsx, killed
 * with SIGKILL after longer and longer delays. The delays only spread the kills over the start;
 * whichever moment a kill lands on, the next start must work.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** One start of the server on a loaded machine: tsx, PGlite's initdb and the app take up to 25 s. */
const START_MS = 90_000;
/** Kill points spread over the first start, from 0 to the time it takes. */
const KILL_POINTS = 11;

let scratch: string;
let staticDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'daybook-first-start-'));
  staticDir = join(scratch, 'dist');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Daybook</title>');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  port: number;
  output: () => string;
  exit: Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(dataDir: string): Promise<Run> {
  const port = await freePort();
  // Node itself with tsx as a loader: the tsx command runs the server as its own child, and
  // SIGKILL would stop only that wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, port, output: () => output, exit };
}

/** Resolves once the server says it listens; fails with its output if it exits first. */
async function listening(run: Run): Promise<void> {
  const seen = await new Promise<boolean>((resolve) => {
    const check = setInterval(() => run.output().includes('listening on') && finish(true), 25);
    const finish = (value: boolean) => {
      clearInterval(check);
      resolve(value);
    };
    void run.exit.then(() => finish(run.output().includes('listening on')));
  });
  expect(seen, `the server exited instead of listening: ${run.output()}`).toBe(true);
}

async function kill(run: Run): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.exit;
}

/** What a kill left in DATA_DIR, for the log: which part of the first start it cut. */
async function stateOf(dataDir: string): Promise<string> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  if (names.includes('PG_VERSION')) return names.includes('.daybook-moving.json') ? 'a database, journal not yet gone' : 'a database';
  if (names.includes('.daybook-moving.json')) return 'a half-moved database';
  if (names.some((name) => name.startsWith('.daybook-creating-'))) return 'a database being made';
  return 'no database yet';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What DATA_DIR holds besides the database: nothing left of a creation. */
async function leftovers(dataDir: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((name) => name.startsWith('.daybook-'));
}

describe('the first start, killed at any moment', () => {
  it(
    `leaves a DATA_DIR the next start opens, at each of ${KILL_POINTS} kill points`,
    async () => {
      // Once, uninterrupted: how long a first start takes here, to spread the kills over.
      const began = performance.now();
      const measured = await start(join(scratch, 'measured'));
      await listening(measured);
      const firstStartMs = performance.now() - began;
      await kill(measured);

      // The span the kills are spread over: the shortest whole first start seen so far (a start
      // after a kill that left no database is one), so that a slow measurement on a busy machine
      // does not put half the kills after the server already listens.
      let span = firstStartMs;
      const outcomes: string[] = [];
      for (let point = 0; point < KILL_POINTS; point++) {
        const delay = Math.round((span * point) / (KILL_POINTS - 1));
        const dataDir = join(scratch, `killed-${point}`);
        const first = await start(dataDir);
        await Promise.race([sleep(delay), first.exit]);
        const listened = first.output().includes('listening on');
        await kill(first);
        const left = await stateOf(dataDir);

        const restarted = performance.now();
        const again = await start(dataDir);
        await listening(again);
        if (left !== 'a database') span = Math.min(span, performance.now() - restarted);
        const health = await fetch(`http://127.0.0.1:${again.port}/api/v1/health`);
        expect(health.status, `after a kill at ${delay} ms`).toBe(200);
        await kill(again);
        expect(await leftovers(dataDir), `after a kill at ${delay} ms`).toEqual([]);
        outcomes.push(`${delay} ms: ${listened ? 'listening' : left}`);
      }
      // Which moments were hit: the log says, when a run wants to know.
      console.log(`first start ${Math.round(firstStartMs)} ms; killed at ${outcomes.join('; ')}`);
    },
    KILL_POINTS * 2 * START_MS,
  );
});

describe('what an interrupted creation left behind', () => {
  /** A whole database, made once, to copy pieces of. */
  let made: string;

  beforeAll(async () => {
    made = join(scratch, 'made');
    const store = await openStore({ dataDir: made });
    await createCentre(store, { name: 'Calais', timeZone: 'Europe/Paris' });
    await store.close();
  }, START_MS);

  async function copyOf(name: string, keep: (entry: string) => boolean): Promise<string> {
    const dir = join(scratch, name);
    await mkdir(dir);
    for (const entry of await readdir(made)) if (keep(entry)) await cp(join(made, entry), join(dir, entry), { recursive: true });
    return dir;
  }

  it(
    'a kill in the middle of the move: the files moved so far go, and a new database is made',
    async () => {
      const dir = await copyOf('mid-move', (entry) => entry !== 'PG_VERSION' && !entry.startsWith('.'));
      const moved = (await readdir(dir)).filter((entry) => entry !== 'daybook-server.lock');
      await writeFile(join(dir, '.daybook-moving.json'), JSON.stringify([...moved, 'postgresql.auto.conf']));
      // And the folder it was being made in, half full.
      await mkdir(join(dir, '.daybook-creating-4242-0badcafe', 'base'), { recursive: true });
      const store = await openStore({ dataDir: dir });
      try {
        expect(await store.query('SELECT count(*)::int AS n FROM schema_migrations')).not.toEqual([{ n: 0 }]);
      } finally {
        await store.close();
      }
      expect(await leftovers(dir)).toEqual([]);
    },
    START_MS,
  );

  it(
    'a kill after PG_VERSION moved in, before the journal went: the database is kept',
    async () => {
      const dir = await copyOf('after-commit', (entry) => !entry.startsWith('.'));
      await writeFile(join(dir, '.daybook-moving.json'), JSON.stringify((await readdir(dir)).filter((entry) => entry !== 'PG_VERSION')));
      await mkdir(join(dir, '.daybook-creating-4242-0badcafe'));
      const before = await openStore({ dataDir: made });
      const centres = await before.query('SELECT id FROM centres ORDER BY id');
      await before.close();
      const store = await openStore({ dataDir: dir });
      try {
        expect(centres).toHaveLength(1);
        expect(await store.query('SELECT id FROM centres ORDER BY id')).toEqual(centres);
      } finally {
        await store.close();
      }
      expect(await leftovers(dir)).toEqual([]);
    },
    START_MS,
  );

  it('still refuses database files it did not make, with no journal to say they are ours', async () => {
    const dir = await copyOf('no-journal', (entry) => entry !== 'PG_VERSION' && !entry.startsWith('.'));
    const error = await openStore({ dataDir: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`DATA_DIR ${dir} already holds other files and no Daybook database; set DATA_DIR to an empty or new directory`);
  });
});
