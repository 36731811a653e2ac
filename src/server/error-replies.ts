import type { FastifyError } from 'fastify';
import type { ErrorBody } from '../shared/schema/wire';
import { ApiError } from './errors';

export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface ErrorReply {
  statusCode: number;
  body: ErrorBody;
}

export function errorReply(statusCode: number, code: string, message: string): ErrorReply {
  return { statusCode, body: { error: { code, message } } };
}

export const INTERNAL_ERROR = errorReply(
  500,
  'INTERNAL',
  'Something went wrong on the server. Your changes are kept on the device; try again later.',
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

const BY_STATUS: Record<number, ErrorReply> = {
  400: errorReply(400, 'BAD_REQUEST', 'The request is malformed.'),
  401: errorReply(401, 'UNAUTHORIZED', 'This device is not enrolled, or its token was revoked.'),
  403: errorReply(403, 'FORBIDDEN', 'This device may not do that.'),
  404: errorReply(404, 'NOT_FOUND', 'There is nothing at this address.'),
  405: errorReply(405, 'METHOD_NOT_ALLOWED', 'This address does not accept that method.'),
  413: BY_FASTIFY_CODE.FST_ERR_CTP_BODY_TOO_LARGE!,
  415: BY_FASTIFY_CODE.FST_ERR_CTP_INVALID_MEDIA_TYPE!,
  429: errorReply(429, 'TOO_MANY_REQUESTS', 'Too many requests; wait a moment and try again.'),
};

/**
 * What a thrown error answers. An ApiError says so itself; Fastify's client errors (bad JSON,
 * body too large, a failed schema) become their 4xx; anything else is the server's fault and
 * answers a 500 that tells nothing about what went wrong inside. `null` means "that 500".
 */
export function replyForError(error: unknown): ErrorReply | null {
  if (error instanceof ApiError) return errorReply(error.statusCode, error.code, error.message);
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
