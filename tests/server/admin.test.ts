import { spawn } from 'node:child_process';
import { postgresSchema, testDatabaseUrl } from '../support/postgres-schema';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from '../../src/shared/schema/common';
import { devicesResponse, enrolmentCodeResponse } from '../../src/shared/schema/wire';
import { buildApp } from '../../src/server/app';
import { LOCK_FILE, openStore, type Store } from '../../src/server/store';

/**
 * `npm run admin -- <command>` as the person on the server machine runs it: a process of its own,
 * configured by DATA_DIR or DATABASE_URL, JSON on stdout, or one line on stderr and exit 1.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CODE = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

// Spawned processes on a loaded machine: seconds each.
const SLOW = 120_000;

let scratch: string;
let emptyCluster: Promise<string> | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'daybook-admin-'));
});

/** A DATA_DIR holding an empty database: PGlite's initdb takes seconds, a copy a fraction of one. */
async function emptyDataDir(name: string): Promise<void> {
  emptyCluster ??= (async () => {
    const dir = join(scratch, 'empty-cluster');
    const db = await PGlite.create(dir);
    await db.close();
    return dir;
  })();
  await cp(await emptyCluster, join(scratch, name), { recursive: true });
}

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function admin(args: string[], settings: Record<string, string>): Promise<Result> {
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

/** Exit 0 and the JSON it printed. */
function printed(result: Result): unknown {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** Exit 1, nothing on stdout, and exactly one line on stderr. */
function refused(result: Result): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^daybook admin: /);
  return lines[0]!.slice('daybook admin: '.length);
}

interface Place {
  name: string;
  settings: () => Record<string, string>;
  open: () => Promise<Store>;
  prepare: () => Promise<void>;
  dispose: () => Promise<void>;
}

function embedded(name: string): Place {
  const dataDir = () => join(scratch, name);
  return {
    name: 'the embedded database',
    settings: () => ({ DATA_DIR: dataDir() }),
    open: () => openStore({ dataDir: dataDir() }),
    prepare: () => emptyDataDir(name),
    dispose: () => Promise.resolve(),
  };
}

function postgres(databaseUrl: string): Place {
  const schema = postgresSchema(databaseUrl);
  return {
    name: 'PostgreSQL',
    settings: () => ({ DATABASE_URL: schema.url }),
    open: () => openStore({ databaseUrl: schema.url }),
    prepare: schema.create,
    dispose: schema.drop,
  };
}

const places: Place[] = [embedded('flow'), ...(testDatabaseUrl ? [postgres(testDatabaseUrl)] : [])];

/** Enrols a tablet with `code` through the API, in this process, then closes the database again. */
async function enrolTablet(place: Place, code: string): Promise<{ deviceId: string; token: string }> {
  const store = await place.open();
  try {
    const app = await buildApp({ store, version: 'test' });
    const response = await app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'Lead tablet' } });
    expect(response.statusCode).toBe(201);
    await app.close();
    return response.json<{ deviceId: string; token: string }>();
  } finally {
    await store.close();
  }
}

async function tokenStatus(place: Place, token: string): Promise<number> {
  const store = await place.open();
  try {
    const app = await buildApp({ store, version: 'test' });
    const response = await app.inject({ method: 'GET', url: '/api/v1/sync/pull', headers: { authorization: `Bearer ${token}` } });
    await app.close();
    return response.statusCode;
  } finally {
    await store.close();
  }
}

describe.each(places)('the admin command on $name', (place) => {
  beforeAll(() => place.prepare());
  afterAll(() => place.dispose());

  it('creates a centre, mints codes, lists and revokes devices', async () => {
    const settings = place.settings();
    const created = z
      .object({ centreId: z.string(), leadEnrolmentCode: z.string() })
      .parse(printed(await admin(['create-centre', '--name', 'Dunkirk play centre', '--time-zone', 'Europe/Paris'], settings)));
    expect(created.leadEnrolmentCode).toMatch(CODE);

    const before = Date.now();
    const minted = enrolmentCodeResponse.parse(
      printed(await admin(['enrolment-code', '--centre', created.centreId, '--role', 'volunteer', '--uses', '2', '--ttl-hours', '48'], settings)),
    );
    expect(minted.code).toMatch(CODE);
    expect(minted.expiresAt).toBeGreaterThanOrEqual(before + 48 * 3_600_000);
    expect(minted.expiresAt).toBeLessThan(Date.now() + 48 * 3_600_000);

    expect(devicesResponse.parse(printed(await admin(['devices', '--centre', created.centreId], settings)))).toEqual({ devices: [] });
    const tablet = await enrolTablet(place, created.leadEnrolmentCode);
    const listed = devicesResponse.parse(printed(await admin(['devices', '--centre', created.centreId], settings)));
    expect(listed.devices).toMatchObject([{ id: tablet.deviceId, name: 'Lead tablet', role: 'lead', revoked: false }]);
    expect(listed.devices[0]!.lastSeenAt).toBeGreaterThanOrEqual(before);

    expect(printed(await admin(['revoke', '--device', tablet.deviceId], settings))).toEqual({ deviceId: tablet.deviceId, revoked: true });
    const afterRevoke = devicesResponse.parse(printed(await admin(['devices', '--centre', created.centreId], settings)));
    expect(afterRevoke.devices[0]!.revoked).toBe(true);
    expect(await tokenStatus(place, tablet.token)).toBe(401);

    expect(printed(await admin(['centres'], settings))).toEqual({ centres: [{ id: created.centreId, name: 'Dunkirk play centre', timeZone: 'Europe/Paris' }] });
  }, SLOW);

  // One after the other: on the embedded database, two admin commands at once refuse each other.
  async function each(commands: string[][], settings: Record<string, string>): Promise<Result[]> {
    const results: Result[] = [];
    for (const args of commands) results.push(await admin(args, settings));
    return results;
  }

  it('says in one line what is wrong with a command', async () => {
    const settings = place.settings();
    const results = await each(
      [
        [],
        ['make-coffee'],
        ['create-centre', '--name', 'Calais'],
        ['create-centre', '--name', 'Calais', '--time-zone', 'Europe/Calais'],
        ['create-centre', '--name', 'Calais', '--time-zone', 'Europe/Paris', '--colour', 'blue'],
        ['enrolment-code', '--centre', 'no-such-centre', '--role', 'lead'],
        ['revoke', '--device', 'no-such-device'],
      ],
      settings,
    );
    const lines = results.map(refused);
    expect(lines[0]).toMatch(/^usage: npm run admin -- create-centre --name <name> --time-zone <IANA zone> \| enrolment-code /);
    expect(lines[1]).toMatch(/^unknown command "make-coffee"; usage: /);
    expect(lines[2]).toBe('--time-zone is required');
    expect(lines[3]).toBe('--time-zone must be an IANA time zone such as Europe/Paris, not "Europe/Calais"');
    expect(lines[4]).toBe('usage: npm run admin -- create-centre --name <name> --time-zone <IANA zone>');
    expect(lines[5]).toBe('there is no centre "no-such-centre"; `centres` lists them');
    expect(lines[6]).toBe('there is no device "no-such-device"; `devices --centre <id>` lists them');
  }, SLOW);

  it('refuses a wrong role, number of uses or lifetime for a code', async () => {
    const settings = place.settings();
    const { centreId } = z.object({ centreId: z.string() }).parse(printed(await admin(['create-centre', '--name', 'Grande-Synthe', '--time-zone', 'Europe/Paris'], settings)));
    const lines = (
      await each(
        [
          ['enrolment-code', '--centre', centreId, '--role', 'boss'],
          ['enrolment-code', '--centre', centreId, '--role', 'lead', '--uses', 'two'],
          ['enrolment-code', '--centre', centreId, '--role', 'lead', '--uses', '0'],
          ['enrolment-code', '--centre', centreId, '--role', 'lead', '--ttl-hours', '100000'],
        ],
        settings,
      )
    ).map(refused);
    expect(lines[0]).toMatch(/^--role: /);
    expect(lines[1]).toBe('--uses must be a whole number, not "two"');
    expect(lines[2]).toMatch(/^--uses: Too small/);
    expect(lines[3]).toMatch(/^--ttl-hours: Too big/);
  }, SLOW);
});

describe('the admin command and the embedded database', () => {
  it('does not make a database where there is none, except to create a centre', async () => {
    const dataDir = join(scratch, 'empty');
    const line = refused(await admin(['devices', '--centre', 'x'], { DATA_DIR: dataDir }));
    expect(line).toBe(`DATA_DIR ${dataDir} holds no Daybook database; set DATA_DIR to the server's, or run create-centre first`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses, in one line, while a running server holds the DATA_DIR, and works once it has stopped', async () => {
    const place = embedded('held');
    await place.prepare();
    printed(await admin(['create-centre', '--name', 'Held', '--time-zone', 'Europe/Paris'], place.settings()));
    // A live process other than the admin command's own, standing in for the server.
    const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const lock = join(scratch, 'held', LOCK_FILE);
    try {
      await writeFile(lock, JSON.stringify({ pid: server.pid, holder: 'server' }));
      const line = refused(await admin(['centres'], place.settings()));
      expect(line).toBe(`the server is running on this DATA_DIR (pid ${server.pid}): stop it, or use a lead tablet`);
    } finally {
      server.kill('SIGKILL');
      await new Promise((resolve) => server.on('close', resolve));
    }
    // The server was killed: its lock is stale, and the command goes ahead.
    expect(printed(await admin(['centres'], place.settings()))).toMatchObject({ centres: [{ name: 'Held' }] });
    expect(existsSync(lock)).toBe(false);
  }, SLOW);

  it('names an unreachable DATABASE_URL without its password', async () => {
    const result = await admin(['centres'], { DATABASE_URL: 'postgres://x:pw-Secret-4@127.0.0.1:1/db' });
    expect(refused(result)).toBe('cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused); check DATABASE_URL');
    expect(result.stderr).not.toContain('pw-Secret-4');
  });
});
