import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHlc, MAX_AHEAD_MS, parseHlc } from '../../shared/hlc';
import { mergeOp, type Replica } from '../../shared/merge';
import { checkOp, pushRequest, type TableName } from '../../shared/schema';
import { DaybookDatabase, SYNCED_TABLES, type Enrolment } from '../db/core/database';
import { loadPullCursor, storeEnrolment } from '../db/repositories/sync-state';
import { writeRecord } from '../db/core/write';
import { applyPullPage, THIS_VERSION } from './apply-page';
import { createSyncEngine } from './engine';
import { NetworkError, type Transport, type TransportRequest, type TransportResponse } from './transport';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const TOKEN = 'token-tablet-a';
const TOKEN_B = 'token-tablet-b';
const OTHER_NODE = 'bbbbbbbbbbbbbbbb';

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: TOKEN,
  deviceId: 'device-a',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'lead',
  codeSeries: null,
  enrolledAt: T0,
};

const error = (status: number, code: string, message: string): TransportResponse => ({ status, body: { error: { code, message } } });

/**
 * A server that follows sync-protocol.md for the simple cases, for one device: per-field LWW with
 * the shared merge, ops at or below the acknowledged seq skipped, invalid ops rejected on their
 * own, cursors in commit order. The real server's tests and the multi-tablet tests go further.
 */
function fakeServer(clock: () => number = () => T0, rules: { opsPerPush?: number; leadOnly?: readonly TableName[] } = {}) {
  const records = new Map<string, { table: TableName; id: string; replica: Replica; cursor: number }>();
  let lastCursor = 0;
  const ackedSeq = new Map<string, number>([
    [TOKEN, 0],
    [TOKEN_B, 0],
  ]);
  const requests: TransportRequest[] = [];
  /** Answers instead of the server when it returns something (a failure, a lost answer). */
  type Intercept = (request: TransportRequest) => TransportResponse | Promise<TransportResponse> | undefined;
  let intercept: Intercept = () => undefined;

  function apply(table: TableName, id: string, hlc: string, fields: Record<string, unknown>): void {
    const key = `${table}/${id}`;
    const { next, changed } = mergeOp(records.get(key)?.replica, { hlc, fields });
    if (changed) records.set(key, { table, id, replica: next, cursor: ++lastCursor });
  }

  function push(token: string, body: unknown): TransportResponse {
    let acked = ackedSeq.get(token)!;
    const parsed = pushRequest.safeParse(body);
    if (!parsed.success) return error(400, 'BAD_REQUEST', 'ops: malformed');
    const rejected: { seq: number; code: string; message: string; record?: { fields: Record<string, unknown>; hlcs: Record<string, string> } | null }[] = [];
    // A server may acknowledge part of a batch (only `ackedSeq` says how far it got).
    const taken = parsed.data.ops.filter((raw) => raw.seq > acked).slice(0, rules.opsPerPush ?? Infinity);
    for (const raw of taken) {
      const checked = checkOp(raw);
      if (!checked.ok) rejected.push({ seq: raw.seq, code: 'INVALID_OP', message: checked.message });
      else if (rules.leadOnly?.includes(checked.op.table)) {
        const stored = records.get(`${checked.op.table}/${checked.op.id}`);
        rejected.push({ seq: raw.seq, code: 'LEAD_ONLY', message: 'table: only a lead', record: stored ? { fields: stored.replica.fields, hlcs: stored.replica.hlcs } : null });
      }
      else if (parseHlc(checked.op.hlc).ms > clock() + MAX_AHEAD_MS) rejected.push({ seq: raw.seq, code: 'CLOCK_AHEAD', message: 'hlc: more than 24 hours ahead' });
      else apply(checked.op.table, checked.op.id, checked.op.hlc, checked.op.fields);
      acked = raw.seq;
    }
    ackedSeq.set(token, acked);
    return { status: 200, body: { ackedSeq: acked, rejected, serverTime: clock() } };
  }

  function pull(query: URLSearchParams): TransportResponse {
    const after = Number(query.get('cursor'));
    const limit = Number(query.get('limit'));
    const newer = [...records.values()].filter((record) => record.cursor > after).sort((a, b) => a.cursor - b.cursor);
    const page = newer.slice(0, limit);
    const changes = page.map(({ table, id, replica, cursor }) => ({ cursor, table, id, fields: replica.fields, hlcs: replica.hlcs }));
    return { status: 200, body: { changes, nextCursor: page.at(-1)?.cursor ?? after, hasMore: newer.length > limit, serverTime: clock() } };
  }

  const transport: Transport = (request) => {
    requests.push(structuredClone(request));
    const answer = intercept(request);
    if (answer) return Promise.resolve(answer);
    if (request.token === undefined || !ackedSeq.has(request.token)) return Promise.resolve(error(401, 'TOKEN_INVALID', 'This device is not enrolled.'));
    const [path, query] = request.path.split('?');
    if (request.method === 'POST' && path === '/api/v1/sync/push') return Promise.resolve(push(request.token, request.body));
    if (request.method === 'GET' && path === '/api/v1/sync/pull') return Promise.resolve(pull(new URLSearchParams(query)));
    return Promise.resolve(error(404, 'NOT_FOUND', 'No such route.'));
  };

  return {
    transport,
    requests,
    records,
    /** A write another tablet pushed earlier. */
    remoteWrite: (table: TableName, id: string, ms: number, fields: Record<string, unknown>) => apply(table, id, formatHlc({ ms, counter: 0, node: OTHER_NODE }), fields),
    intercept: (answer: typeof intercept) => {
      intercept = answer;
    },
    pushes: () => requests.filter((request) => request.path === '/api/v1/sync/push'),
    pulls: () => requests.filter((request) => request.path.startsWith('/api/v1/sync/pull')),
  };
}

let database: DaybookDatabase;
let count = 0;

beforeEach(async () => {
  count += 1;
  database = new DaybookDatabase(`engine-test-${count}`);
  await database.open();
});

afterEach(async () => {
  await database.delete();
});

const write = (id: string, fields: Record<string, unknown>, now: number, create = false) =>
  writeRecord(database, 'volunteers', id, fields, { now, create });

async function enrolled() {
  await storeEnrolment(database, enrolment);
  const server = fakeServer(() => T0 + 5_000);
  const engine = createSyncEngine({ database, transport: server.transport, now: () => T0 });
  return { server, engine };
}

describe('syncOnce: a server that acknowledges part of a batch', () => {
  it('trims exactly the acknowledged ops: the rest stay, in order, and go in the next push', async () => {
    await storeEnrolment(database, enrolment);
    const server = fakeServer(() => T0, { opsPerPush: 2 });
    for (let i = 1; i <= 5; i++) await write(`v${i}`, { displayName: `V${i}`, active: true }, T0 + i, true);
    // The connection drops after the first answer: the outbox must hold what was not acknowledged.
    let pushes = 0;
    server.intercept((request) => (request.path === '/api/v1/sync/push' && ++pushes === 2 ? Promise.reject(new NetworkError('gone')) : undefined));
    const first = await createSyncEngine({ database, transport: server.transport, now: () => T0 }).syncOnce();
    expect(first.outcome).toBe('offline');
    expect((await database.outbox.toArray()).map((op) => op.id)).toEqual(['v3', 'v4', 'v5']);
    expect([...server.records.keys()].sort()).toEqual(['volunteers/v1', 'volunteers/v2']);

    server.intercept(() => undefined);
    const second = await createSyncEngine({ database, transport: server.transport, now: () => T0 }).syncOnce();
    expect(second.outcome).toBe('synced');
    expect(await database.outbox.count()).toBe(0);
    expect(server.records.size).toBe(5);
  });
});

describe('syncOnce: a refused change', () => {
  it('puts the record back as the server holds it, and lists the refusal with its reason', async () => {
    await storeEnrolment(database, { ...enrolment, role: 'volunteer' });
    const server = fakeServer(() => T0, { leadOnly: ['settings'] });
    const leads = { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true };
    server.remoteWrite('settings', 'ratioLimits', T0 - 60_000, { value: leads, deleted: false });
    // Written while this tablet was its own lead, before it enrolled as a volunteer's: newer.
    await writeRecord(database, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: 20, requireVolunteerWhenChildrenPresent: false }, deleted: false }, { create: true, now: T0 });
    await writeRecord(database, 'settings', 'openingHours', { value: { opens: '08:00', closes: '20:00' }, deleted: false }, { create: true, now: T0 + 1 });

    const result = await createSyncEngine({ database, transport: server.transport, now: () => T0 }).syncOnce();
    expect(result).toMatchObject({ outcome: 'synced', rejected: 2 });
    expect((await database.settings.get('ratioLimits'))?.value).toEqual(leads);
    // The server holds no openingHours: the tablet holds none either.
    expect(await database.settings.get('openingHours')).toBeUndefined();
    expect((await database.rejections.toArray()).map((rejection) => [rejection.id, rejection.code])).toEqual([
      ['ratioLimits', 'LEAD_ONLY'],
      ['openingHours', 'LEAD_ONLY'],
    ]);
  });
});

describe('syncOnce: push', () => {
  it('does nothing on a device that was never enrolled', async () => {
    const server = fakeServer();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    const result = await createSyncEngine({ database, transport: server.transport }).syncOnce();
    expect(result.outcome).toBe('not-enrolled');
    expect(server.requests).toEqual([]);
    expect(await database.outbox.count()).toBe(1);
  });

  it('pushes the outbox in seq order, trims it after the acknowledgement and learns the server offset', async () => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    await write('v1', { active: false }, T0 + 1);
    const result = await engine.syncOnce();
    expect(result).toMatchObject({ outcome: 'synced', pushed: 2, rejected: 0 });
    expect(server.pushes()[0]).toMatchObject({ token: TOKEN, body: { protocol: 1, ops: [{ seq: 1 }, { seq: 2 }] } });
    expect(server.records.get('volunteers/v1')?.replica.fields).toEqual({ displayName: 'Amira', active: false, deleted: false });
    expect(await database.outbox.count()).toBe(0);
    expect(await database.meta.get('serverOffset')).toEqual({ key: 'serverOffset', ms: 5_000 });
    expect(await database.meta.get('lastSyncedAt')).toEqual({ key: 'lastSyncedAt', at: T0 });
  });

  it('sends at most 1,000 ops a push, in increasing seq order', async () => {
    const { server, engine } = await enrolled();
    const hlc = (i: number) => formatHlc({ ms: T0, counter: i, node: 'aaaaaaaaaaaaaaaa' });
    await database.outbox.bulkAdd(Array.from({ length: 2_500 }, (_, i) => ({ table: 'volunteers' as const, id: `v${i}`, hlc: hlc(i), fields: { active: true } })));
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 2_500 });
    const batches = server.pushes().map((request) => (request.body as { ops: { seq: number }[] }).ops.map((op) => op.seq));
    expect(batches.map((seqs) => seqs.length)).toEqual([1_000, 1_000, 500]);
    expect(batches.flat()).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
  });

  it('keeps each refused op with its reason, and does not let it block the others', async () => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    // An op two days ahead although this tablet's clock is not (a clock reset since: see
    // "a tablet whose date was set right" below, which writes such ops again instead).
    const clock = await database.meta.get('clock');
    const node = clock?.key === 'clock' ? parseHlc(clock.hlc).node : '';
    await database.outbox.add({ table: 'volunteers', id: 'v2', hlc: formatHlc({ ms: T0 + 2 * 86_400_000, counter: 0, node }), fields: { displayName: 'Sam', active: true, deleted: false } });
    const result = await engine.syncOnce();
    expect(result).toMatchObject({ outcome: 'synced', pushed: 1, rejected: 1 });
    expect(await database.rejections.toArray()).toEqual([
      { seq: 2, table: 'volunteers', id: 'v2', code: 'CLOCK_AHEAD', message: 'hlc: more than 24 hours ahead', at: T0 },
    ]);
    expect(await database.outbox.count()).toBe(0);
    expect(server.records.has('volunteers/v2')).toBe(false);
  });

  it('keeps the outbox when the answer is lost, and a second sync neither loses nor doubles an op', async () => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    await write('v1', { active: false }, T0 + 1);
    // The server commits the push, then the connection drops before the answer arrives.
    server.intercept((request) => {
      if (request.path !== '/api/v1/sync/push') return undefined;
      server.intercept(() => undefined);
      void server.transport(request);
      throw new NetworkError('connection reset');
    });
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'offline', pushed: 0 });
    expect(await database.outbox.count()).toBe(2);
    const cursorBefore = [...server.records.values()].map((record) => record.cursor);

    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 2 });
    expect(await database.outbox.count()).toBe(0);
    // The ops sent again were skipped: the record did not change a second time.
    expect([...server.records.values()].map((record) => record.cursor)).toEqual(cursorBefore);
  });

  it('does not apply the answer to a wiped database’s push to the new database’s outbox', async () => {
    const { server, engine } = await enrolled();
    for (let i = 1; i <= 3; i++) await write(`v${i}`, { displayName: `V${i}`, active: true }, T0 + i, true);
    // The browser deletes the database while the push is out (iOS short of space); the open app
    // gets a new, empty one, whose outbox counts from 1 again, and a volunteer writes in it.
    server.intercept((request) => {
      if (request.path !== '/api/v1/sync/push') return undefined;
      server.intercept(() => undefined);
      return (async () => {
        await database.delete();
        await database.open();
        await write('after-wipe-1', { displayName: 'A', active: true }, T0 + 10, true);
        await write('after-wipe-2', { displayName: 'B', active: true }, T0 + 11, true);
        return server.transport(request);
      })();
    });
    const result = await engine.syncOnce();
    // The answer (ackedSeq 3) was for the old database: applied, it would trim seqs 1 and 2 here.
    expect(result.outcome).toBe('error');
    expect((await database.outbox.toArray()).map((op) => op.id)).toEqual(['after-wipe-1', 'after-wipe-2']);
  });

  it('sends a batch too large for the server again in halves', async () => {
    const { server, engine } = await enrolled();
    for (let i = 0; i < 5; i++) await write(`v${i}`, { displayName: `V${i}`, active: true }, T0 + i, true);
    server.intercept((request) => ((request.body as { ops?: unknown[] } | undefined)?.ops?.length ?? 0) > 2 ? error(413, 'BODY_TOO_LARGE', 'too large') : undefined);
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 5 });
    expect(server.records.size).toBe(5);
  });
});

describe('syncOnce: refusals and failures keep the outbox', () => {
  it.each([
    ['a revoked token (401) asks for enrolment', error(401, 'TOKEN_INVALID', 'revoked'), 'needs-enrolment'],
    ['a protocol too old (426) asks for an update', error(426, 'PROTOCOL_TOO_OLD', 'update'), 'needs-update'],
    ['a server error (500)', error(500, 'INTERNAL', 'Something went wrong'), 'error'],
    ['a captive portal page (200, not JSON)', { status: 200, body: null }, 'error'],
    ['an answer of the wrong shape', { status: 200, body: { ackedSeq: 'all' } }, 'error'],
  ] as const)('%s', async (_case, answer, outcome) => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    server.intercept(() => answer);
    expect(await engine.syncOnce()).toMatchObject({ outcome });
    expect(await database.outbox.count()).toBe(1);
    expect(await database.meta.get('syncOutcome')).toMatchObject({ outcome, at: T0 });
    expect(await database.meta.get('lastSyncedAt')).toBeUndefined();
  });

  it('is offline when the server cannot be reached', async () => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    server.intercept(() => {
      throw new NetworkError('could not reach https://daybook.test: Failed to fetch');
    });
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'offline', message: expect.stringContaining('could not reach') as unknown });
    expect(await database.outbox.count()).toBe(1);
  });

  it.each([
    ['a busy server (503) on push', 'push', { ...error(503, 'SERVER_BUSY', 'The server is busy'), retryAfterMs: 2_000 }],
    ['a restarting server (503) on pull', 'pull', { ...error(503, 'SHUTTING_DOWN', 'restarting'), retryAfterMs: 2_000 }],
    ['too many requests (429) on push', 'push', { ...error(429, 'TOO_MANY_REQUESTS', 'already sending'), retryAfterMs: 2_000 }],
  ] as const)('waits like offline on %s, with the server’s Retry-After, and keeps the outbox', async (_case, refused, answer) => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    server.intercept((request) => (request.path.includes(refused) ? answer : undefined));
    const result = await engine.syncOnce();
    expect(result).toMatchObject({ outcome: 'offline', retryAfterMs: 2_000, message: `${answer.status} ${(answer.body as { error: { code: string; message: string } }).error.code}: ${(answer.body as { error: { code: string; message: string } }).error.message}` });
    // A pull refused after a push went through: only what was acknowledged left the outbox.
    expect(await database.outbox.count()).toBe(refused === 'push' ? 1 : 0);
    expect(await database.meta.get('syncOutcome')).toMatchObject({ outcome: 'offline', at: T0 });
  });

  it('waits like offline on a 503 without Retry-After, leaving the wait to its own backoff', async () => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    server.intercept(() => error(503, 'SERVER_BUSY', 'The server is busy'));
    const result = await engine.syncOnce();
    expect(result.outcome).toBe('offline');
    expect(result).not.toHaveProperty('retryAfterMs');
    expect(await database.outbox.count()).toBe(1);
  });

  it('does not mark a new enrolment as refused because of the old token’s 401', async () => {
    const { server, engine } = await enrolled();
    // A lead re-enrols the tablet while its sync with the revoked token is still running.
    server.intercept(async () => {
      await storeEnrolment(database, { ...enrolment, token: 'token-new' });
      return error(401, 'TOKEN_INVALID', 'revoked');
    });
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'needs-enrolment' });
    expect(await database.meta.get('syncOutcome')).toBeUndefined();
  });
});

describe('syncOnce: pull', () => {
  it('drops a page from the old server when the device was enrolled again meanwhile', async () => {
    const { server, engine } = await enrolled();
    server.remoteWrite('volunteers', 'r1', T0 - 1_000, { displayName: 'R1', active: true });
    const elsewhere = { ...enrolment, token: 'token-elsewhere', serverUrl: 'https://other.test', centre: { ...enrolment.centre, id: 'centre-2' } };
    server.intercept((request) => {
      if (!request.path.startsWith('/api/v1/sync/pull')) return undefined;
      server.intercept(() => undefined);
      // The answer is on its way while a lead enrols the tablet into another centre.
      return storeEnrolment(database, elsewhere).then(() => server.transport(request));
    });
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'error', pulled: 0 });
    expect(await database.volunteers.count()).toBe(0);
    expect(await loadPullCursor(database)).toBe(0);
  });

  it('pulls page after page while hasMore, and stores the cursor with each page', async () => {
    const { server } = await enrolled();
    for (let i = 0; i < 5; i++) server.remoteWrite('volunteers', `r${i}`, T0 - 1_000 + i, { displayName: `R${i}`, active: true, deleted: false });
    const engine = createSyncEngine({ database, transport: server.transport, now: () => T0, pullLimit: 2 });
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pulled: 5 });
    expect(server.pulls().map((request) => request.path)).toEqual([
      '/api/v1/sync/pull?cursor=0&limit=2',
      '/api/v1/sync/pull?cursor=2&limit=2',
      '/api/v1/sync/pull?cursor=4&limit=2',
    ]);
    expect(await database.volunteers.count()).toBe(5);
    expect(await database.volunteers.get('r3')).toMatchObject({ displayName: 'R3', active: true, deleted: false });
    expect(await loadPullCursor(database)).toBe(5);

    // Nothing new: one pull from where it stopped, no change.
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pulled: 0 });
    expect(server.pulls().at(-1)?.path).toBe('/api/v1/sync/pull?cursor=5&limit=2');
  });

  it('stops with an error instead of looping when the server says "more" without moving its cursor', async () => {
    const { server, engine } = await enrolled();
    server.intercept((request) =>
      request.path.startsWith('/api/v1/sync/pull') ? { status: 200, body: { changes: [], nextCursor: 0, hasMore: true, serverTime: T0 } } : undefined,
    );
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'error' });
    expect(server.pulls()).toHaveLength(1);
  });

  it('pushes again within the same sync when a volunteer writes while it pulls', async () => {
    const { server, engine } = await enrolled();
    await write('v1', { displayName: 'Amira', active: true }, T0, true);
    let tapped = false;
    server.intercept((request) => {
      if (!tapped && request.path.startsWith('/api/v1/sync/pull')) {
        tapped = true;
        void write('v2', { displayName: 'Sam', active: true }, T0 + 10, true);
      }
      return undefined;
    });
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 2 });
    expect(server.pushes()).toHaveLength(2);
    expect(await database.outbox.count()).toBe(0);
    expect(await database.volunteers.get('v2')).toMatchObject({ displayName: 'Sam' });
  });

  it('brings two tablets to the same state through the server', async () => {
    const server = fakeServer();
    const other = new DaybookDatabase(`engine-test-${count}-b`);
    await other.open();
    try {
      await Promise.all([storeEnrolment(database, enrolment), storeEnrolment(other, { ...enrolment, token: TOKEN_B, deviceId: 'device-b' })]);
      const engineA = createSyncEngine({ database, transport: server.transport, now: () => T0 });
      const engineB = createSyncEngine({ database: other, transport: server.transport, now: () => T0 });
      await write('v1', { displayName: 'Amira', active: true }, T0, true);
      await engineA.syncOnce();
      await engineB.syncOnce();
      // B renames, then A (later) deactivates: both fields survive, per field.
      await writeRecord(other, 'volunteers', 'v1', { displayName: 'Amira B.' }, { now: T0 + 10 });
      await write('v1', { active: false }, T0 + 20);
      await engineB.syncOnce();
      await engineA.syncOnce();
      await engineB.syncOnce();
      const strip = ({ _hlc, _hlcs, ...fields }: Record<string, unknown>) => ({ fields, clocks: { _hlc, _hlcs } });
      const [a, b] = await Promise.all([database.volunteers.get('v1'), other.volunteers.get('v1')]);
      expect(a).toMatchObject({ displayName: 'Amira B.', active: false, deleted: false });
      expect(strip(b!)).toEqual(strip(a!));
    } finally {
      await other.delete();
    }
  });
});

describe('syncOnce: a server newer than the app', () => {
  const remoteHlc = (ms: number) => formatHlc({ ms, counter: 0, node: OTHER_NODE });

  it('keeps syncing past a change for a table the app does not know, and holds that change', async () => {
    const { server, engine } = await enrolled();
    const known = { cursor: 1, table: 'volunteers', id: 'r1', fields: { displayName: 'R1', active: true }, hlcs: { displayName: remoteHlc(T0 - 2_000), active: remoteHlc(T0 - 2_000) } };
    const unknown = { cursor: 2, table: 'futureTable', id: 'f1', fields: { colour: 'blue' }, hlcs: { colour: remoteHlc(T0 - 1_000) } };
    // A newer server's first page; after it, the fake server's own (empty) pages.
    server.intercept((request) =>
      request.path.startsWith('/api/v1/sync/pull?cursor=0&') ? { status: 200, body: { changes: [known, unknown], nextCursor: 2, hasMore: false, serverTime: T0 } } : undefined,
    );
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pulled: 2 });
    expect(await loadPullCursor(database)).toBe(2);
    expect(await database.volunteers.get('r1')).toMatchObject({ displayName: 'R1' });
    expect((await database.heldChanges.toArray()).map((row) => row.key)).toEqual(['futureTable/f1']);
    expect(await database.meta.get('updateWaiting')).toMatchObject({ tables: ['futureTable'] });

    // The next sync pulls on from there, and the held change stays held.
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pulled: 0 });
    expect(server.pulls().at(-1)?.path).toMatch(/cursor=2&/);
    expect(await database.heldChanges.count()).toBe(1);
  });

  it('applies what it held once updated, before pulling, even offline', async () => {
    const { server, engine } = await enrolled();
    // Pulled by this tablet's older app, which did not know volunteers.
    const held = { cursor: 1, table: 'volunteers', id: 'r1', fields: { displayName: 'R1', active: true }, hlcs: { displayName: remoteHlc(T0 - 1_000), active: remoteHlc(T0 - 1_000) } };
    await applyPullPage(database, { changes: [held], nextCursor: 1, hasMore: false, serverTime: T0 }, T0, TOKEN, { ...THIS_VERSION, tables: SYNCED_TABLES.filter((table) => table !== 'volunteers') });
    expect(await database.volunteers.count()).toBe(0);
    server.intercept(() => Promise.reject(new NetworkError('no network')));

    expect(await engine.syncOnce()).toMatchObject({ outcome: 'offline' });
    expect(await database.volunteers.get('r1')).toMatchObject({ displayName: 'R1', active: true });
    expect(await database.heldChanges.count()).toBe(0);
    expect(await database.meta.get('updateWaiting')).toBeUndefined();
  });
});

describe('syncOnce: a tablet whose date was set right after it learned a large offset', () => {
  const DAYS = 86_400_000;
  const nodeOf = (hlc: string) => parseHlc(hlc).node;
  const clockNode = async () => {
    const clock = await database.meta.get('clock');
    return clock?.key === 'clock' ? nodeOf(clock.hlc) : '';
  };

  it('writes the refused ops again from a reset clock under a new node: none is lost or listed as refused', async () => {
    await storeEnrolment(database, enrolment);
    let serverNow = T0;
    const server = fakeServer(() => serverNow);
    // Three days behind (a flat battery, a saved date): its first sync learns serverOffset = +3 d.
    let wall = T0 - 3 * DAYS;
    const engine = createSyncEngine({ database, transport: server.transport, now: () => wall });
    await write('v1', { displayName: 'Amira', active: true }, wall, true);
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 1, rejected: 0 });
    expect(await database.meta.get('serverOffset')).toEqual({ key: 'serverOffset', ms: 3 * DAYS });
    const oldNode = await clockNode();

    // Someone sets its date right: its next writes are stamped three days ahead.
    wall = T0 + 60_000;
    serverNow = T0 + 60_000;
    await write('v1', { active: false }, wall);
    await write('v2', { displayName: 'Sam', active: true }, wall + 1, true);
    const poisoned = (await database.outbox.toArray()).map((op) => op.hlc);
    expect(poisoned.every((hlc) => parseHlc(hlc).ms > serverNow + MAX_AHEAD_MS)).toBe(true);

    const result = await engine.syncOnce();
    expect(result).toMatchObject({ outcome: 'synced', rejected: 0 });
    expect(await database.rejections.count()).toBe(0);
    expect(await database.outbox.count()).toBe(0);
    // Both writes reached the server, stamped again under a new node, near the server's time.
    expect(server.records.get('volunteers/v1')?.replica.fields).toEqual({ displayName: 'Amira', active: false, deleted: false });
    expect(server.records.get('volunteers/v2')?.replica.fields).toEqual({ displayName: 'Sam', active: true, deleted: false });
    const newNode = await clockNode();
    expect(newNode).not.toBe(oldNode);
    expect(await database.meta.get('device')).toMatchObject({ node: newNode });
    const v1Clock = server.records.get('volunteers/v1')!.replica.hlcs.active!;
    const v2Clock = server.records.get('volunteers/v2')!.replica.hlcs.displayName!;
    for (const hlc of [v1Clock, v2Clock]) {
      expect(nodeOf(hlc)).toBe(newNode);
      expect(parseHlc(hlc).ms).toBeLessThanOrEqual(serverNow + MAX_AHEAD_MS);
    }
    expect(v2Clock > v1Clock).toBe(true);
    // The tablet shows the values stamped again, with the server's clocks: the merge did not keep
    // the poisoned clocks.
    const v1 = await database.volunteers.get('v1');
    expect(v1).toMatchObject({ displayName: 'Amira', active: false });
    expect(v1?._hlcs?.active ?? v1?._hlc).toBe(v1Clock);
    expect((await database.volunteers.get('v2'))?._hlc).toBe(v2Clock);
    // The first push refused them; the push of the same sync took them again.
    const pushed = server.pushes().slice(1).map((request) => (request.body as { ops: { hlc: string }[] }).ops.map((op) => op.hlc));
    expect(pushed[0]).toEqual(poisoned);
    expect(pushed[1]!.every((hlc) => nodeOf(hlc) === newNode)).toBe(true);

    // Later writes are taken: the clock is no longer ahead.
    await write('v2', { active: false }, wall + 2);
    expect(await engine.syncOnce()).toMatchObject({ outcome: 'synced', pushed: 1, rejected: 0 });
    expect(server.records.get('volunteers/v2')?.replica.fields).toMatchObject({ active: false });
    expect(nodeOf(server.records.get('volunteers/v2')!.replica.hlcs.active!)).toBe(newNode);
    expect(await database.rejections.count()).toBe(0);
  });
});
