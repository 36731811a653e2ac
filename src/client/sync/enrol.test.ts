import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DaybookDatabase } from '../db/core/database';
import { loadEnrolment } from '../db/repositories/sync-state';
import { enrolDevice, normaliseServerUrl } from './enrol';
import { NetworkError, type Transport, type TransportResponse } from './transport';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const input = { serverUrl: 'daybook.example.org/', code: ' 7K4M-2QXP ', deviceName: ' Playroom tablet 2 ' };
const accepted = {
  deviceId: 'device-9',
  token: 'secret-token',
  role: 'volunteer',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  codeSeries: 'M',
};

let database: DaybookDatabase;
let count = 0;

beforeEach(async () => {
  count += 1;
  database = new DaybookDatabase(`enrol-test-${count}`);
  await database.open();
});

afterEach(async () => {
  await database.delete();
});

const answering = (answer: TransportResponse) => vi.fn<Transport>(() => Promise.resolve(answer));
const refused = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });

describe('normaliseServerUrl', () => {
  it.each([
    ['https://daybook.example.org', 'https:', 'https://daybook.example.org'],
    ['  daybook.example.org/  ', 'https:', 'https://daybook.example.org'],
    ['192.168.1.20:8080', 'http:', 'http://192.168.1.20:8080'],
    ['HTTPS://Daybook.Example.org/centre/?x=1#top', 'https:', 'https://daybook.example.org/centre'],
    ['', 'https:', null],
    ['ftp://daybook.example.org', 'https:', null],
    ['https://', 'https:', null],
    ['not a server', 'https:', null],
  ])('%j on a %s page is %j', (typed, protocol, expected) => {
    expect(normaliseServerUrl(typed, protocol)).toBe(expected);
  });
});

describe('enrolDevice', () => {
  it('sends the code and the name, then stores the enrolment, the role and the code series', async () => {
    const transport = answering({ status: 201, body: accepted });
    const transportFor = vi.fn(() => transport);
    const outcome = await enrolDevice(input, { database, transportFor, now: () => T0, pageProtocol: 'https:' });
    expect(transportFor).toHaveBeenCalledWith('https://daybook.example.org');
    expect(transport).toHaveBeenCalledWith({ method: 'POST', path: '/api/v1/enrol', body: { code: '7K4M-2QXP', deviceName: 'Playroom tablet 2' } });
    const enrolment = {
      serverUrl: 'https://daybook.example.org',
      token: 'secret-token',
      deviceId: 'device-9',
      centre: accepted.centre,
      role: 'volunteer',
      codeSeries: 'M',
      enrolledAt: T0,
    };
    expect(outcome).toEqual({ ok: true, enrolment });
    expect(await loadEnrolment(database)).toEqual(enrolment);
    expect(await database.meta.get('codeSeries')).toEqual({ key: 'codeSeries', series: 'M', nextSerial: 1000 });
  });

  it('accepts a server that sends no code series', async () => {
    const { codeSeries: _codeSeries, ...plain } = accepted;
    const outcome = await enrolDevice(input, { database, transport: answering({ status: 201, body: plain }) });
    expect(outcome).toMatchObject({ ok: true, enrolment: { codeSeries: null } });
    expect(await database.meta.get('codeSeries')).toBeUndefined();
  });

  it.each([
    ['a wrong or spent code', refused(403, 'ENROLMENT_CODE_INVALID', 'wrong'), { field: 'code', reason: 'code-invalid' }],
    ['too many wrong codes', refused(429, 'TOO_MANY_REQUESTS', 'wait'), { field: 'code', reason: 'rate-limited' }],
    ['a device name the server refuses', refused(400, 'BAD_REQUEST', 'deviceName: must not contain a NUL character'), { field: 'deviceName', reason: 'name-invalid' }],
    ['a server that needs a newer app', refused(426, 'PROTOCOL_TOO_OLD', 'update'), { field: 'serverUrl', reason: 'needs-update' }],
    ['a server error', refused(500, 'INTERNAL', 'oops'), { field: 'serverUrl', reason: 'server-error' }],
    ['another web server (404)', { status: 404, body: null }, { field: 'serverUrl', reason: 'not-daybook' }],
    ['a 201 of another shape', { status: 201, body: { ok: true } }, { field: 'serverUrl', reason: 'not-daybook' }],
  ] as const)('says at its field: %s, and stores nothing', async (_case, answer, problem) => {
    expect(await enrolDevice(input, { database, transport: answering(answer) })).toEqual({ ok: false, problem });
    expect(await loadEnrolment(database)).toBeNull();
  });

  it('says the server cannot be reached when the network fails', async () => {
    const transport = vi.fn<Transport>(() => Promise.reject(new NetworkError('could not reach https://daybook.example.org: Failed to fetch')));
    expect(await enrolDevice(input, { database, transport })).toEqual({ ok: false, problem: { field: 'serverUrl', reason: 'server-unreachable' } });
  });

  it.each([
    [{ serverUrl: ' ' }, { field: 'serverUrl', reason: 'server-address' }],
    [{ code: '  ' }, { field: 'code', reason: 'code-empty' }],
    [{ deviceName: '' }, { field: 'deviceName', reason: 'name-empty' }],
    [{ deviceName: 'x'.repeat(61) }, { field: 'deviceName', reason: 'name-too-long' }],
  ] as const)('checks %j before asking the server', async (change, problem) => {
    const transport = answering({ status: 201, body: accepted });
    expect(await enrolDevice({ ...input, ...change }, { database, transport })).toEqual({ ok: false, problem });
    expect(transport).not.toHaveBeenCalled();
  });
});
