import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIZE_LIMITS } from '../../src/shared/schema/limits';
import { MAX_SEQ, pullResponse } from '../../src/shared/schema/wire';
import type { Store } from '../../src/server/store';
import { takeCursors, upsertRecords } from '../../src/server/store/records';
import { pullPage } from '../../src/server/sync/pull';
import {
  checkIn,
  databases,
  enrolDevice,
  errorCode,
  errorMessage,
  hlc,
  HOUR,
  newCentre,
  NOW,
  op,
  pullAll,
  push,
  serveDuringTests,
  storedRecords,
  type EnrolledDevice,
  type TestServer,
} from './support';

/**
 * Issue 10's data-level findings, each as it was reproduced and as the contract answers it now:
 * bounded values and pages (1), deep nesting (2), prototype keys (5), fields stored as sent (6),
 * report ranges (7) and seqs past 2^52 (11). On every database this machine has.
 */

const MB = 1024 * 1024;

/** `[[...[]...]]`, `levels` arrays one inside the other, built without recursion. */
function nested(levels: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe.each(databases)('data limits on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  async function freshCentre(): Promise<{ centreId: string; lead: EnrolledDevice; tablet: EnrolledDevice }> {
    const { id } = await newCentre(store);
    return { centreId: id, lead: await enrolDevice(server, id, 'lead'), tablet: await enrolDevice(server, id) };
  }

  function pushText(device: EnrolledDevice, body: string) {
    return server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: { ...device.headers, 'content-type': 'application/json' }, payload: body });
  }

  /**
   * Records written straight into the store, past every check of a push: what a centre holds
   * from before values were bounded. Each gets the next cursor, as a push would give it.
   */
  async function storeDirectly(centreId: string, records: { table: 'settings' | 'attendance'; id: string; fields: Record<string, unknown> }[]): Promise<void> {
    await store.transaction(async (tx) => {
      const last = await takeCursors(tx, centreId, records.length);
      await upsertRecords(
        tx,
        centreId,
        records.map((record, i) => ({
          table: record.table,
          id: record.id,
          cursor: last - records.length + 1 + i,
          replica: { fields: record.fields, hlcs: Object.fromEntries(Object.keys(record.fields).map((key) => [key, hlc(NOW - HOUR)])) },
        })),
      );
    });
  }

  describe('finding 1: settings values are bounded, and so are pull pages', () => {
    it('refuses a 3.5 MB setting, its own op only, from a lead or a volunteer; the op beside it lands', async () => {
      const { centreId, lead, tablet } = await freshCentre();
      const huge = 'x'.repeat(3.5 * MB);
      for (const [device, seq] of [
        [lead, 1],
        [tablet, 1],
      ] as const) {
        const answer = await push(server, device, [op(seq, 'settings', 'timeZone', { value: huge }), checkIn(seq + 1, `visit-${device.role}`)]);
        expect(answer.ackedSeq).toBe(seq + 1);
        expect(answer.rejected.map(({ seq: refused, code, message }) => [refused, code, message])).toEqual([
          [seq, 'INVALID_OP', "fields.value: Too big: a setting's value takes at most 64 KB as JSON"],
        ]);
      }
      expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['attendance:visit-lead', 'attendance:visit-volunteer']);
    });

    it("checks each key's value by that key's schema, and refuses keys the centre does not have", async () => {
      const { centreId, lead } = await freshCentre();
      const answer = await push(server, lead, [
        op(1, 'settings', 'big-1', { value: 'x' }),
        op(2, 'settings', 'openingHours', { value: { opens: '18:00', closes: '09:00' } }),
        op(3, 'settings', 'retentionMonths', { value: '13' }),
        // Within 64 KB and of the key's shape: the extra key is another app's, stored as sent.
        op(4, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: false, note: 'n'.repeat(60_000) } }),
        op(5, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: false, note: 'n'.repeat(66_000) } }),
        op(6, 'settings', 'openingHours', { value: { opens: '08:30', closes: '17:00' } }),
      ]);
      expect(answer.rejected.map(({ seq, code, message }) => [seq, code, message])).toEqual([
        [1, 'INVALID_OP', "id: not one of the centre's settings (activityTypes, ratioLimits, openingHours, retentionMonths, timeZone, codeScheme)"],
        [2, 'INVALID_OP', 'fields.value.closes: must open before it closes'],
        [3, 'INVALID_OP', 'fields.value: Invalid input: expected number, received string'],
        [5, 'INVALID_OP', "fields.value: Too big: a setting's value takes at most 64 KB as JSON"],
      ]);
      const stored = await storedRecords(store, centreId);
      expect([...stored.keys()]).toEqual(['settings:openingHours', 'settings:ratioLimits']);
      expect(stored.get('settings:openingHours')!.fields).toEqual({ value: { opens: '08:30', closes: '17:00' } });
    });

    it('still serves a centre that holds records bigger than a page from before: 200s, every record once, in order', async () => {
      const { centreId, lead, tablet } = await freshCentre();
      await push(server, lead, [checkIn(1, 'visit-before')]);
      // Two records of 5 MB (each bigger than any page), 70 of 100 KB (7 MB: two pages at least)
      // and ordinary ones between them, as a centre attacked before the fix would hold.
      await storeDirectly(centreId, [
        { table: 'settings', id: 'big-0', fields: { value: 'x'.repeat(5 * MB), deleted: true } },
        ...Array.from({ length: 70 }, (_, i) => ({ table: 'settings' as const, id: `mid-${i}`, fields: { value: 'm'.repeat(100 * 1024) } })),
        { table: 'settings', id: 'big-1', fields: { value: 'y'.repeat(5 * MB) } },
      ]);
      await push(server, lead, [checkIn(2, 'visit-after')]);
      const everyRecord = [...(await storedRecords(store, centreId)).entries()].sort(([, a], [, b]) => a.cursor - b.cursor).map(([key]) => key);
      expect(everyRecord).toHaveLength(74);

      const pulled: string[] = [];
      const pages: { count: number; bytes: number; hasMore: boolean }[] = [];
      let cursor = 0;
      for (let guard = 0; guard < 100; guard++) {
        // No accept-encoding: the body as it is, to measure it.
        const response = await server.app.inject({ method: 'GET', url: `/api/v1/sync/pull?cursor=${cursor}&limit=1000`, headers: tablet.headers });
        expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
        const page = pullResponse.parse(response.json());
        pulled.push(...page.changes.map((change) => `${change.table}:${change.id}`));
        pages.push({ count: page.changes.length, bytes: response.rawPayload.length, hasMore: page.hasMore });
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      expect(pulled).toEqual(everyRecord);
      // Within the bound, but for a record that alone is bigger than it; and every page but the
      // last says another follows.
      for (const page of pages) expect(page.count === 1 || page.bytes <= SIZE_LIMITS.pullPageBytes, JSON.stringify(page)).toBe(true);
      expect(pages.filter((page) => page.count === 1 && page.bytes > SIZE_LIMITS.pullPageBytes)).toHaveLength(2);
      expect(pages.map((page) => page.hasMore)).toEqual([...pages.slice(1).map(() => true), false]);
      expect(pages.length).toBeGreaterThanOrEqual(5);
    });

    it.each([
      // Sizes from a few bytes to past the whole budget, so pages end on every kind of record.
      ['records of every size', [10, 900, 3000, 50, 1800, 4000, 1, 2500, 700, 700, 700, 5000, 20].map((size, i) => ({ id: `s-${i}`, size }))],
      // Ids whose JSON is twice their text: the store's estimate is short, what is sent is measured.
      ['ids of quotes', Array.from({ length: 40 }, (_, i) => ({ id: `${'"'.repeat(60)}${i}`, size: 1 }))],
    ])('ends a page early at its byte budget, says there is more, and loses nothing at the boundaries: %s', async (_case, records) => {
      const { centreId } = await freshCentre();
      await storeDirectly(
        centreId,
        records.map(({ id, size }) => ({ table: 'settings' as const, id, fields: { value: 'v'.repeat(size) } })),
      );
      const budget = 4096;
      for (const limit of [1, 2, 3, 5, 1000]) {
        const seen: string[] = [];
        let cursor = 0;
        for (let guard = 0; guard < 50; guard++) {
          const page = await pullPage(store, { centreId, cursor, limit }, budget);
          const json = JSON.stringify({ ...page, serverTime: NOW });
          expect(page.changes.length).toBeGreaterThan(0);
          expect(page.changes.length).toBeLessThanOrEqual(limit);
          expect(page.changes.length === 1 || Buffer.byteLength(json) <= budget, `limit ${limit}: ${Buffer.byteLength(json)} bytes`).toBe(true);
          seen.push(...page.changes.map((change) => change.id));
          cursor = page.nextCursor;
          if (!page.hasMore) break;
        }
        expect(seen, `limit ${limit}`).toEqual(records.map(({ id }) => id));
        // Past the end: an empty page that keeps the cursor.
        expect(await pullPage(store, { centreId, cursor, limit }, budget)).toEqual({ changes: [], nextCursor: cursor, hasMore: false });
      }
    });
  });

  describe('finding 2: deep nesting is one op refused, never a 500', () => {
    it('refuses a value nested 2,200 levels deep as INVALID_OP and lands the valid op beside it, on every retry', async () => {
      const { centreId, lead } = await freshCentre();
      const ops = [checkIn(1, 'visit-1'), op(2, 'settings', 'activityTypes', { value: nested(2200) }), checkIn(3, 'visit-3')];
      const first = await push(server, lead, ops);
      expect(first).toMatchObject({ ackedSeq: 3, rejected: [{ seq: 2, code: 'INVALID_OP', message: 'fields.value: nested more than 64 levels deep' }] });
      expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['attendance:visit-1', 'attendance:visit-3']);
      expect(await push(server, lead, ops)).toEqual(first);
    });

    it('refuses deep nesting anywhere in an op, a million levels too, and ignores it outside the ops', async () => {
      const { centreId, lead, tablet } = await freshCentre();
      const million = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
      const stamp = hlc(NOW - HOUR);
      const body = `{"protocol":1,"padding":${million},"ops":[
        {"seq":1,"table":"settings","id":"ratioLimits","hlc":"${stamp}","fields":{"value":${million}}},
        {"seq":2,"table":"sessions","id":"s-1","hlc":"${stamp}","fields":{"notes":${JSON.stringify(nested(65))}}},
        {"seq":3,"table":"attendance","id":"a-1","hlc":"${stamp}","extra":${JSON.stringify(nested(100))},"fields":{"deleted":true}},
        ${JSON.stringify(checkIn(4, 'visit-4'))}]}`;
      for (const device of [lead, tablet]) {
        const response = await pushText(device, body);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json<{ rejected: { seq: number; message: string }[] }>().rejected.map(({ seq, message }) => [seq, message])).toEqual([
          [1, 'fields.value: nested more than 64 levels deep'],
          [2, 'fields.notes: nested more than 64 levels deep'],
          [3, 'extra: nested more than 64 levels deep'],
        ]);
      }
      expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['attendance:visit-4']);
    });
  });

  describe('finding 5: prototype keys are data, refused with their own op', () => {
    it('parses a body holding __proto__, constructor and prototype keys, refuses those ops, and lands the rest', async () => {
      const { centreId, lead } = await freshCentre();
      const stamp = hlc(NOW - HOUR);
      const body = `{"protocol":1,"__proto__":{"ops":[]},"ops":[
        {"seq":1,"table":"settings","id":"ratioLimits","hlc":"${stamp}","fields":{"value":{"__proto__":{"maxChildrenPerVolunteer":3}}}},
        {"seq":2,"table":"attendance","id":"a-2","hlc":"${stamp}","fields":{"deleted":true,"__proto__":{"deleted":false}}},
        {"seq":3,"table":"settings","id":"activityTypes","hlc":"${stamp}","fields":{"value":[{"id":"art","label":"Art","constructor":{"prototype":{"polluted":true}}}]}},
        {"seq":4,"__proto__":{"table":"attendance","id":"a-4"},"table":"attendance","id":"a-4","hlc":"${stamp}","fields":{"deleted":true}},
        {"seq":5,"table":"attendance","id":"a-5","hlc":"${stamp}","fields":{"constructor":1}},
        ${JSON.stringify(checkIn(6, 'visit-6'))}]}`;
      const response = await pushText(lead, body);
      expect(response.statusCode, response.body).toBe(200);
      const answer = response.json<{ ackedSeq: number; rejected: { seq: number; code: string; message: string }[] }>();
      expect(answer.ackedSeq).toBe(6);
      expect(answer.rejected.map(({ seq, code, message }) => [seq, code, message])).toEqual([
        [1, 'INVALID_OP', 'fields.value.__proto__: unknown field'],
        [2, 'INVALID_OP', 'fields.__proto__: unknown field'],
        [3, 'INVALID_OP', 'fields.value.0.constructor: unknown field'],
        [4, 'INVALID_OP', '__proto__: unknown field'],
        [5, 'INVALID_OP', 'fields.constructor: unknown field'],
      ]);
      expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['attendance:visit-6']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).maxChildrenPerVolunteer).toBeUndefined();
    });
  });

  describe('finding 6: a field is stored exactly as accepted, or refused', () => {
    it('refuses a name with spaces around it, naming the field, and stores an exact one as it came', async () => {
      const { centreId, tablet, lead } = await freshCentre();
      const answer = await push(server, tablet, [
        op(1, 'volunteers', 'v-anna', { displayName: '\tAnna ', active: true }),
        op(2, 'volunteers', 'v-blank', { displayName: ' \u00a0 ', active: true }),
        op(3, 'volunteers', 'v-sam', { displayName: 'Sam  B.', active: true }),
      ]);
      expect(answer.rejected.map(({ seq, code, message }) => [seq, code, message])).toEqual([
        [1, 'INVALID_OP', 'fields.displayName: must not start or end with a space or line break'],
        [2, 'INVALID_OP', 'fields.displayName: Too small: expected a character other than spaces'],
      ]);
      expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['volunteers:v-sam']);
      // What another tablet pulls is byte for byte what was sent: inner spaces are the tablet's to tidy.
      const { changes } = await pullAll(server, lead);
      expect(changes.map((change) => change.fields)).toEqual([{ displayName: 'Sam  B.', active: true }]);
    });
  });

  describe('finding 7: report ranges', () => {
    async function report(device: EnrolledDevice, from: string, to: string) {
      return server.app.inject({ method: 'GET', url: `/api/v1/reports/days?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, headers: device.headers });
    }

    it('answers the last days of year 9999 with a 400 naming the field, and the first and last days a record can be on with a 200', async () => {
      const { lead } = await freshCentre();
      const far = await report(lead, '9999-12-30', '9999-12-31');
      expect(far.statusCode).toBe(400);
      expect(errorCode(far)).toBe('BAD_REQUEST');
      expect(errorMessage(far)).toBe('from: must be a day from 1999-12-31 to 2200-01-01, when records can be');
      for (const [from, to] of [
        ['1999-12-31', '1999-12-31'],
        ['2199-12-31', '2200-01-01'],
      ]) {
        const response = await report(lead, from!, to!);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json<{ days: { day: string }[] }>().days.map((day) => day.day)).toEqual(from === to ? [from] : [from, to]);
      }
    });

    it('answers any pair of dates with a 200 or a 400, never a 5xx', { timeout: 120_000 }, async () => {
      const { lead } = await freshCentre();
      const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((value) => String(value).padStart(n, '0'));
      const year = fc.oneof(digits(4), fc.constantFrom('1999', '2000', '2199', '2200', '9999', '0000', '0001'));
      const date = fc.oneof(
        fc.tuple(year, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
        fc.constantFrom('1999-12-31', '2200-01-01', '9999-12-31', '2028-02-29', '2100-02-29'),
        fc.string({ maxLength: 12 }),
      );
      // And ranges a lead would ask for, anywhere from the first day a record can be on to the last.
      const DAY_MS = 24 * HOUR;
      const first = Date.UTC(1999, 11, 31);
      const ranges = fc
        .tuple(fc.integer({ min: 0, max: (Date.UTC(2200, 0, 1) - first) / DAY_MS }), fc.integer({ min: 0, max: 40 }))
        .map(([start, length]) => [new Date(first + start * DAY_MS), new Date(first + (start + length) * DAY_MS)].map((d) => d.toISOString().slice(0, 10)) as [string, string]);
      let answered200 = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.tuple(date, date), ranges), async ([from, to]) => {
          const response = await report(lead, from, to);
          expect([200, 400], `${from} ${to}: ${response.body.slice(0, 200)}`).toContain(response.statusCode);
          if (response.statusCode === 400) expect(errorMessage(response)).toMatch(/^(from|to|query): /);
          else answered200++;
        }),
        { numRuns: 150 },
      );
      // Only a property of answers if some were good ranges: the generator must reach them.
      expect(answered200).toBeGreaterThan(0);
    });
  });

  describe('finding 11: a seq beyond 2^52', () => {
    it('fails its whole body, so the device is never acknowledged past its later ops', async () => {
      const { centreId, tablet } = await freshCentre();
      for (const seq of [MAX_SEQ + 1, Number.MAX_SAFE_INTEGER]) {
        const response = await pushText(tablet, JSON.stringify({ protocol: 1, ops: [checkIn(1, 'visit-1'), checkIn(seq, 'visit-far', hlc(NOW - HOUR))] }));
        expect(response.statusCode).toBe(400);
        expect(errorMessage(response)).toBe('ops.1.seq: Too big: expected number to be <=4503599627370496');
      }
      // The text 2^53 + 1 parses as 2^53: refused all the same.
      const rounded = await pushText(tablet, `{"protocol":1,"ops":[${JSON.stringify(checkIn(1, 'visit-1')).replace('"seq":1', '"seq":9007199254740993')}]}`);
      expect(rounded.statusCode).toBe(400);
      expect(await storedRecords(store, centreId)).toEqual(new Map());
      // The device is where it was: its next ops land.
      expect(await push(server, tablet, [checkIn(1, 'visit-1'), checkIn(2, 'visit-2')])).toMatchObject({ ackedSeq: 2, rejected: [] });
      // 2^52 itself is a seq like any other, stored and answered exactly.
      expect(await push(server, tablet, [checkIn(MAX_SEQ, 'visit-max', hlc(NOW - HOUR))])).toMatchObject({ ackedSeq: MAX_SEQ, rejected: [] });
      expect([...(await storedRecords(store, centreId)).keys()]).toEqual(['attendance:visit-1', 'attendance:visit-2', 'attendance:visit-max']);
    });
  });
});
