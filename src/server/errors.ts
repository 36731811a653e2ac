/**
 * A setting the server was started with cannot work (a bad PORT, an unwritable DATA_DIR, an
 * unreachable DATABASE_URL...). Its message is one line that names the setting and what to do,
 * printed as is to the person starting the server: it never holds a password or a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * An error an API route answers with on purpose: its status, code and message go to the client
 * unchanged, so the message must be a human sentence that holds no record contents.
 * `retryAfterSeconds` becomes a Retry-After header: a 429 or 503 says when trying again is worth it.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * The database could not take the work now: every pooled connection stayed busy for the whole
 * wait (`busy`), or the connection to PostgreSQL failed, as during its restart (`unreachable`).
 * The request changed nothing that was acknowledged, so it answers a 503 and the device tries
 * again later; a 500 would tell the tablet the server is broken.
 */
export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable';

  constructor(
    readonly reason: 'busy' | 'unreachable',
    options: { cause: unknown },
  ) {
    super(reason === 'busy' ? 'no database connection became free in time' : 'the database connection failed', options);
  }
}
