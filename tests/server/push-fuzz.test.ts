import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody, MAX_OPS_PER_PUSH, pushResponse } from '../../src/shared/schema/wire';
import type { Store } from '../../src/server/store';
import { checkIn, databases, enrolDevice, hlc, newCentre, NOW, startServer, storedRecords, type EnrolledDevice, type TestServer } from './support';

/**
 * Generated bodies against the push endpoint: "bad input never yields a 5xx and never changes
 * stored data" (sync-protocol.md). Malformed bodies are a 400 naming the field; well-formed
 * bodies full of bad ops are a 200 that rejects them one by one.
 */

// A "__proto__" key makes the JSON parser refuse the whole body (tested on its own below).
const key = fc.string({ maxLength: 6 }).filter((text) => text !== '__proto__');
const anything = () => fc.anything({ key, maxDepth: 3 });
// Text the schemas accept and PostgreSQL cannot store (NUL, half a surrogate pair).
const unstorable = fc.constantFrom('\u0000', 'x\u0000y', '\ud800', 'a\udc00', '\udbffA');

const seqLike = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.double({ noInteger: true }),
  fc.integer({ max: 0 }),
  fc.constant(null),
  fc.boolean(),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
);
const notAList = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.dictionary(key, fc.integer(), { maxKeys: 3 }));
const goodOps = fc.integer({ min: 0, max: 4 }).map((n) => Array.from({ length: n }, (_, i) => checkIn(i + 1, `fuzz-${i}`)));

/** A push body wrong in its envelope, and the field its 400 must name. */
const badBody: fc.Arbitrary<{ body: unknown; field: RegExp }> = fc.oneof(
  fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.array(anything(), { maxLength: 3 })).map((body) => ({ body, field: /^body: / })),
  fc.record({ protocol: fc.constant(1), extra: anything() }, { requiredKeys: ['protocol'] }).map((body) => ({ body, field: /^ops: / })),
  fc.record({ protocol: fc.constant(1), ops: notAList }).map((body) => ({ body, field: /^ops: / })),
  fc.record({ ops: goodOps }).map((body) => ({ body, field: /^protocol: / })),
  fc
    .record({ protocol: fc.oneof(fc.string(), fc.double({ noInteger: true, noNaN: true }), fc.constant(null), fc.boolean()), ops: goodOps })
    .map((body) => ({ body, field: /^protocol: / })),
  fc.tuple(goodOps, seqLike, fc.boolean()).map(([ops, seq, drop]) => {
    const bad: Record<string, unknown> = drop ? { table: 'attendance' } : { ...checkIn(1, 'x'), seq };
    return { body: { protocol: 1, ops: [...ops, bad] }, field: new RegExp(`^ops\\.${ops.length}\\.seq: `) };
  }),
  fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 3, max: 1000 })).map(([n, start]) => {
    // Increasing but for one step that goes back or repeats, never below 1.
    const seqs = Array.from({ length: n }, (_, i) => start + i);
    const at = 1 + (start % (n - 1));
    seqs[at] = seqs[at - 1]! - (start % 3);
    return { body: { protocol: 1, ops: seqs.map((seq, i) => checkIn(seq, `fuzz-${i}`)) }, field: /^ops: ops must be in increasing seq order$/ };
  }),
  fc.integer({ min: MAX_OPS_PER_PUSH + 1, max: MAX_OPS_PER_PUSH + 3 }).map((n) => ({
    body: { protocol: 1, ops: Array.from({ length: n }, (_, i) => ({ seq: i + 1 })) },
    field: /^ops: must hold at most 1000 ops$/,
  })),
);

/** Any JSON an op could be, with an acceptable seq: each must land or be rejected, never fail the batch. */
const anyOpContent = fc.oneof(
  anything(),
  fc.record(
    {
      table: fc.oneof(fc.constantFrom('children', 'attendance', 'sessions', 'participations', 'volunteers', 'shifts', 'dayCloses', 'settings'), fc.string()),
      id: fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 8 }), unstorable, fc.integer()),
      hlc: fc.oneof(fc.integer({ min: NOW - 1e9, max: NOW + 4e8 }).map((ms) => hlc(ms)), fc.string()),
      fields: fc.oneof(
        anything(),
        fc.dictionary(
          fc.constantFrom('code', 'ageBand', 'deleted', 'at', 'day', 'kind', 'notes', 'value', 'displayName', 'active', 'childId', 'constructor', 'x'),
          fc.oneof(anything(), fc.string({ unit: 'binary' }), unstorable, fc.dictionary(unstorable, fc.integer(), { maxKeys: 1 }), fc.constant(1e308), fc.integer()),
          { maxKeys: 4 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  // Valid but for what PostgreSQL cannot store: these pass the shared schemas and reach the SQL.
  fc.record({
    table: fc.constant('settings'),
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), unstorable),
    hlc: fc.constant(hlc(NOW)),
    fields: fc.record({ value: fc.oneof(anything(), unstorable, fc.array(unstorable), fc.dictionary(unstorable, fc.integer(), { minKeys: 1, maxKeys: 1 })) }),
  }),
  fc.record({
    table: fc.constant('sessions'),
    id: fc.string({ minLength: 1, maxLength: 10 }),
    hlc: fc.constant(hlc(NOW)),
    fields: fc.record({ notes: fc.oneof(unstorable, fc.string({ unit: 'binary', maxLength: 20 })), place: fc.string({ unit: 'binary', maxLength: 20 }) }),
  }),
);

describe.each(databases)('generated push bodies on $name', (database) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let server: TestServer;
  let centreId: string;
  let tablet: EnrolledDevice;
  let lead: EnrolledDevice;

  beforeAll(async () => {
    ({ store, dispose } = await database.open());
    server = await startServer(store);
    centreId = (await newCentre(store)).id;
    tablet = await enrolDevice(server, centreId);
    lead = await enrolDevice(server, centreId, 'lead');
    // Something stored already, so "unchanged" is not just "still empty".
    await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: tablet.headers, payload: { protocol: 1, ops: [checkIn(1, 'kept')] } });
  });

  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });

  async function snapshot() {
    const [device] = await store.query('SELECT acked_seq FROM devices WHERE id = $1', [tablet.deviceId]);
    const [centre] = await store.query('SELECT last_cursor FROM centres WHERE id = $1', [centreId]);
    return { records: await storedRecords(store), device, centre };
  }

  it('answers a few hundred malformed bodies with a 400 naming the field, and stores nothing', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(badBody, async ({ body, field }) => {
        const response = await server.app.inject({
          method: 'POST',
          url: '/api/v1/sync/push',
          headers: { ...tablet.headers, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(response.statusCode, response.body).toBe(400);
        const { error } = errorBody.parse(response.json());
        expect(error.code).toBe('BAD_REQUEST');
        expect(error.message).toMatch(field);
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('answers any text sent as JSON with a 2xx or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), async (payload) => {
        const response = await server.app.inject({
          method: 'POST',
          url: '/api/v1/sync/push',
          headers: { ...tablet.headers, 'content-type': 'application/json' },
          payload,
        });
        expect(response.statusCode, response.body).toBeLessThan(500);
        if (response.statusCode >= 400) errorBody.parse(response.json());
      }),
      { numRuns: 200 },
    );
  });

  it('lands or rejects every op of any content, one by one, never failing the batch', async () => {
    let seq = 1000;
    // From a lead too: a volunteer's valid settings ops stop at LEAD_ONLY, a lead's reach the SQL.
    const roles = new Set<EnrolledDevice['role']>();
    await fc.assert(
      fc.asyncProperty(fc.array(anyOpContent, { minLength: 1, maxLength: 8 }), fc.boolean(), async (contents, fromLead) => {
        const device = fromLead ? lead : tablet;
        const ops = contents.map((content) => ({ ...(typeof content === 'object' && content !== null ? content : { content }), seq: ++seq }));
        const response = await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: device.headers, payload: { protocol: 1, ops } });
        expect(response.statusCode, response.body).toBe(200);
        const answer = pushResponse.parse(response.json());
        expect(answer.ackedSeq).toBe(seq);
        for (const rejection of answer.rejected) {
          expect(fromLead ? ['INVALID_OP', 'CLOCK_AHEAD'] : ['INVALID_OP', 'CLOCK_AHEAD', 'LEAD_ONLY']).toContain(rejection.code);
          expect(rejection.message.length).toBeGreaterThan(0);
        }
        roles.add(device.role);
      }),
      { numRuns: 150 },
    );
    // Both roles were tried (fast-check's runs are many; a role never drawn would test nothing).
    expect(roles.size).toBe(2);
    // A key that would replace an object's prototype: the JSON parser refuses the whole body.
    const poisoned = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { ...tablet.headers, 'content-type': 'application/json' },
      payload: `{"protocol":1,"ops":[{"seq":${++seq},"table":"settings","id":"s","hlc":"${hlc(NOW)}","fields":{"value":{"__proto__":{"x":1}}}}]}`,
    });
    expect(poisoned.statusCode).toBe(400);
    errorBody.parse(poisoned.json());
    // Whatever landed can be pulled back.
    const pull = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull?limit=5000', headers: tablet.headers });
    expect(pull.statusCode).toBe(200);
  });
});
