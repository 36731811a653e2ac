import { request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/server/store';
import { mintEnrolmentCode } from '../../src/server/store/accounts';
import { enrolResponse, type EnrolResponse, type Role } from '../../src/shared/schema';

/**
 * What the benchmarks that talk to the server over real HTTP share: one request with the bytes it
 * cost, the app listening on loopback, and a device enrolled through the real endpoint.
 */

export type Answer = { status: number; body: unknown; wireBytes: number; sentBytes: number };

/** The tablet's threshold (src/client/sync/transport.ts, GZIP_FROM_BYTES): smaller bodies go as they are. */
const GZIP_FROM_BYTES = 1024;

export type CallOptions = {
  /** Gzip a request body of 1 KB or more (`Content-Encoding: gzip`), as the tablet's transport does. */
  gzip?: boolean;
};

/**
 * One request over real HTTP, gzip accepted like a browser; counts the bytes that crossed the wire:
 * `sentBytes` the request body as sent (compressed when it was), `wireBytes` the answer's body as
 * received (compressed when the server compressed it). Headers are not counted here; see
 * `countSocketBytes` for everything that crossed the socket.
 */
export function call(base: string, method: string, path: string, token?: string, body?: unknown, options: CallOptions = {}): Promise<Answer> {
  const json = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const gzipped = json !== undefined && options.gzip === true && json.length >= GZIP_FROM_BYTES;
  const payload = gzipped ? gzipSync(json) : json;
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method,
      headers: {
        'accept-encoding': 'gzip',
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
        // JSON is parsed; anything else (a CSV report) comes back as its text.
        const json = (res.headers['content-type'] ?? '').startsWith('application/json');
        resolve({ status: res.statusCode ?? 0, body: text ? (json ? (JSON.parse(text) as unknown) : text) : null, wireBytes: raw.length, sentBytes: payload?.length ?? 0 });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Counts every byte that crosses the server's sockets, both ways (headers included, bodies as sent,
 * compressed where they are): the reading is the total since the counter was attached, so a
 * phase's cost is the difference of two readings. Closed sockets keep their counts.
 */
export function countSocketBytes(server: Server): () => { read: number; written: number } {
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  return () => ({
    read: sockets.reduce((sum, socket) => sum + socket.bytesRead, 0),
    written: sockets.reduce((sum, socket) => sum + socket.bytesWritten, 0),
  });
}

/** Listens on a free loopback port; returns the base address. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server did not listen on a port');
  return `http://127.0.0.1:${address.port}`;
}

/** A device enrolled through `POST /api/v1/enrol` with a code minted in the store, as a lead would. */
export async function enrolOverHttp(base: string, store: Store, centreId: string, deviceName: string, role: Role = 'lead'): Promise<EnrolResponse> {
  const { code } = await mintEnrolmentCode(store, { centreId, role, now: Date.now() });
  const answer = await call(base, 'POST', '/api/v1/enrol', undefined, { code, deviceName });
  if (answer.status !== 201) throw new Error(`enrol answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return enrolResponse.parse(answer.body);
}
