import type { FastifyError, FastifyReply } from 'fastify';
import type { ErrorBody } from '../shared/schema/wire';
import { ApiError, DatabaseUnavailable } from './errors';

export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface ErrorReply {
  statusCode: number;
  body: ErrorBody;
  /** Retry-After, for a 429 or a 503: without it a client can only guess when to come back. */
  headers?: Readonly<Record<string, string>>;
}

export function errorReply(statusCode: number, code: string, message: string, retryAfterSeconds?: number): ErrorReply {
  return {
    statusCode,
    body: { error: { code, message } },
    ...(retryAfterSeconds !== undefined && { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } }),
  };
}

/** Sends `error` as the contract's error body with its status and headers. */
export function sendErrorReply(reply: FastifyReply, { statusCode, body, headers }: ErrorReply): FastifyReply {
  if (headers) void reply.headers(headers);
  return reply.code(statusCode).send(body);
}

export const INTERNAL_ERROR = errorReply(
  500,
  'INTERNAL',
  'Something went wrong on the server. Your changes are kept on the device; try again later.',
);

/**
 * How long a client should wait after a 503. Short when the server only turned work away (the
 * pushes in flight finish in well under a second); longer when the database itself is away, as a
 * PostgreSQL restart takes a few seconds. Clients add their own jitter on top.
 */
export const RETRY_AFTER_BUSY_SECONDS = 2;
export const RETRY_AFTER_DATABASE_SECONDS = 5;

export const SERVER_BUSY = errorReply(
  503,
  'SERVER_BUSY',
  'The server is busy; your changes are kept on the device and will be sent again shortly.',
  RETRY_AFTER_BUSY_SECONDS,
);

const DATABASE_BUSY = errorReply(
  503,
  'SERVER_BUSY',
  'The server is busy; your changes are kept on the device and will be sent again shortly.',
  RETRY_AFTER_DATABASE_SECONDS,
);

const DATABASE_UNREACHABLE = errorReply(
  503,
  'DATABASE_UNAVAILABLE',
  'The server cannot reach its database right now; your changes are kept on the device and will be sent again shortly.',
  RETRY_AFTER_DATABASE_SECONDS,
);

// Fastify's own messages are not used: a JSON parser's message quotes the body it choked on.
const BY_FASTIFY_CODE: Record<string, ErrorReply> = {
  FST_ERR_CTP_BODY_TOO_LARGE: errorReply(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the 4 MB limit.'),
  FST_ERR_CTP_INVALID_JSON_BODY: errorReply(400, 'BAD_REQUEST', 'The request body is not valid JSON.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: errorReply(400, 'BAD_REQUEST', 'The request body is empty; send a JSON object.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: errorReply(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'),
  // Fastify's own message quotes the address, which may hold a record's id.
  FST_ERR_BAD_URL: errorReply(400, 'BAD_REQUEST', 'The address is not valid: a part of it does not decode as UTF-8.'),
};

/**
 * One answer per status for whatever has no answer of its own, Node's own refusals included
 * (http-guards.ts writes 408 and 431 on the socket before Fastify sees a request).
 */
export const BY_STATUS: Readonly<Record<number, ErrorReply>> = {
  400: errorReply(400, 'BAD_REQUEST', 'The request is malformed.'),
  401: errorReply(401, 'UNAUTHORIZED', 'This device is not enrolled, or its token was revoked.'),
  403: errorReply(403, 'FORBIDDEN', 'This device may not do that.'),
  404: errorReply(404, 'NOT_FOUND', 'There is nothing at this address.'),
  405: errorReply(405, 'METHOD_NOT_ALLOWED', 'This address does not accept that method.'),
  408: errorReply(408, 'REQUEST_TIMEOUT', 'The request took too long to arrive; send it again.'),
  413: BY_FASTIFY_CODE.FST_ERR_CTP_BODY_TOO_LARGE!,
  414: errorReply(414, 'URI_TOO_LONG', 'The address is too long.'),
  415: BY_FASTIFY_CODE.FST_ERR_CTP_INVALID_MEDIA_TYPE!,
  429: errorReply(429, 'TOO_MANY_REQUESTS', 'Too many requests; wait a moment and try again.', RETRY_AFTER_BUSY_SECONDS),
  431: errorReply(431, 'HEADERS_TOO_LARGE', 'The request headers are too large.'),
  503: SERVER_BUSY,
};

/**
 * What a thrown error answers. An ApiError says so itself; Fastify's client errors (bad JSON,
 * body too large, a failed schema) become their 4xx; a database that is overloaded or away is a
 * 503 with Retry-After; anything else is the server's fault and answers a 500 that tells nothing
 * about what went wrong inside. `null` means "that 500".
 */
export function replyForError(error: unknown): ErrorReply | null {
  if (error instanceof ApiError) return errorReply(error.statusCode, error.code, error.message, error.retryAfterSeconds);
  if (error instanceof DatabaseUnavailable) return error.reason === 'busy' ? DATABASE_BUSY : DATABASE_UNREACHABLE;
  if (!(error instanceof Error)) return null;
  const fastifyError = error as Partial<FastifyError>;
  const known = fastifyError.code ? BY_FASTIFY_CODE[fastifyError.code] : undefined;
  if (known) return known;
  // A route schema's message names the field and the rule ("body/code must be string"), never its value.
  if (fastifyError.validation) return errorReply(400, 'BAD_REQUEST', error.message);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return BY_STATUS[status] ?? errorReply(status, 'BAD_REQUEST', 'The request cannot be handled.');
  return null;
}

export function notFoundReply(method: string, url: string): ErrorReply {
  const path = url.split('?', 1)[0] ?? '';
  return errorReply(404, 'NOT_FOUND', `There is no ${method} ${path.slice(0, 200)} here.`);
}
