import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { BY_STATUS, type ErrorReply } from './error-replies';
import { ApiError } from './errors';
import { API_SECURITY_HEADERS, addSecurityHeaders } from './security-headers';
import { shedPushLoad, type PushLimits } from './load-shedding';
import { addressMatcher, isLoopback, type AddressMatcher } from './trusted-proxies';

/**
 * What a client may hold of the server (issue 10, finding 8): a client on the centre's network
 * that opens connections and trickles bytes into them is cut off when its time is up, and can
 * hold only so many connections at once, so it cannot outlast the tablets.
 */
export interface HttpLimits {
  /** From a request's first byte to the end of its headers. */
  headersTimeoutMs: number;
  /** From a request's first byte to the end of its body. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection between requests. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves at all, in either direction. */
  idleTimeoutMs: number;
  /** How often Node looks for requests past their time; its default (30 s) let trickled headers live 88 s. */
  timeoutCheckIntervalMs: number;
  maxRequestsPerSocket: number;
  /** Connections open at once, from everyone. */
  maxConnections: number;
  /** Connections open at once from one address: loopback and the trusted proxies are not counted. */
  maxConnectionsPerAddress: number;
  /** A longer address answers 414: no address of the app or the API comes near it. */
  maxUrlLength: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  // The tablet itself gives up on a request after 60 s (src/client/sync/transport.ts): a 4 MB
  // push that takes longer to arrive is lost to it anyway.
  requestTimeoutMs: 60_000,
  // Longer than the 60 s after which nginx (and Caddy, when configured as the README says) drops
  // an idle upstream connection: the proxy closes first, so it never sends on a closing one.
  keepAliveTimeoutMs: 65_000,
  // Above the longest a pull may be held open waiting for changes (30 s), with room to answer.
  idleTimeoutMs: 120_000,
  timeoutCheckIntervalMs: 1_000,
  maxRequestsPerSocket: 1_000,
  // A centre has tens of tablets, each with a handful of connections; an organisation's server a
  // few hundred. File descriptors and memory stay far from their limits at this.
  maxConnections: 1_024,
  // A browser opens at most 6 connections to a server; 32 leaves room for several tabs and a
  // NAT'd device or two, and leaves the rest of the cap to everyone else.
  maxConnectionsPerAddress: 32,
  maxUrlLength: 2_048,
};

export interface HttpGuardOptions {
  limits?: Partial<HttpLimits>;
  /** TRUST_PROXY's entries: the reverse proxies whose X-Forwarded-For names the client. */
  trustedProxies?: readonly string[];
  pushLimits: PushLimits;
}

/** The part of the guards Fastify takes when the server is made. */
export function httpServerOptions(options: Omit<HttpGuardOptions, 'pushLimits'>) {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const proxies = options.trustedProxies ?? [];
  const trusted = addressMatcher(proxies);
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    // Node reads these when it makes the server; Fastify sets requestTimeout again after it.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    },
    // proxy-addr walks X-Forwarded-For from the nearest hop back while hops are trusted: a client
    // that writes its own header in front of the proxy's is still counted as its real address.
    trustProxy: proxies.length === 0 ? false : (address: string) => trusted(address),
    clientErrorHandler: answerClientError,
  } satisfies Partial<FastifyServerOptions> & { http: object };
}

/**
 * The hooks of the guards, on the root instance before any route: the connection caps, the URL
 * length, the security headers of every answer, and the pushes' load shedding.
 */
export function guardHttp(app: FastifyInstance, options: HttpGuardOptions): void {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const trusted = addressMatcher(options.trustedProxies ?? []);
  capConnections(app.server, limits, (address) => isLoopback(address) || trusted(address));
  addSecurityHeaders(app);
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.length > limits.maxUrlLength) done(new ApiError(414, 'URI_TOO_LONG', 'The address is too long.'));
    else done();
  });
  shedPushLoad(app, options.pushLimits);
}

/** What the caps need of an http.Server: tests hand them a stand-in. */
export interface ConnectionSource {
  maxConnections: number;
  on(event: 'connection', listener: (socket: Socket) => void): unknown;
}

/**
 * Caps connections, in all and per address. A connection over a cap is closed at once, before
 * it can send anything. Loopback is not counted per address (a proxy on the same machine carries
 * every tablet's connections, and anything else on the machine could stop the server anyway),
 * nor are the trusted proxies; the total cap still holds for them.
 */
export function capConnections(server: ConnectionSource, limits: Pick<HttpLimits, 'maxConnections' | 'maxConnectionsPerAddress'>, exempt: AddressMatcher): void {
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/**
 * Node's own refusals, before Fastify has a request (too slow, headers too large, not HTTP at
 * all), in the contract's error shape. Written only when no answer has started on the socket,
 * so a response already under way is never corrupted; then the connection is closed, as Node does.
 */
function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? BY_STATUS[408]! : error.code === 'HPE_HEADER_OVERFLOW' ? BY_STATUS[431]! : BY_STATUS[400]!;
  // The code only: the error's message and its rawPacket quote what the client sent.
  this.log.debug({ code: error.code, status: answer.statusCode }, 'client error');
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !current?.headersSent) socket.write(rawResponse(answer));
  socket.destroy();
}

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** An HTTP/1.1 response as bytes on the wire, for the socket that has no Fastify reply. */
export function rawResponse({ statusCode, body }: ErrorReply): string {
  const text = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    connection: 'close',
    ...API_SECURITY_HEADERS,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${statusCode} ${REASONS[statusCode] ?? 'Error'}\r\n${lines.join('')}\r\n${text}`;
}
