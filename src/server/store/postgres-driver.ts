import pg from 'pg';
import { ConfigError, DatabaseUnavailable } from '../errors';
import { INT8_ARRAY_OID, INT8_OID, parseInt8, parseInt8Array } from './type-parsers';
import type { Queryable, ScriptRunner, Session, Store } from './types';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_POOL_SIZE = 10;

export interface PostgresOptions {
  databaseUrl: string;
  /** How long to wait for a new connection, and for a pooled one to become free (default 5 s). */
  connectTimeoutMs?: number;
  /** Connections the pool opens at most (DATABASE_POOL_SIZE, default 10). */
  poolSize?: number;
  /** An idle pooled connection failed (the server restarted...); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

export interface PostgresConnection {
  store: Store;
  /** One pooled connection held for migrations; release it with `endSession`. */
  session: Session;
  endSession: () => void;
}

/** Where DATABASE_URL points, for messages; the password only to scrub it from them. */
interface Target {
  hostPort: string;
  password: string;
}

/**
 * Connects to PostgreSQL and checks that it answers. The first connection is returned as the
 * session migrations run on; the pool serves everything after.
 */
export async function openPostgres(options: PostgresOptions): Promise<PostgresConnection> {
  const target = parseDatabaseUrl(options.databaseUrl);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: poolSize,
    // Also the longest a request waits for a busy pool: then it answers 503 instead of queueing on.
    connectionTimeoutMillis: timeoutMs,
    application_name: 'daybook',
    keepAlive: true,
    types: typeParsers(),
  });
  // Without a listener, an idle connection's error (a PostgreSQL restart) would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));

  let session: Checkout;
  try {
    session = await checkout(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ConfigError(
      `cannot connect to PostgreSQL at ${target.hostPort} (${connectReason(error, options.databaseUrl, timeoutMs)}); check DATABASE_URL`,
    );
  }

  let closing: Promise<void> | undefined;
  const store: Store = {
    driver: 'postgres',
    connections: poolSize,
    query: async <T>(sql: string, params?: unknown[]) => {
      try {
        return (await pool.query(sql, params)).rows as T[];
      } catch (error) {
        throw asUnavailable(error);
      }
    },
    transaction: async <T>(work: (tx: Queryable) => Promise<T>) => {
      let connection: Checkout;
      try {
        connection = await checkout(pool);
      } catch (error) {
        throw asUnavailable(error);
      }
      try {
        return await inTransaction(connection, work);
      } catch (error) {
        // A COMMIT whose answer was lost may have committed: the 503 sends the device back, and
        // its retry is skipped by acknowledged seq, so the outcome is the same either way.
        throw asUnavailable(error);
      } finally {
        connection.release();
      }
    },
    listen: (channel, onNotify) => listenOn(options.databaseUrl, channel, onNotify, options.onIdleError),
    close: () => (closing ??= pool.end()),
  };
  return {
    store,
    session: {
      query: async <T>(sql: string, params?: unknown[]) => (await session.client.query(sql, params)).rows as T[],
      transaction: (work) => inTransaction(session, work),
    },
    endSession: () => session.release(),
  };
}

/** How long a lost listening connection waits before it connects again. */
const LISTEN_RECONNECT_MS = 1000;

/**
 * LISTEN on a connection of its own, outside the pool (a pooled one would be taken from the
 * requests for good). When the connection drops (PostgreSQL restarted), it connects again after a
 * second and says so with an empty payload: what was notified meanwhile is lost, so the listener
 * treats it as "something may have changed". Until it is back, waiting pulls answer at their timeout.
 */
async function listenOn(databaseUrl: string, channel: string, onNotify: (payload: string) => void, onError?: (error: Error) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** Connects and listens; false when that failed (another try is scheduled). */
  const connect = async (): Promise<boolean> => {
    const next = new pg.Client({ connectionString: databaseUrl, application_name: 'daybook-listen', keepAlive: true });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = undefined;
      if (error) onError?.(error);
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect().then((back) => back && onNotify('')), LISTEN_RECONNECT_MS);
    };
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return !stopped;
    } catch (error) {
      // PostgreSQL away at this moment: the server still starts, and listens once it is back.
      lost(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const last = client;
    client = undefined;
    await last?.end().catch(() => undefined);
  };
}

interface Checkout {
  client: pg.PoolClient;
  /** Marks the connection unusable: it is closed instead of going back to the pool. */
  discard: (error: Error) => void;
  release: () => void;
}

/**
 * Takes a connection from the pool. While it is out, the pool does not listen for its errors,
 * and an 'error' event nobody listens to would crash the server: the connection dropping while
 * a transaction's work awaits something else is enough.
 */
async function checkout(pool: pg.Pool): Promise<Checkout> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  return {
    client,
    discard: (error) => {
      lost ??= error;
    },
    release: () => {
      client.off('error', onError);
      client.release(lost);
    },
  };
}

async function inTransaction<T>({ client, discard }: Checkout, work: (tx: ScriptRunner) => Promise<T>): Promise<T> {
  const tx: ScriptRunner = {
    query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    // Without parameters pg uses the simple protocol, which runs several statements at once.
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
  await client.query('BEGIN');
  try {
    const result = await work(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A ROLLBACK that fails means the connection is broken: it must not go back to the pool.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      discard(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
    });
    throw error;
  }
}

// SQLSTATEs that say "not now" rather than "this request is wrong": the connection broke (class
// 08), the server is shutting down or starting up (57P01-57P03), it has no connection slot left
// (53300), or a transaction lost a race it may win on a retry (40001, 40P01).
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
// What Node says when the socket to PostgreSQL fails or cannot be made.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// pg and pg-pool raise these as plain Errors, without a code.
const POOL_TIMEOUT = /^timeout exceeded when trying to connect$/i;
const CONNECTION_LOST = /^Connection terminated|^Client has encountered a connection error|^Client was closed|not queryable/i;

/**
 * The error a store call rethrows: a DatabaseUnavailable when PostgreSQL is overloaded or away
 * (the request can simply be sent again later), otherwise the error itself, unchanged, so a bug
 * or a refused row still answers as such.
 */
export function asUnavailable(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof DatabaseUnavailable) return error;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (POOL_TIMEOUT.test(error.message)) return new DatabaseUnavailable('busy', { cause: error });
  if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code) || CONNECTION_LOST.test(error.message)) {
    return new DatabaseUnavailable('unreachable', { cause: error });
  }
  return error;
}

function typeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  types.setTypeParser(INT8_ARRAY_OID, parseInt8Array);
  return types;
}

/** Checks DATABASE_URL's shape without ever repeating it: it may hold a password. */
export function parseDatabaseUrl(databaseUrl: string): Target {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw malformed();
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw malformed();
  // A `host` parameter (a Unix socket directory) overrides the URL's host, as in libpq.
  const host = url.searchParams.get('host') ?? (url.hostname || 'localhost');
  const port = url.searchParams.get('port') ?? (url.port || '5432');
  let password: string;
  try {
    password = decodeURIComponent(url.password);
  } catch {
    throw malformed();
  }
  return { hostPort: `${host}:${port}`, password };
}

/**
 * `text` without DATABASE_URL or its password, whatever produced it. A password of one or two
 * characters is left alone: replacing every "y" would garble the message and protect nothing.
 */
export function redactDatabaseUrl(text: string, databaseUrl: string): string {
  let redacted = text.split(databaseUrl).join('DATABASE_URL');
  let password = '';
  try {
    password = parseDatabaseUrl(databaseUrl).password;
  } catch {
    // A malformed URL has no password to find; the URL itself is already gone from the text.
  }
  if (password.length > 2) redacted = redacted.split(password).join('***');
  return redacted;
}

function malformed(): ConfigError {
  return new ConfigError(
    'DATABASE_URL is not a valid PostgreSQL URL; expected postgres://user:password@host:5432/database',
  );
}

function connectReason(error: unknown, databaseUrl: string, timeoutMs: number): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return `no answer within ${timeoutMs / 1000} s`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    case '28P01':
      return 'password authentication failed';
  }
  if (/timeout/i.test(message)) return `no answer within ${timeoutMs / 1000} s`;
  // PostgreSQL's own messages (unknown database, role not allowed...) name no secret; anything
  // else is scrubbed in case a driver ever echoes the connection string.
  return redactDatabaseUrl(message || code || 'unknown error', databaseUrl);
}
