import { spawn, type ChildProcess } from 'node:child_process';
import { postgresSchema, testDatabaseUrl } from '../support/postgres-schema';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A server process started and stopped: tsx and PGlite take most of 30 s on a machine whose cores are busy. */
const SPAWNED = 120_000;

/**
 * The server as its operator meets it: src/server/main.ts in a child process (Node with tsx as a
 * loader; `npm start` runs the same code bundled), configured by the environment alone. A bad
 * setting must stop it with exactly one line on stderr and exit 1.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

let scratch: string;
let staticDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'daybook-main-'));
  // A stand-in for `npm run build`'s output, so no build is needed.
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
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the server with only the given settings (none inherited, DATABASE_URL included). */
function startServer(settings: Record<string, string>): Run {
  // Not the tsx command: it relays a signal to its child and, if the child has not answered its
  // message within 30 ms (a busy machine), kills it, so a clean SIGTERM stop came out as exit 143.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, STATIC_DIR: staticDir, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** `npm run admin -- ...` with only the given settings; resolves when it exits. */
function runAdmin(args: string[], settings: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(TSX, ['src/server/admin.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A DATA_DIR of its own for each run: two servers must never share an embedded database. */
function dataDir(name: string): string {
  return join(scratch, name);
}

async function listening(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listening(server, '127.0.0.1');
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `seen()` is true; fails, showing stderr, if the server exits first. */
async function waitFor(seen: () => boolean, run: Run): Promise<void> {
  const happened = await new Promise<boolean>((resolve) => {
    const check = setInterval(() => seen() && finish(true), 50);
    const finish = (value: boolean) => {
      clearInterval(check);
      resolve(value);
    };
    void run.exit.then(() => finish(seen()));
  });
  expect(happened, `the server exited early: ${run.stderr()}`).toBe(true);
}

/** Exit code 1 and one line, exactly `line`, on stderr. */
async function expectRefusal(run: Run, line: string | RegExp): Promise<string> {
  expect(await run.exit).toBe(1);
  const stderr = run.stderr();
  expect(stderr.split('\n')).toHaveLength(2); // one line and its newline
  if (typeof line === 'string') expect(stderr).toBe(`daybook: ${line}\n`);
  else expect(stderr.trimEnd()).toMatch(line);
  return stderr;
}

/** The embedded database always; PostgreSQL too when TEST_DATABASE_URL is set (in a schema of its own). */
interface Database {
  name: string;
  settings: () => Record<string, string>;
  /** How the start-up line names it. */
  named: () => string;
  prepare: () => Promise<void>;
  dispose: () => Promise<void>;
}

const embedded: Database = {
  name: 'the embedded database',
  settings: () => ({ DATA_DIR: dataDir('good') }),
  named: () => `the embedded database in ${dataDir('good')}`,
  prepare: () => Promise.resolve(),
  dispose: () => Promise.resolve(),
};

function postgres(databaseUrl: string): Database {
  const schema = postgresSchema(databaseUrl);
  const url = new URL(databaseUrl);
  return {
    name: 'PostgreSQL',
    settings: () => ({ DATABASE_URL: schema.url }),
    named: () => `PostgreSQL at ${url.hostname}:${url.port || '5432'}`,
    prepare: schema.create,
    dispose: schema.drop,
  };
}

const databases: Database[] = [embedded, ...(testDatabaseUrl ? [postgres(testDatabaseUrl)] : [])];

// Every run is its own process with its own port and DATA_DIR, so they all run at once.
describe.concurrent('the server process', () => {
  it('refuses to start on a PORT that is not a number', async () => {
    await expectRefusal(startServer({ PORT: 'abc', DATA_DIR: dataDir('port-abc') }), 'PORT must be a whole number from 1 to 65535, not "abc"');
  });

  it('refuses to start on a port another program holds', async () => {
    const holder = createServer();
    const port = await listening(holder, '0.0.0.0');
    try {
      const run = startServer({ PORT: String(port), DATA_DIR: dataDir('port-taken') });
      await expectRefusal(run, `port ${port} is already in use; set PORT to a free port`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses to start on a DATA_DIR under a regular file', async () => {
    const file = join(scratch, 'not-a-directory');
    await writeFile(file, 'a file');
    await expectRefusal(
      startServer({ DATA_DIR: join(file, 'data') }),
      `DATA_DIR ${file}/data cannot be created (part of the path is a file, not a directory); set DATA_DIR to a writable directory`,
    );
  });

  it('refuses to start on a DATABASE_URL nobody answers, without showing its password', async () => {
    const stderr = await expectRefusal(
      startServer({ DATABASE_URL: 'postgres://x:y@127.0.0.1:1/db' }),
      'cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused); check DATABASE_URL',
    );
    expect(stderr).not.toContain('x:y');
    expect(stderr).not.toContain('y@');
  });

  it('refuses to start on a malformed DATABASE_URL, without repeating it', async () => {
    const stderr = await expectRefusal(
      startServer({ DATABASE_URL: 'postgres://x:pw-Secret-3@127.0.0.1:99999/db' }),
      /^daybook: DATABASE_URL is not a valid PostgreSQL URL/,
    );
    expect(stderr).not.toContain('pw-Secret-3');
  });

  it('refuses to start without a built app, saying how to build it', async () => {
    const empty = join(scratch, 'no-build');
    await mkdir(empty);
    await expectRefusal(startServer({ STATIC_DIR: empty, DATA_DIR: dataDir('no-build-data') }), /^daybook: no built app in .*; run `npm run build` first/);
  });

  it.each(databases)('starts with $name, answers the health check over HTTP and stops with exit 0 on SIGTERM', async (database) => {
    await database.prepare();
    try {
      const port = await freePort();
      const run = startServer({ PORT: String(port), HOST: '127.0.0.1', ...database.settings() });
      await waitFor(() => run.stdout().includes('listening on'), run);
      expect(run.stdout()).toContain(`listening on http://127.0.0.1:${port}, using ${database.named()}`);

      const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`{"status":"ok","protocol":1,"version":"${version}"}`);

      const stoppedAt = Date.now();
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(5000);
      expect(run.stderr()).toBe('');
    } finally {
      await database.dispose();
    }
  }, SPAWNED);

  it('stops at once, with exit 1 and one line, when asked twice while a request holds it up', async () => {
    const port = await freePort();
    const run = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir('stopped-twice') });
    await waitFor(() => run.stdout().includes('listening on'), run);
    // A client that sent half a request and went quiet: a graceful stop waits for it.
    const stalled = connect(port, '127.0.0.1');
    stalled.on('error', () => undefined);
    await new Promise((resolve) => stalled.write('GET /api/v1/health HTTP/1.1\r\nHost: daybook\r\n', resolve));
    try {
      run.child.kill('SIGTERM');
      await waitFor(() => run.stdout().includes('stopping'), run);
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(1);
      expect(run.stderr()).toBe('daybook: SIGTERM again: stopping without waiting for running requests\n');
    } finally {
      stalled.destroy();
    }
  }, SPAWNED);

  it('refuses a CENTRE_TIME_ZONE that is not a time zone, in one line', async () => {
    await expectRefusal(
      startServer({ CENTRE_TIME_ZONE: 'Dunkirk', DATA_DIR: dataDir('bad-zone') }),
      'CENTRE_TIME_ZONE must be an IANA time zone such as Europe/Paris, not "Dunkirk"',
    );
  });

  it("creates the first centre on an empty database, prints its lead's code once, and holds DATA_DIR while it runs", async () => {
    const data = dataDir('first-centre');
    const settings = { HOST: '127.0.0.1', DATA_DIR: data, CENTRE_NAME: 'Dunkirk play centre', CENTRE_TIME_ZONE: 'Europe/London' };
    const port = await freePort();
    const run = startServer({ ...settings, PORT: String(port) });
    await waitFor(() => run.stdout().includes('listening on'), run);
    const created = /Created the centre "Dunkirk play centre" \(Europe\/London, id ([0-9a-f-]{36})\)\. Enrol the lead's tablet with the code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}): it works once, within 30 days\.\n/.exec(run.stdout());
    expect(created, run.stdout()).not.toBeNull();
    const [, centreId, code] = created!;

    const enrolled = await fetch(`http://127.0.0.1:${port}/api/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName: 'Lead tablet' }),
    });
    expect(enrolled.status).toBe(201);
    expect(await enrolled.json()).toMatchObject({ role: 'lead', centre: { id: centreId, name: 'Dunkirk play centre', timeZone: 'Europe/London' } });

    // While it runs, neither the admin command nor a second server opens its DATA_DIR.
    const { pid } = JSON.parse(await readFile(join(data, 'daybook-server.lock'), 'utf8')) as { pid: number };
    const refused = await runAdmin(['devices', '--centre', centreId!], { DATA_DIR: data });
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `daybook admin: the server is running on this DATA_DIR (pid ${pid}): stop it, or use a lead tablet\n`,
    });
    await expectRefusal(
      startServer({ ...settings, PORT: String(await freePort()) }),
      `DATA_DIR ${data} is in use by another Daybook server (pid ${pid}); stop it first, or set DATA_DIR to another directory`,
    );

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(existsSync(join(data, 'daybook-server.lock'))).toBe(false);
    const listed = await runAdmin(['devices', '--centre', centreId!], { DATA_DIR: data });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ devices: [{ name: 'Lead tablet', role: 'lead', revoked: false }] });

    // Started again on the same data: the centre exists, so no new one and no new code.
    const again = startServer({ ...settings, PORT: String(await freePort()) });
    await waitFor(() => again.stdout().includes('listening on'), again);
    expect(again.stdout()).not.toContain('Created the centre');
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 120_000);
});
