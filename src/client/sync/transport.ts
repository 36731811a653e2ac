import { errorBody, type ErrorBody } from '../../shared/schema';

/**
 * How the tablet talks to its server. A transport only moves JSON: callers check each answer's
 * shape with the shared schemas. Tests pass a function that answers like the server does (or is
 * the server, through Fastify's inject), so the engine never needs a network to be tested.
 */
export type TransportRequest = {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  token?: string;
  body?: unknown;
  /** Ends the request early (a waiting pull the tablet no longer needs): a NetworkError then. */
  signal?: AbortSignal;
};
export type TransportResponse = {
  status: number;
  body: unknown;
  /** How long the server asked to be left alone (a 503's or 429's Retry-After), when it said. */
  retryAfterMs?: number;
};
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * The server could not be reached, or the connection broke before the answer was read: the
 * tablet is offline as far as sync is concerned. Any answer at all, even a 500, is not this.
 */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/** Long enough for a 4 MB push on a slow camp connection; short enough that a dead one frees the lock. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Bodies from this size go gzipped (sync-protocol.md: a push body may be sent with
 * `Content-Encoding: gzip`). A push of check-ins shrinks to about a tenth, which is what a camp's
 * slow, metered connection pays for. Below it, gzip's own header and the stream cost more than
 * they save.
 */
export const GZIP_FROM_BYTES = 1024;

export type FetchTransportOptions = { fetch?: typeof globalThis.fetch; timeoutMs?: number; now?: () => number };

/** The body as sent: gzipped where the browser has CompressionStream and the body is worth it. */
async function encodeBody(json: string): Promise<{ body: BodyInit; gzipped: boolean }> {
  if (json.length < GZIP_FROM_BYTES || typeof CompressionStream !== 'function') return { body: json, gzipped: false };
  const stream = new Response(json).body!.pipeThrough(new CompressionStream('gzip'));
  return { body: await new Response(stream).arrayBuffer(), gzipped: true };
}

/**
 * A transport over `fetch` to the server at `baseUrl` (e.g. `https://daybook.example.org`).
 * A body that is not JSON (a captive portal's login page, a proxy's error page) comes back as
 * `null` with its status, for the caller to refuse as an unexpected answer.
 */
export function fetchTransport(baseUrl: string, options: FetchTransportOptions = {}): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async ({ method, path, token, body, signal }) => {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const encoded = body === undefined ? undefined : await encodeBody(JSON.stringify(body));
    if (encoded) headers['content-type'] = 'application/json';
    if (encoded?.gzipped) headers['content-encoding'] = 'gzip';
    try {
      const response = await fetchImpl(`${base}${path}`, {
        method,
        headers,
        body: encoded?.body,
        // A pull answer cached by the browser would hide changes made since.
        cache: 'no-store',
        credentials: 'omit',
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
      // Reading the body can fail too (the connection drops half-way): still a network failure.
      const text = await response.text();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), (options.now ?? Date.now)());
      return { status: response.status, body: parseJson(text), ...(retryAfterMs !== undefined && { retryAfterMs }) };
    } catch (error) {
      throw new NetworkError(`could not reach ${base}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
}

/** A Retry-After longer than this is a proxy's mistake, not a plan: a tablet must not wait for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Retry-After (RFC 9110): whole seconds, or an HTTP date. Undefined when absent or unreadable;
 * a date already past is 0; anything beyond an hour counts as an hour.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : /[a-z]/i.test(text) ? Date.parse(text) - now : NaN;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The server's own error (`{"error": {"code", "message"}}`), or null when the body has another shape. */
export function errorOf(body: unknown): ErrorBody['error'] | null {
  const parsed = errorBody.safeParse(body);
  return parsed.success ? parsed.data.error : null;
}
