import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './errors';
import { parseDatabaseUrl } from './store/postgres-driver';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the server runs, read from the environment once at start. Paths are absolute. */
export interface ServerConfig {
  port: number;
  host: string;
  /** PGlite's directory; unused when `databaseUrl` is set. */
  dataDir: string;
  databaseUrl: string | undefined;
  staticDir: string;
  logLevel: LogLevel;
}

type Environment = Record<string, string | undefined>;

/** Reads and checks the environment; a bad value throws a ConfigError naming the variable. */
export function readConfig(env: Environment, cwd: string = process.cwd()): ServerConfig {
  const databaseUrl = setting(env, 'DATABASE_URL');
  // Checked here so a malformed URL stops the server before anything else starts.
  if (databaseUrl !== undefined) parseDatabaseUrl(databaseUrl);
  return {
    port: readPort(setting(env, 'PORT') ?? '8080'),
    host: setting(env, 'HOST') ?? '0.0.0.0',
    dataDir: resolve(cwd, setting(env, 'DATA_DIR') ?? 'data'),
    databaseUrl,
    staticDir: resolve(cwd, setting(env, 'STATIC_DIR') ?? 'dist'),
    logLevel: readLogLevel(setting(env, 'LOG_LEVEL') ?? 'info'),
  };
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
