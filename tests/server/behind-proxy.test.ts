import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintEnrolmentCode } from '../../src/server/store/accounts';
import { openStore, type Store } from '../../src/server/store';
import { newCentre, NOW, startServer, type TestServer } from './support';

/**
 * Issue 10, finding 4: behind the TLS proxy the README asks for, every tablet's request comes
 * from the proxy's address. With TRUST_PROXY naming the proxy, the enrolment limiter counts the
 * address the proxy forwards, so ten wrong codes cost their sender and nobody else; a client
 * that is not the proxy cannot choose the address it is counted as by sending the header itself.
 */

const PROXY = '10.1.0.2';

let store: Store;
let server: TestServer;

beforeAll(async () => {
  store = await openStore({ inMemory: true });
  server = await startServer(store, { trustProxy: [PROXY] });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

const enrol = (code: string, from: string, forwardedFor?: string) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/enrol',
    payload: { code, deviceName: 'Tablet' },
    remoteAddress: from,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });

describe('the enrolment limiter behind a trusted proxy', () => {
  it('locks out the client that sent ten wrong codes through the proxy, and no other client of the same proxy', async () => {
    const centre = await newCentre(store);
    const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', uses: 5, now: NOW });
    for (let i = 0; i < 10; i++) expect((await enrol(`WRNG-C0DE-000${i}`, PROXY, '192.168.5.20')).statusCode).toBe(403);
    expect((await enrol(code, PROXY, '192.168.5.20')).statusCode).toBe(429);
    // Another tablet behind the same proxy enrols at once.
    expect((await enrol(code, PROXY, '192.168.5.21')).statusCode).toBe(201);
  });

  it('ignores X-Forwarded-For from a client that is not the proxy', async () => {
    const centre = await newCentre(store);
    const { code } = await mintEnrolmentCode(store, { centreId: centre.id, role: 'volunteer', uses: 5, now: NOW });
    // A guesser naming a new address each time is still counted as itself.
    for (let i = 0; i < 10; i++) expect((await enrol(`WRNG-C0DE-001${i}`, '10.9.9.9', `172.20.0.${i}`)).statusCode).toBe(403);
    expect((await enrol(code, '10.9.9.9', '172.20.0.99')).statusCode).toBe(429);
  });
});
