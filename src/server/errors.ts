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
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
