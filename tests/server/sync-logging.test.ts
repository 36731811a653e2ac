import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/server/store';
import { mintEnrolmentCode } from '../../src/server/store/accounts';
import { databases, newCentre, NOW, op, startServer, type TestServer } from './support';

/**
 * product.md: logs never hold request bodies or record contents; tokens and codes are secrets.
 * Every endpoint of this change, at the info level, with each secret written in a form easy to find.
 */

describe('the log of enrolment, sync and the lead endpoints', () => {
  const written: string[] = [];
  let store: Store;
  let dispose: () => Promise<void>;
  let server: TestServer;
  const secrets: string[] = [];

  beforeAll(async () => {
    ({ store, dispose } = await databases[0]!.open());
    server = await startServer(store, { logger: { level: 'info', stream: { write: (line: string) => written.push(line) } } });
    const { id } = await newCentre(store, 'Centre-Secret-Name');
    const { code } = await mintEnrolmentCode(store, { centreId: id, role: 'lead', now: NOW });
    const inject = server.app.inject.bind(server.app);

    await inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: 'WRNG-C0DE-SECR', deviceName: 'Device-Secret-Wrong' } });
    const enrolled = await inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'Device-Secret-Name' } });
    const { token, deviceId } = enrolled.json<{ token: string; deviceId: string }>();
    const headers = { authorization: `Bearer ${token}` };
    await inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers,
      payload: {
        protocol: 1,
        ops: [
          op(1, 'volunteers', 'volunteer-secret-id', { displayName: 'RecordSecretName', active: true }),
          op(2, 'sessions', 'session-secret-id', { notes: 'Rejected-Secret-Note', unknownSecretField: 1 }),
        ],
      },
    });
    await inject({ method: 'POST', url: '/api/v1/sync/push', headers, payload: { protocol: 0, ops: [{ seq: 9, secret: 'Old-Secret-Body' }] } });
    await inject({ method: 'POST', url: '/api/v1/sync/push', headers, payload: { protocol: 1, ops: 'Malformed-Secret-Body' } });
    await inject({ method: 'GET', url: '/api/v1/sync/pull?cursor=0&limit=10', headers });
    await inject({ method: 'GET', url: '/api/v1/sync/pull?cursor=Query-Secret', headers });
    const minted = await inject({ method: 'POST', url: '/api/v1/enrolment-codes', headers, payload: { role: 'volunteer' } });
    await inject({ method: 'GET', url: '/api/v1/devices', headers });
    await inject({ method: 'DELETE', url: `/api/v1/devices/${deviceId}`, headers });
    await inject({ method: 'GET', url: '/api/v1/sync/pull', headers: { authorization: 'Bearer Unknown-Secret-Token' } });
    secrets.push(
      token,
      code,
      code.replace(/-/g, ''),
      minted.json<{ code: string }>().code,
      deviceId,
      'WRNG-C0DE-SECR',
      'Device-Secret',
      'Centre-Secret',
      'RecordSecretName',
      'volunteer-secret-id',
      'session-secret-id',
      'Rejected-Secret-Note',
      'unknownSecretField',
      'Old-Secret-Body',
      'Malformed-Secret-Body',
      'Query-Secret',
      'Unknown-Secret-Token',
      'Bearer',
    );
  });

  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });

  it('has one line per request, by route and status', () => {
    const requests = written.map((line) => JSON.parse(line) as { msg: string; req?: unknown; res?: unknown }).filter((line) => line.msg === 'request completed');
    expect(requests.map((line) => [line.req, line.res])).toEqual([
      [{ method: 'POST', route: '/api/v1/enrol' }, { status: 403 }],
      [{ method: 'POST', route: '/api/v1/enrol' }, { status: 201 }],
      [{ method: 'POST', route: '/api/v1/sync/push' }, { status: 200 }],
      [{ method: 'POST', route: '/api/v1/sync/push' }, { status: 426 }],
      [{ method: 'POST', route: '/api/v1/sync/push' }, { status: 400 }],
      [{ method: 'GET', route: '/api/v1/sync/pull' }, { status: 200 }],
      [{ method: 'GET', route: '/api/v1/sync/pull' }, { status: 400 }],
      [{ method: 'POST', route: '/api/v1/enrolment-codes' }, { status: 201 }],
      [{ method: 'GET', route: '/api/v1/devices' }, { status: 200 }],
      [{ method: 'DELETE', route: '/api/v1/devices/:id' }, { status: 204 }],
      [{ method: 'GET', route: '/api/v1/sync/pull' }, { status: 401 }],
    ]);
  });

  it('holds no token, code, id, name, body or record content', () => {
    const text = written.join('');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
