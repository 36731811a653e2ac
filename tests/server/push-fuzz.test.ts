import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../../src/shared/schema/settings';
import { errorBody, MAX_OPS_PER_PUSH, MAX_SEQ, pushResponse } from '../../src/shared/schema/wire';
import { BODY_LIMIT_BYTES } from '../../src/server/error-replies';
import type { Store } from '../../src/server/store';
import { isStorableText } from '../../src/server/sync/storable';
import { checkIn, databases, enrolDevice, hlc, HOUR, newCentre, NOW, startServer, storedRecords, type EnrolledDevice, type TestServer } from './support';

/**
 * Generated bodies against the push endpoint: "bad input never yields a 5xx and never changes
 * stored data" (sync-protocol.md). Malformed bodies are a 400 naming the field; a body too large,
 * before or after gzip, is a 413; well-formed bodies full of bad ops are a 200 that rejects them
 * one by one, and the good ops beside them land as they were sent. Every answer to every body is
 * checked for a 5xx and for the contract's error shape, and the bodies are counted: at least
 * 2,000 per database.
 */

const MIN_BODIES = 2000;
const STAMP = hlc(NOW - HOUR);

const key = fc.string({ maxLength: 6 });
const anything = () => fc.anything({ key, maxDepth: 3 });
// Text the schemas accept and PostgreSQL cannot store (NUL, half a surrogate pair).
const unstorable = fc.constantFrom('\u0000', 'x\u0000y', '\ud800', 'a\udc00', '\udbffA');
const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
/** Numbers at the edges of what JSON, JavaScript and the schemas take, as JSON text. */
const numberEdge = fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '0.5', '9007199254740992', '9007199254740993', '1e21', '-1', '0', '4503599627370497');

const seqLike = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.double({ noInteger: true }),
  fc.integer({ max: 0 }),
  fc.constant(null),
  fc.boolean(),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  // Past 2^52: acknowledged, such a seq would leave every later op of the device skipped.
  fc.integer({ min: MAX_SEQ + 1, max: Number.MAX_SAFE_INTEGER }),
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
    const bad: Record<string, unknown> = drop ? { table: 'attendance' } : { ...checkIn(1, 'x', STAMP), seq };
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
      id: fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 8 }), unstorable, fc.integer(), fc.constantFrom(...SETTING_KEYS)),
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
    id: fc.oneof(fc.constantFrom(...SETTING_KEYS), unstorable),
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

/** `levels` arrays one inside the other, as JSON text. */
const nestedText = (levels: number, inside = '') => `${'['.repeat(levels)}${inside}${']'.repeat(levels)}`;
/** An op's JSON text around its fields, its seq given when the batch is put together. */
const opText = (table: string, id: string, fields: string, extra = '') => (seq: number) =>
  `{"seq":${seq},"table":${JSON.stringify(table)},"id":${JSON.stringify(id)},"hlc":"${STAMP}"${extra},"fields":${fields}}`;

interface BadOp {
  text: (seq: number) => string;
  /** What its rejection's message must say: every one is INVALID_OP, from a lead or a volunteer. */
  message: RegExp;
}

const settingsWith = (id: string, value: string) => opText('settings', id, `{"value":${value}}`);
const spaces = fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\u2028', '\r\n');

/** One op wrong in one way, whatever its table: each must be refused on its own. */
const badOp: fc.Arbitrary<BadOp> = fc.oneof(
  fc.integer({ min: 65, max: 5000 }).map((depth) => ({ text: settingsWith('activityTypes', nestedText(depth)), message: /^fields\.value: nested more than 64 levels deep$/ })),
  fc.integer({ min: 64, max: 3000 }).map((depth) => ({ text: opText('sessions', 's-deep', `{"notes":${nestedText(depth, '{}')}}`), message: /^fields\.notes: nested more than 64 levels deep$/ })),
  fc.tuple(prototypeKey, anything()).map(([name, value]) => ({
    text: opText('attendance', 'a-proto', `{"deleted":true,"${name}":${JSON.stringify(value) ?? 'null'}}`),
    message: new RegExp(`^fields\\.${name}: unknown field$`),
  })),
  fc.tuple(prototypeKey, fc.integer({ min: 0, max: 50 })).map(([name, depth]) => ({
    text: settingsWith('activityTypes', nestedText(depth, `{"id":"art","label":"Art","${name}":{"polluted":true}}`)),
    message: new RegExp(`^fields\\.value\\.(0\\.)*${name}: unknown field$`),
  })),
  prototypeKey.map((name) => ({ text: opText('attendance', 'a-envelope', '{"deleted":true}', `,"${name}":{"table":"settings"}`), message: new RegExp(`^${name}: unknown field$`) })),
  fc.integer({ min: 64 * 1024, max: 300 * 1024 }).map((size) => ({
    text: settingsWith('ratioLimits', `{"maxChildrenPerVolunteer":5,"requireVolunteerWhenChildrenPresent":true,"note":"${'n'.repeat(size)}"}`),
    message: /^fields\.value: Too big: a setting's value takes at most 64 KB as JSON$/,
  })),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((id) => !(SETTING_KEYS as string[]).includes(id))
    .map((id) => ({ text: settingsWith(id, '1'), message: /^id: not one of the centre's settings/ })),
  fc
    .constantFrom('null', '0', '"13"', '{"opens":"18:00","closes":"09:00"}', '[]', '"NaN"', '1e400', '-0')
    .chain((value) => fc.constantFrom(...SETTING_KEYS).map((id) => ({ text: settingsWith(id, value), message: /^fields\.value/ }))),
  fc.tuple(spaces, fc.boolean()).map(([space, before]) => ({
    text: opText('volunteers', 'v-spaces', JSON.stringify({ displayName: before ? `${space}Anna` : `Anna${space}`, active: true })),
    message: /^fields\.displayName: must not start or end with a space or line break$/,
  })),
  fc.oneof(fc.tuple(fc.constantFrom('at', 'day', 'kind', 'childId'), numberEdge), fc.constant(['at', '"NaN"'] as const)).map(([field, number]) => ({
    text: opText('attendance', 'a-number', `{"${field}":${number}}`),
    message: new RegExp(`^fields\\.${field}: `),
  })),
  unstorable.map((text) => ({ text: opText('sessions', 's-text', JSON.stringify({ notes: text })), message: /^fields\.notes: must not contain a NUL character or a lone surrogate$/ })),
  unstorable.map((text) => ({
    text: settingsWith('openingHours', JSON.stringify({ opens: '09:00', closes: '18:00', [text]: 1 })),
    message: /^fields\.value: a key must not contain a NUL character or a lone surrogate$/,
  })),
);

/** Text a person could type and a tablet would store: anything but spaces around it or what PostgreSQL refuses. */
const typed = (max: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.ceil(max / 4) }).filter((text) => text.length <= max && text === text.trim() && text !== '' && isStorableText(text));

/** A good op, by its fields; its id is given when the batch is put together, so each is new. */
const goodOp = fc.oneof(
  fc.constant({ table: 'attendance', fields: checkIn(1, 'x').fields }),
  fc.record({ table: fc.constant('sessions'), fields: fc.record({ notes: typed(100), place: typed(20) }, { requiredKeys: ['notes'] }) }),
  fc.record({ table: fc.constant('volunteers'), fields: fc.record({ displayName: typed(40), active: fc.boolean() }) }),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json-patch+json',
  'application/xml',
  'image/png',
  undefined,
] as const;
const JSON_TYPES = new Set<string | undefined>(['application/json', 'application/json; charset=utf-8', 'Application/JSON']);

type Encoding = 'none' | 'gzip' | 'deflate' | 'br' | 'identity' | 'broken-gzip' | 'truncated-gzip' | 'not-gzip' | 'unsupported';

function encode(body: Buffer, encoding: Encoding, flip: number): { payload: Buffer; header?: string } {
  switch (encoding) {
    case 'none':
      return { payload: body };
    case 'identity':
      return { payload: body, header: 'identity' };
    case 'gzip':
      return { payload: gzipSync(body), header: 'gzip' };
    case 'deflate':
      return { payload: deflateSync(body), header: 'deflate' };
    case 'br':
      return { payload: brotliCompressSync(body), header: 'br' };
    case 'broken-gzip': {
      // One byte of the compressed data or its checksum flipped: inflating it fails or its CRC does.
      const gzipped = Buffer.from(gzipSync(body));
      const at = 10 + (flip % (gzipped.length - 10));
      gzipped[at] = gzipped[at]! ^ 0xff;
      return { payload: gzipped, header: 'gzip' };
    }
    case 'truncated-gzip': {
      const gzipped = gzipSync(body);
      return { payload: gzipped.subarray(0, Math.max(1, flip % gzipped.length)), header: 'gzip' };
    }
    case 'not-gzip':
      return { payload: body, header: 'gzip' };
    case 'unsupported':
      return { payload: body, header: 'compress' };
  }
}

describe.each(databases)('generated push bodies on $name', (database) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let server: TestServer;
  let centreId: string;
  let tablet: EnrolledDevice;
  let lead: EnrolledDevice;
  /** Every body sent to the server in this block, counted where it is sent. */
  let bodies = 0;
  /** The next seq of each device: a batch that lands moves it on. */
  const nextSeq = new Map<string, number>();
  let ids = 0;

  beforeAll(async () => {
    ({ store, dispose } = await database.open());
    server = await startServer(store);
    centreId = (await newCentre(store)).id;
    tablet = await enrolDevice(server, centreId);
    lead = await enrolDevice(server, centreId, 'lead');
    // Something stored already, so "unchanged" is not just "still empty".
    await send(tablet, JSON.stringify({ protocol: 1, ops: [checkIn(1, 'kept')] }));
    nextSeq.set(tablet.deviceId, 2).set(lead.deviceId, 1);
  });

  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });

  /**
   * Sends one body, as the text or bytes given, and checks what every answer must be: never a
   * 5xx, and an error in the contract's shape.
   */
  async function send(device: EnrolledDevice, payload: string | Buffer, headers: Record<string, string | undefined> = { 'content-type': 'application/json' }): Promise<LightMyRequestResponse> {
    bodies++;
    const defined = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: { ...device.headers, ...defined }, payload });
    expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
    if (response.statusCode >= 400) errorBody.parse(response.json());
    return response;
  }

  /** What any push would move: the centre's cursor (every stored record takes one), acknowledged seqs, remembered rejections. */
  async function movable() {
    const [row] = await store.query(
      `SELECT (SELECT last_cursor FROM centres WHERE id = $1) AS cursor,
              (SELECT string_agg(acked_seq::text, ',' ORDER BY id) FROM devices WHERE centre_id = $1) AS acked,
              (SELECT count(*) FROM rejected_ops r JOIN devices d ON d.id = r.device_id WHERE d.centre_id = $1) AS rejections`,
      [centreId],
    );
    return row;
  }

  async function snapshot() {
    return { records: await storedRecords(store), movable: await movable() };
  }

  /** Sends a body that must fail whole, and checks that it stored nothing. */
  async function sendRefused(device: EnrolledDevice, body: string | Buffer, headers?: Record<string, string | undefined>): Promise<LightMyRequestResponse> {
    const before = await movable();
    const response = await send(device, body, headers);
    expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(await movable()).toEqual(before);
    return response;
  }

  function takeSeqs(device: EnrolledDevice, count: number): number[] {
    const first = nextSeq.get(device.deviceId)!;
    nextSeq.set(device.deviceId, first + count);
    return Array.from({ length: count }, (_, i) => first + i);
  }

  it('answers a few hundred malformed bodies with a 400 naming the field, and stores nothing', { timeout: 120_000 }, async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(badBody, async ({ body, field }) => {
        const response = await send(tablet, JSON.stringify(body));
        expect(response.statusCode, response.body).toBe(400);
        const { error } = errorBody.parse(response.json());
        expect(error.code).toBe('BAD_REQUEST');
        expect(error.message).toMatch(field);
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('answers any text or bytes sent as JSON with a 2xx or a 4xx, and a 4xx stores nothing', { timeout: 120_000 }, async () => {
    // JSON with numbers JSON.stringify cannot write (1e400, -0 as typed) and prototype keys, put
    // in place of the markers fc.json() leaves in its text.
    const withEdges = fc.tuple(fc.json(), numberEdge, prototypeKey).map(([text, number, name]) => text.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/, number).replace(/"[^"]*":/, `"${name}":`));
    const text = fc.oneof(
      fc.string(),
      fc.json(),
      withEdges,
      fc.string({ unit: 'binary' }),
      fc.constantFrom('NaN', '{"protocol":NaN,"ops":[]}', '{"protocol":1,"ops":[]} x', '{"protocol":1,"ops":[],}', '\ufeff{"protocol":1,"ops":[]}', '', ' ', 'null', '{"protocol":1e400,"ops":[]}'),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(text, async (payload) => {
        const before = await movable();
        const response = await send(tablet, payload);
        if (response.statusCode >= 400) expect(await movable()).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('lands or rejects every op of any content, one by one, never failing the batch', { timeout: 120_000 }, async () => {
    // From a lead too: a volunteer's valid settings ops stop at LEAD_ONLY, a lead's reach the SQL.
    const roles = new Set<EnrolledDevice['role']>();
    await fc.assert(
      fc.asyncProperty(fc.array(anyOpContent, { minLength: 1, maxLength: 8 }), fc.boolean(), async (contents, fromLead) => {
        const device = fromLead ? lead : tablet;
        const seqs = takeSeqs(device, contents.length);
        const ops = contents.map((content, i) => ({ ...(typeof content === 'object' && content !== null ? content : { content }), seq: seqs[i] }));
        const response = await send(device, JSON.stringify({ protocol: 1, ops }));
        expect(response.statusCode, response.body).toBe(200);
        const answer = pushResponse.parse(response.json());
        expect(answer.ackedSeq).toBe(seqs.at(-1));
        for (const rejection of answer.rejected) {
          expect(fromLead ? ['INVALID_OP', 'CLOCK_AHEAD'] : ['INVALID_OP', 'CLOCK_AHEAD', 'LEAD_ONLY']).toContain(rejection.code);
          expect(rejection.message.length).toBeGreaterThan(0);
        }
        roles.add(device.role);
      }),
      { numRuns: 300 },
    );
    // Both roles were tried (fast-check's runs are many; a role never drawn would test nothing).
    expect(roles.size).toBe(2);
    // Whatever landed can be pulled back.
    const pull = await server.app.inject({ method: 'GET', url: '/api/v1/sync/pull?limit=5000', headers: tablet.headers });
    expect(pull.statusCode).toBe(200);
  });

  it('lands every good op beside bad ones of every kind, exactly as sent, and refuses each bad one on its own', { timeout: 300_000 }, async () => {
    const batch = fc.record({
      good: fc.array(goodOp, { maxLength: 3 }),
      bad: fc.array(badOp, { minLength: 1, maxLength: 4 }),
      order: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
      fromLead: fc.boolean(),
    });
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(batch, async ({ good, bad, order, fromLead }) => {
        const device = fromLead ? lead : tablet;
        const goodOps = good.map((each) => ({ ...each, id: `good-${++ids}` }));
        // Good and bad interleaved in a generated order; seqs follow that order.
        const items = [...goodOps.map((op) => ({ op })), ...bad.map((op) => ({ bad: op }))]
          .map((item, i) => ({ item, rank: order[i] ?? i }))
          .sort((a, b) => a.rank - b.rank)
          .map(({ item }) => item);
        const seqs = takeSeqs(device, items.length);
        const texts = items.map((item, i) =>
          'bad' in item ? item.bad.text(seqs[i]!) : JSON.stringify({ seq: seqs[i], table: item.op.table, id: item.op.id, hlc: STAMP, fields: item.op.fields }),
        );
        const response = await send(device, `{"protocol":1,"ops":[${texts.join(',')}]}`);
        expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
        const answer = pushResponse.parse(response.json());
        expect(answer.ackedSeq).toBe(seqs.at(-1));
        const expected = items.flatMap((item, i) => ('bad' in item ? [{ seq: seqs[i], message: item.bad.message }] : []));
        expect(answer.rejected.map((rejection) => rejection.seq)).toEqual(expected.map((each) => each.seq));
        answer.rejected.forEach((rejection, i) => {
          expect(rejection.code).toBe('INVALID_OP');
          expect(rejection.message).toMatch(expected[i]!.message);
          kinds.add(expected[i]!.message.source);
        });
        // The good ones are stored, field for field what was sent.
        if (goodOps.length > 0) {
          const stored = await store.query<{ id: string; fields: unknown }>('SELECT id, fields FROM records WHERE centre_id = $1 AND id = ANY($2::text[]) ORDER BY id', [
            centreId,
            goodOps.map((op) => op.id),
          ]);
          expect(stored).toEqual(goodOps.map((op) => ({ id: op.id, fields: op.fields })).sort((a, b) => (a.id < b.id ? -1 : 1)));
        }
      }),
      { numRuns: 800 },
    );
    // Every kind of bad op was drawn (21 messages in all): one never drawn would test nothing.
    expect(kinds.size).toBe(21);
    // No object anywhere had its prototype changed by a key in a body.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers every content type and encoding in the contract shape, and only JSON lands', { timeout: 120_000 }, async () => {
    const encodings: Encoding[] = ['none', 'gzip', 'deflate', 'br', 'identity', 'broken-gzip', 'truncated-gzip', 'not-gzip', 'unsupported'];
    const statuses = new Map<string, Set<number>>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...encodings), fc.nat(), fc.boolean(), async (contentType, encoding, flip, good) => {
        const device = tablet;
        const [seq] = takeSeqs(device, 1);
        const id = `wire-${++ids}`;
        const body = Buffer.from(good ? JSON.stringify({ protocol: 1, ops: [checkIn(seq!, id, STAMP)] }) : `{"protocol":1,"ops":[${seq}]`);
        const { payload, header } = encode(body, encoding, flip);
        const headers = { 'content-type': contentType, ...(header !== undefined && { 'content-encoding': header }) };
        const lands = good && JSON_TYPES.has(contentType) && ['none', 'gzip', 'deflate', 'br', 'identity'].includes(encoding);
        const response = lands ? await send(device, payload, headers) : await sendRefused(device, payload, headers);
        if (lands) {
          expect(response.statusCode, response.body).toBe(200);
          expect(pushResponse.parse(response.json())).toMatchObject({ ackedSeq: seq, rejected: [] });
        }
        // A body that is not valid gzip is a 400, as the contract says (when it is JSON at all).
        if (JSON_TYPES.has(contentType) && ['broken-gzip', 'truncated-gzip', 'not-gzip'].includes(encoding)) expect(response.statusCode).toBe(400);
        const seen = statuses.get(encoding) ?? new Set<number>();
        statuses.set(encoding, seen.add(response.statusCode));
        if (!lands) nextSeq.set(device.deviceId, seq!);
      }),
      { numRuns: 300 },
    );
    expect([...statuses.keys()].sort()).toEqual([...encodings].sort());
  });

  it('takes a body of up to 4 MB, as sent or gzipped, and answers 413 past it, storing nothing', { timeout: 300_000 }, async () => {
    /** A push of one good op, padded with a key the server ignores to exactly `size` bytes. */
    const sized = (size: number, seq: number, id: string) => {
      const head = `{"protocol":1,"ops":[${JSON.stringify(checkIn(seq, id, STAMP))}],"pad":"`;
      return Buffer.from(`${head}${'p'.repeat(size - head.length - 2)}"}`);
    };
    const cases = fc.record({
      delta: fc.oneof(fc.integer({ min: -64, max: 64 }), fc.constantFrom(0, 1, -1)),
      gzip: fc.boolean(),
      // Past the limit by far, from a small compressed body.
      bomb: fc.constantFrom(0, 0, 0, 10, 60),
    });
    let landed = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(cases, async ({ delta, gzip, bomb }) => {
        const [seq] = takeSeqs(tablet, 1);
        const id = `sized-${++ids}`;
        const size = bomb > 0 ? bomb * 1024 * 1024 : BODY_LIMIT_BYTES + delta;
        const body = sized(size, seq!, id);
        expect(body.length).toBe(size);
        const payload = gzip || bomb > 0 ? gzipSync(body) : body;
        const headers = { 'content-type': 'application/json', ...((gzip || bomb > 0) && { 'content-encoding': 'gzip' }) };
        if (size <= BODY_LIMIT_BYTES) {
          const response = await send(tablet, payload, headers);
          expect(response.statusCode, response.body).toBe(200);
          expect(pushResponse.parse(response.json())).toMatchObject({ ackedSeq: seq, rejected: [] });
          landed++;
        } else {
          const response = await sendRefused(tablet, payload, headers);
          expect(response.statusCode).toBe(413);
          expect(errorBody.parse(response.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
          nextSeq.set(tablet.deviceId, seq!);
          refused++;
        }
      }),
      { numRuns: 30 },
    );
    expect([landed, refused].every((n) => n > 0)).toBe(true);
    // A batch near the limit made of ops that are each refused: the body is fine, every op is a rejection.
    const seqs = takeSeqs(lead, 60);
    const heavy = `{"protocol":1,"ops":[${seqs.map((seq) => settingsWith('timeZone', `"${'z'.repeat(66 * 1024)}"`)(seq)).join(',')}]}`;
    expect(heavy.length).toBeLessThan(BODY_LIMIT_BYTES);
    const answer = pushResponse.parse((await send(lead, heavy)).json());
    expect(answer.rejected.map((rejection) => rejection.code)).toEqual(seqs.map(() => 'INVALID_OP'));
  });

  it(`sent at least ${MIN_BODIES} bodies`, () => {
    expect(bodies).toBeGreaterThanOrEqual(MIN_BODIES);
    console.info(`push fuzz on ${database.name}: ${bodies} bodies`);
  });
});
