import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorBody, type ErrorBody } from '../../src/shared/schema/wire';

/**
 * HTTP as a hostile client on the network speaks it: bytes on a socket, as slowly as it likes.
 * For the tests of what the server lets a client hold (slow-clients.test.ts, error-shapes.test.ts).
 */

export async function listenOnLoopback(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

export interface RawExchange {
  /** Everything the server wrote before the connection closed. */
  received: string;
  /** How many bytes of `trickle` went out before the server closed the connection. */
  trickled: number;
}

/**
 * Sends `start` at once, then `trickle` one byte every `everyMs`, until the server closes the
 * connection (or everything was sent and the server answered and closed). Resolves on close.
 */
export function rawExchange(port: number, start: string, trickle = '', everyMs = 25): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let trickled = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    // The server closing on us while we write is the point of these tests, not a failure.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, trickled });
    });
    socket.write(start, () => {
      timer = setInterval(() => {
        if (trickled >= trickle.length || socket.destroyed) return clearInterval(timer);
        socket.write(trickle[trickled]!);
        trickled += 1;
      }, everyMs);
    });
  });
}

export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The first response in `text`: status line, headers (lower-cased names) and body. */
export function parseResponse(text: string): ParsedResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete HTTP response in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = headers['content-length'];
  const rest = text.slice(end + 4);
  return { status, headers, body: length === undefined ? rest : Buffer.from(rest).subarray(0, Number(length)).toString('utf8') };
}

/** The contract's error body, or a failure that says what came instead. */
export function contractError(body: string): ErrorBody['error'] {
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null || Object.keys(parsed).join() !== 'error') throw new Error(`not the contract's error shape: ${body}`);
  return errorBody.parse(parsed).error;
}
