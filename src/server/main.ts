import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildApp } from './app';
import { checkBuild, describeDatabase, readConfig, type ServerConfig } from './config';
import { ConfigError } from './errors';
import { DataDirLocked, lockDataDir, openStore, prepareDataDir, redactDatabaseUrl, type Store } from './store';
import { createFirstCentre } from './store/accounts';
import { startRetention } from './retention';

/**
 * `npm run serve`: reads the environment, opens the store, serves the API and the built app, and
 * stops cleanly on SIGTERM or SIGINT. Whatever stops it from starting is ONE line on stderr and
 * exit code 1: the person reading it is setting up a centre's server, not debugging Daybook.
 */

// A request that never ends must not keep a stopping server alive for good.
const SHUTDOWN_GRACE_MS = 10_000;
// The first centre's lead code: long enough to get the lead's tablet to the server.
const FIRST_LEAD_CODE_TTL_HOURS = 30 * 24;

type Stop = (signal: NodeJS.Signals) => void;

let config: ServerConfig | undefined;
let stopRequested: NodeJS.Signals | undefined;
let stop: Stop | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (stopRequested) {
    fail(`${signal} again: stopping without waiting for running requests`);
  }
  stopRequested = signal;
  stop?.(signal);
}

async function main(): Promise<void> {
  // Listened to from the very start: a signal while PGlite creates its files must not cut that
  // short and leave a half-made database behind. The store opens, then closes cleanly.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  config = readConfig(process.env);
  checkBuild(config.staticDir);
  const version = await readVersion();
  const { databaseUrl, dataDir, staticDir, logLevel, port, host, databasePoolSize, trustProxy } = config;
  // Before the database: a taken port is said at once, not after seconds of creating PGlite's files.
  await explainAddressErrors(port, host, () => checkPortFree(port, host));

  if (databaseUrl === undefined) await lockEmbeddedDatabase(dataDir);

  let reportIdleError: (error: Error) => void = () => undefined;
  const store = await openStore({
    ...(databaseUrl !== undefined ? { databaseUrl, poolSize: databasePoolSize } : { dataDir }),
    onIdleError: (error) => reportIdleError(error),
  });

  let app: FastifyInstance | undefined;
  try {
    if (stopRequested) return await stopNow(undefined, store);
    await announceFirstCentre(store, config);
    app = await buildApp({ store, version, staticDir, trustProxy, logger: { level: logLevel } });
    const log = app.log;
    reportIdleError = (error) => log.warn({ err: error }, 'a PostgreSQL connection failed; the pool replaces it');
    const database = describeDatabase(config);
    // Fastify writes a line per address when HOST is 0.0.0.0; the others say where tablets can
    // reach the server on the centre's network.
    let lines = 0;
    await listen(app, port, host, (address) =>
      lines++ === 0 ? `Daybook ${version} listening on ${address}, using ${database}` : `Daybook is also reachable at ${address}`,
    );
  } catch (error) {
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }

  const running = app;
  // Retention (sync-protocol.md): on start, then once a day. Only counts reach the log.
  const retention = startRetention(store, {
    onPurged: (purged) => purged > 0 && running.log.info({ purged }, 'retention: purged expired records'),
    onError: (error) => running.log.error({ err: error }, 'retention: the purge failed; it runs again tomorrow'),
  });
  stop = (signal) => {
    running.log.info({ signal }, 'stopping: finishing running requests');
    void retention.stop().finally(() => stopNow(running, store));
  };
  if (stopRequested) stop(stopRequested);
}

/**
 * Holds DATA_DIR for as long as this process runs, so the admin command (or a second server) does
 * not open the embedded database beside us. Released on any exit; a kill -9 leaves a stale lock
 * that the next start takes over.
 */
async function lockEmbeddedDatabase(dataDir: string): Promise<void> {
  const dir = await prepareDataDir(dataDir);
  try {
    const lock = lockDataDir(dir, 'server');
    process.on('exit', () => lock.release());
  } catch (error) {
    if (!(error instanceof DataDirLocked)) throw error;
    throw new ConfigError(
      error.holder === 'admin'
        ? `DATA_DIR ${dir} is in use by the admin command (pid ${error.pid}); start the server when it has finished`
        : `DATA_DIR ${dir} is in use by another Daybook server (pid ${error.pid}); stop it first, or set DATA_DIR to another directory`,
    );
  }
}

/** On an empty database, the first centre, and the one line that tells its lead how to enrol. */
async function announceFirstCentre(store: Store, { firstCentre }: ServerConfig): Promise<void> {
  const created = await createFirstCentre(store, { ...firstCentre, leadCodeTtlHours: FIRST_LEAD_CODE_TTL_HOURS, now: Date.now() });
  if (!created) return;
  const { centre, leadCode } = created;
  console.log(
    `Created the centre ${JSON.stringify(centre.name)} (${centre.timeZone}, id ${centre.id}). ` +
      `Enrol the lead's tablet with the code ${leadCode.code}: it works once, within ${FIRST_LEAD_CODE_TTL_HOURS / 24} days.`,
  );
}

async function listen(app: FastifyInstance, port: number, host: string, text: (address: string) => string): Promise<void> {
  await explainAddressErrors(port, host, () => app.listen({ port, host, listenTextResolver: text }));
}

/** Binds and lets go at once. The port may still be taken before the real listen, which says so too. */
function checkPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host }, () => probe.close(() => resolve()));
  });
}

/** Runs `listening`, turning a refused address into the one line that names it. */
async function explainAddressErrors(port: number, host: string, listening: () => Promise<unknown>): Promise<void> {
  try {
    await listening();
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'EADDRINUSE') throw new ConfigError(`port ${port} is already in use; set PORT to a free port`);
    if (code === 'EACCES') throw new ConfigError(`port ${port} needs privileges this process does not have; set PORT to 1024 or above`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new ConfigError(`HOST ${host} is not an address of this machine; set HOST to one of its addresses, or 0.0.0.0 for all`);
    }
    throw error;
  }
}

/** Stops accepting, lets running requests finish, closes the store, exits 0. */
async function stopNow(app: FastifyInstance | undefined, store: Store): Promise<void> {
  const force = setTimeout(() => fail(`requests still running after ${SHUTDOWN_GRACE_MS / 1000} s; stopping anyway`), SHUTDOWN_GRACE_MS);
  force.unref();
  try {
    await app?.close();
    await store.close();
  } catch (error) {
    fail(`could not stop cleanly: ${errorText(error)}`);
  }
  clearTimeout(force);
  process.exit(0);
}

async function readVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return z.object({ version: z.string().min(1) }).parse(JSON.parse(text)).version;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The one line, then exit 1. Whatever the error said, the database password is not repeated. */
function fail(message: string): never {
  const line = message.replace(/\s*\n\s*/g, ' ');
  const databaseUrl = config?.databaseUrl;
  process.stderr.write(`daybook: ${databaseUrl ? redactDatabaseUrl(line, databaseUrl) : line}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message);
  // Not a setting the person can fix: still one line, with where to find the rest.
  if (config?.logLevel === 'debug' || config?.logLevel === 'trace') console.error(error);
  fail(`could not start: ${errorText(error)} (set LOG_LEVEL=debug to see where)`);
});
