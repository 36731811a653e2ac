import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeIssues } from '../shared/schema/common';
import { enrolmentCodeRequest } from '../shared/schema/wire';
import { checkCentreName, checkTimeZone, readDatabaseConfig, type DatabaseConfig } from './config';
import { ConfigError } from './errors';
import { DataDirLocked, lockDataDir, openStore, prepareDataDir, redactDatabaseUrl, type DataDirLock, type Store } from './store';
import { purgeAll } from './retention';
import { eraseByCode } from './sync/erasure';
import { createCentre, findCentre, findDevice, listCentres, listDevices, mintEnrolmentCode, revokeDevice } from './store/accounts';
import { speakEnglishIssues } from '../shared/schema/english-issues';

speakEnglishIssues();

/**
 * `npm run admin -- <command>` on the server machine (sync-protocol.md "Admin command"): the same
 * DATA_DIR / DATABASE_URL as the server, JSON on stdout. Anything wrong is one line on stderr and
 * exit code 1. The codes it prints are secrets for the person running it: nothing is logged.
 */

type Options = Record<string, string | undefined>;

interface Command<Input = unknown> {
  usage: string;
  options: readonly string[];
  /** Whether it may make a database where there is none (only create-centre may). */
  creates?: boolean;
  /** Checks the options before the database is opened: a typo is said at once. */
  parse(options: Options): Input;
  run(store: Store, input: Input): Promise<unknown>;
}

/** A mistake of the person typing the command: one line, exit 1. */
class UsageError extends Error {}

/** Keeps each command's parse and run agreeing on their input's type. */
function command<Input>(definition: Command<Input>): Command {
  return definition;
}

const COMMANDS: Record<string, Command> = {
  'create-centre': command({
    usage: 'create-centre --name <name> --time-zone <IANA zone>',
    options: ['name', 'time-zone'],
    creates: true,
    parse: (options) => ({
      name: usageCheck(() => checkCentreName(required(options, 'name'), '--name')),
      timeZone: usageCheck(() => checkTimeZone(required(options, 'time-zone'), '--time-zone')),
    }),
    run: (store, centre) =>
      store.transaction(async (tx) => {
        const { id } = await createCentre(tx, centre);
        const { code } = await mintEnrolmentCode(tx, { centreId: id, role: 'lead', now: Date.now() });
        return { centreId: id, leadEnrolmentCode: code };
      }),
  }),
  'enrolment-code': command({
    usage: 'enrolment-code --centre <id> --role lead|volunteer [--uses n] [--ttl-hours h]',
    options: ['centre', 'role', 'uses', 'ttl-hours'],
    parse: (options) => {
      const centreId = required(options, 'centre');
      const parsed = enrolmentCodeRequest.safeParse({
        role: required(options, 'role'),
        uses: wholeNumber(options, 'uses'),
        ttlHours: wholeNumber(options, 'ttl-hours'),
      });
      if (!parsed.success) throw new UsageError(`--${describeIssues(parsed.error).replace(/^ttlHours/, 'ttl-hours')}`);
      return { centreId, ...parsed.data };
    },
    run: async (store, { centreId, role, uses, ttlHours }) => {
      await existingCentre(store, centreId);
      return mintEnrolmentCode(store, { centreId, role, uses, ttlHours, now: Date.now() });
    },
  }),
  devices: command({
    usage: 'devices --centre <id>',
    options: ['centre'],
    parse: (options) => required(options, 'centre'),
    run: async (store, centreId) => {
      await existingCentre(store, centreId);
      const devices = await listDevices(store, centreId);
      return { devices: devices.map(({ id, name, role, lastSeenAt, revoked }) => ({ id, name, role, lastSeenAt, revoked })) };
    },
  }),
  revoke: command({
    usage: 'revoke --device <id>',
    options: ['device'],
    parse: (options) => required(options, 'device'),
    run: async (store, deviceId) => {
      if (!(await findDevice(store, deviceId))) throw new UsageError(`there is no device ${JSON.stringify(deviceId)}; \`devices --centre <id>\` lists them`);
      await revokeDevice(store, { deviceId, now: Date.now() });
      return { deviceId, revoked: true };
    },
  }),
  erase: command({
    usage: 'erase --centre <id> --code <child code>',
    options: ['centre', 'code'],
    parse: (options) => ({ centreId: required(options, 'centre'), code: required(options, 'code') }),
    run: async (store, { centreId, code }) => {
      await existingCentre(store, centreId);
      const erased = await eraseByCode(store, centreId, code, Date.now());
      // The code is the person's own input: said back only to them, on stderr, never logged.
      if (!erased) throw new UsageError('this centre has no child with that code');
      return { erased: true, childId: erased.childId };
    },
  }),
  purge: command({
    usage: 'purge',
    options: [],
    parse: () => undefined,
    run: async (store) => ({ purged: await purgeAll(store, Date.now()) }),
  }),
  centres: command({
    usage: 'centres',
    options: [],
    parse: () => undefined,
    run: async (store) => ({ centres: await listCentres(store) }),
  }),
};

const USAGE = `usage: npm run admin -- ${Object.values(COMMANDS)
  .map((command) => command.usage)
  .join(' | ')}`;

function required(options: Options, name: string): string {
  const value = options[name]?.trim();
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** A number option as a number, for the shared schema to judge its range. */
function wholeNumber(options: Options, name: string): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) throw new UsageError(`--${name} must be a whole number, not ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

function usageCheck<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

async function existingCentre(store: Store, id: string): Promise<void> {
  if (!(await findCentre(store, id))) throw new UsageError(`there is no centre ${JSON.stringify(id)}; \`centres\` lists them`);
}

function parseCommandLine(argv: readonly string[]): { command: Command; input: unknown } {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command || name === undefined) throw new UsageError(name === undefined ? USAGE : `unknown command ${JSON.stringify(name)}; ${USAGE}`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: Object.fromEntries(command.options.map((option) => [option, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch {
    throw new UsageError(`usage: npm run admin -- ${command.usage}`);
  }
  const options: Options = {};
  for (const [key, value] of Object.entries(values)) if (typeof value === 'string') options[key] = value;
  return { command, input: command.parse(options) };
}

async function openDatabase(database: DatabaseConfig, command: Command): Promise<{ store: Store; lock?: DataDirLock }> {
  if (database.databaseUrl !== undefined) return { store: await openStore({ databaseUrl: database.databaseUrl }) };
  // A mistyped DATA_DIR must not quietly become a new, empty database.
  if (!command.creates && !existsSync(join(database.dataDir, 'PG_VERSION'))) {
    throw new UsageError(`DATA_DIR ${database.dataDir} holds no Daybook database; set DATA_DIR to the server's, or run create-centre first`);
  }
  const dir = await prepareDataDir(database.dataDir);
  let lock: DataDirLock;
  try {
    lock = lockDataDir(dir, 'admin');
  } catch (error) {
    if (!(error instanceof DataDirLocked)) throw error;
    throw new UsageError(
      error.holder === 'server'
        ? `the server is running on this DATA_DIR (pid ${error.pid}): stop it, or use a lead tablet`
        : `another admin command is running on this DATA_DIR (pid ${error.pid}); try again when it has finished`,
    );
  }
  process.on('exit', () => lock.release());
  try {
    return { store: await openStore({ dataDir: dir }), lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}

let databaseUrl: string | undefined;

async function main(): Promise<void> {
  const { command, input } = parseCommandLine(process.argv.slice(2));
  const database = readDatabaseConfig(process.env);
  databaseUrl = database.databaseUrl;
  const { store, lock } = await openDatabase(database, command);
  try {
    const result = await command.run(store, input);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await store.close();
    lock?.release();
  }
}

function fail(message: string): never {
  const line = message.replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`daybook admin: ${databaseUrl ? redactDatabaseUrl(line, databaseUrl) : line}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) fail(error.message);
  fail(`failed: ${error instanceof Error ? error.message : String(error)}`);
});
