import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isValidTimeZone } from '../shared/dates';
import { ConfigError } from './errors';
import { DEFAULT_POOL_SIZE, parseDatabaseUrl } from './store/postgres-driver';
import { addressMatcher } from './trusted-proxies';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the server runs, read from the environment once at start. Paths are absolute. */
export interface ServerConfig {
  port: number;
  host: string;
  /** PGlite's directory; unused when `databaseUrl` is set. */
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL connections at most (DATABASE_POOL_SIZE); unused with the embedded database. */
  databasePoolSize: number;
  /** The reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); empty: none. */
  trustProxy: string[];
  staticDir: string;
  logLevel: LogLevel;
  /** The centre `npm start` creates on an empty database. */
  firstCentre: { name: string; timeZone: string };
}

/** Where the data lives: what the server and the admin command share. */
export type DatabaseConfig = Pick<ServerConfig, 'dataDir' | 'databaseUrl'>;

/** More than PostgreSQL's default max_connections (100) could never be opened anyway. */
export const MAX_POOL_SIZE = 100;

export const DEFAULT_CENTRE_NAME = 'My centre';
export const DEFAULT_CENTRE_TIME_ZONE = 'Europe/Paris';
export const MAX_CENTRE_NAME_LENGTH = 100;

type Environment = Record<string, string | undefined>;

/** Reads and checks the environment; a bad value throws a ConfigError naming the variable. */
export function readConfig(env: Environment, cwd: string = process.cwd()): ServerConfig {
  const { dataDir, databaseUrl } = readDatabaseConfig(env, cwd);
  return {
    port: readPort(setting(env, 'PORT') ?? '8080'),
    host: setting(env, 'HOST') ?? '0.0.0.0',
    dataDir,
    databaseUrl,
    databasePoolSize: readPoolSize(setting(env, 'DATABASE_POOL_SIZE')),
    trustProxy: readTrustProxy(setting(env, 'TRUST_PROXY')),
    staticDir: resolve(cwd, setting(env, 'STATIC_DIR') ?? 'dist'),
    logLevel: readLogLevel(setting(env, 'LOG_LEVEL') ?? 'info'),
    firstCentre: {
      name: checkCentreName(setting(env, 'CENTRE_NAME') ?? DEFAULT_CENTRE_NAME, 'CENTRE_NAME'),
      timeZone: checkTimeZone(setting(env, 'CENTRE_TIME_ZONE') ?? DEFAULT_CENTRE_TIME_ZONE, 'CENTRE_TIME_ZONE'),
    },
  };
}

/** DATA_DIR and DATABASE_URL alone, as the admin command reads them. */
export function readDatabaseConfig(env: Environment, cwd: string = process.cwd()): DatabaseConfig {
  const databaseUrl = setting(env, 'DATABASE_URL');
  // Checked here so a malformed URL stops the server before anything else starts.
  if (databaseUrl !== undefined) parseDatabaseUrl(databaseUrl);
  return { dataDir: resolve(cwd, setting(env, 'DATA_DIR') ?? 'data'), databaseUrl };
}

/** A centre's name as the server and the admin command accept it; `what` names the setting. */
export function checkCentreName(name: string, what: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (trimmed === '' || trimmed.length > MAX_CENTRE_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new ConfigError(`${what} must be 1 to ${MAX_CENTRE_NAME_LENGTH} characters on one line`);
  }
  return trimmed;
}

export function checkTimeZone(timeZone: string, what: string): string {
  if (!isValidTimeZone(timeZone)) {
    throw new ConfigError(`${what} must be an IANA time zone such as Europe/Paris, not ${JSON.stringify(timeZone.slice(0, 60))}`);
  }
  return timeZone;
}

/** An unset or blank variable is "not set": `PORT= npm start` means the default. */
function setting(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readPort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigError(`PORT must be a whole number from 1 to 65535, not ${JSON.stringify(text)}`);
  }
  return port;
}

function readPoolSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_POOL_SIZE;
  const size = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= MAX_POOL_SIZE)) {
    throw new ConfigError(`DATABASE_POOL_SIZE must be a whole number from 1 to ${MAX_POOL_SIZE}, not ${JSON.stringify(text.slice(0, 60))}`);
  }
  return size;
}

/**
 * A comma-separated list of the proxies' addresses, ranges or names. `true` is refused: believing
 * every sender's X-Forwarded-For would let any client pick a new address for each wrong code.
 */
function readTrustProxy(text: string | undefined): string[] {
  if (text === undefined || text.toLowerCase() === 'false') return [];
  if (text.toLowerCase() === 'true') {
    throw new ConfigError('TRUST_PROXY must name the proxy (loopback, 10.0.0.5 or 10.0.0.0/24), not true: any client could then choose the address it is counted as');
  }
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  try {
    addressMatcher(entries);
  } catch (error) {
    throw new ConfigError(`TRUST_PROXY: ${error instanceof Error ? error.message : String(error)}`);
  }
  return entries;
}

function readLogLevel(text: string): LogLevel {
  const level = LOG_LEVELS.find((known) => known === text.toLowerCase());
  if (!level) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(text)}`);
  return level;
}

/** The server serves the built app; without a build it would answer every page with a 404. */
export function checkBuild(staticDir: string): void {
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new ConfigError(`no built app in ${staticDir} (index.html is missing); run \`npm run build\` first, or \`npm start\`, which builds`);
  }
}

/** Where the data lives, for the start-up line: never a user name or a password. */
export function describeDatabase(config: ServerConfig): string {
  return config.databaseUrl === undefined
    ? `the embedded database in ${config.dataDir}`
    : `PostgreSQL at ${parseDatabaseUrl(config.databaseUrl).hostPort}`;
}
