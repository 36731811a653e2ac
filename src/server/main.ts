import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildApp } from './app';
import { checkBuild, describeDatabase, readConfig, type ServerConfig } from './config';
import { ConfigError } from './errors';
import { openStore, redactDatabaseUrl, type Store } from './store';

/**
 * `npm run serve`: reads the environment, opens the store, serves the API and the built app, and
 * stops cleanly on SIGTERM or SIGINT. Whatever stops it from starting is ONE line on stderr and
 * exit code 1: the person reading it is setting up a centre's server, not debugging Daybook.
 */

// A request that never ends must not keep a stopping server alive for good.
const SHUTDOWN_GRACE_MS = 10_000;

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
  const { databaseUrl, dataDir, staticDir, logLevel, port, host } = config;
  // Before the database: a taken port is said at once, not after seconds of creating PGlite's files.
  await explainAddressErrors(port, host, () => checkPortFree(port, host));

  let reportIdleError: (error: Error) => void = () => undefined;
  const store = await openStore({
    ...(databaseUrl !== undefined ? { databaseUrl } : { dataDir }),
    onIdleError: (error) => reportIdleError(error),
  });

  let app: FastifyInstance | undefined;
  try {
    if (stopRequested) return await stopNow(undefined, store);
    app = await buildApp({ store, version, staticDir, logger: { level: logLevel } });
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
  stop = (signal) => {
    running.log.info({ signal }, 'stopping: finishing running requests');
    void stopNow(running, store);
  };
  if (stopRequested) stop(stopRequested);
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
