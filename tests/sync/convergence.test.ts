import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/store';
import { postgresSchema, testDatabaseUrl } from '../support/postgres-schema';
import type { OutboxOp } from '../../src/client/db/core/database';
import type { Transport } from '../../src/client/sync/transport';
import { InvalidWriteError, writeRecord } from '../../src/client/db/core/write';
import { compareHlc, MAX_AHEAD_MS, parseHlc } from '../../src/shared/hlc';
import { mergeOp } from '../../src/shared/merge';
import { LEAD_ONLY_TABLES } from '../../src/shared/schema';
import {
  dieInsideALocalTransaction,
  expectedClocks,
  expectedState,
  injectTransport,
  newCentreId,
  newTablet,
  serverClocks,
  serverState,
  startInProcessServer,
  stopAndRestart,
  tabletClocks,
  tabletState,
  unreliable,
  type Fault,
  type Tablet,
} from './support';

/**
 * sync-protocol.md's invariants, shown on three simulated tablets (Dexie on fake-indexeddb) and
 * the real server in process: random writes, random interleavings of syncs, requests lost,
 * answers lost, requests duplicated, tablets stopped half-way through a sync (between requests,
 * or dying inside a local transaction) and restarted. Each tablet's wall clock is wrong in its
 * own way (invariant 6), and one tablet's clock jumps during the history.
 * Afterwards every replica equals the server, the server holds exactly the merge of every op any
 * tablet wrote (no acknowledged op missing), no HLC on the server is more than 24 hours ahead of
 * the server's clock, and replaying any push changes nothing.
 */

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 200);
const TABLETS = 3;
const DAY = '2026-11-24';
const AT = Date.UTC(2026, 10, 24, 9, 0, 0);
const HOUR = 3_600_000;

/**
 * The wall clocks tablets turn up with: right; an hour either way (a missed change to or from
 * summer time); three days behind (a tablet whose battery ran flat and came back on a saved
 * date); 23 hours ahead (a wrong date, just inside the 24 hours the server allows). Each tablet
 * of a history gets a different one.
 */
const CLOCK_OFFSETS = [0, HOUR, -HOUR, -72 * HOUR, 23 * HOUR] as const;

type Write =
  | { kind: 'volunteer'; id: number; create: boolean; fields: { displayName?: string; active?: boolean; deleted?: boolean } }
  | { kind: 'check'; child: number; in: boolean; minute: number }
  | { kind: 'void'; pick: number }
  | { kind: 'ratio'; max: number; strict: boolean };

type Action =
  | { kind: 'write'; tablet: number; write: Write }
  | { kind: 'sync'; tablet: number; faults: Fault[] }
  | { kind: 'restart'; tablet: number; requestsBeforeStop: number }
  | { kind: 'die'; tablet: number; localStepsBeforeStop: number }
  // Time passes for everyone, server and tablets alike.
  | { kind: 'wait'; minutes: number }
  // The jumping tablet's clock is set to its other time and back (someone fixes its date, or it
  // loses it again), between any two of its writes or syncs.
  | { kind: 'jump' };

const write: fc.Arbitrary<Write> = fc.oneof(
  { weight: 3, arbitrary: volunteerWrite() },
  fc.record({ kind: fc.constant('check' as const), child: fc.nat(2), in: fc.boolean(), minute: fc.nat(600) }),
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat(50) }),
  fc.record({ kind: fc.constant('ratio' as const), max: fc.integer({ min: 1, max: 20 }), strict: fc.boolean() }),
);

function volunteerWrite(): fc.Arbitrary<Write> {
  return (
  // Any subset of a volunteer's fields, created or not: a tablet may edit a record it has not
  // seen created yet, or delete and undelete it.
  fc.record({
    kind: fc.constant('volunteer' as const),
    // Two records only, so tablets keep writing to the same ones.
    id: fc.nat(1),
    create: fc.boolean(),
    fields: fc.record({ displayName: fc.constantFrom('Amira', 'Jo', 'Sam'), active: fc.boolean(), deleted: fc.boolean() }, { requiredKeys: [] }),
  })
  );
}
const fault = fc.constantFrom<Fault>('none', 'lost-request', 'lost-answer', 'duplicated');
const tablet = fc.nat(TABLETS - 1);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), tablet, write }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), tablet, faults: fc.array(fault, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), tablet, requestsBeforeStop: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('die' as const), tablet, localStepsBeforeStop: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 180 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'jump' as const }) },
);
/**
 * A history: each tablet's clock, which tablet's clock jumps and to what (3 days behind, 23 hours
 * ahead or right: jumps that cross the server's 24 hours, from wherever it starts), and what happens.
 */
const history = fc
  .record({
    offsets: fc.shuffledSubarray([...CLOCK_OFFSETS], { minLength: TABLETS, maxLength: TABLETS }),
    jumper: tablet,
    jumpTargets: fc.shuffledSubarray([0, -72 * HOUR, 23 * HOUR], { minLength: 3, maxLength: 3 }),
    // 'medium': about 20 steps on average, so a clock jump often falls between a tablet's syncs and writes.
    actions: fc.array(action, { minLength: 1, maxLength: 40, size: 'medium' }),
  })
  .map(({ offsets, jumper, jumpTargets, actions }) => ({ offsets, jumper, jumpsTo: jumpTargets.find((to) => to !== offsets[jumper])!, actions }));

/**
 * The servers the tablets sync with: one on PGlite always; and, when TEST_DATABASE_URL names a
 * PostgreSQL, two servers on one database (two apps, each with its own store, pool and change
 * feed, as two processes would have), tablets syncing with one or the other by turns.
 */
type Servers = { apps: FastifyInstance[]; store: Store; close: () => Promise<void> };
const SETUPS: { name: string; runs: number; open: () => Promise<Servers> }[] = [
  {
    name: 'one server on PGlite',
    runs: RUNS,
    open: async () => {
      const one = await startInProcessServer(() => serverNow);
      return { apps: [one.app], store: one.store, close: one.close };
    },
  },
  ...(testDatabaseUrl ? [twoServersOn(testDatabaseUrl)] : []),
];

/** Two apps on one PostgreSQL database, each with its own store (its pool) and change feed. */
function twoServersOn(databaseUrl: string): { name: string; runs: number; open: () => Promise<Servers> } {
  return {
    name: 'two servers on one PostgreSQL database',
    runs: Number(process.env.SYNC_TWO_SERVER_RUNS ?? Math.max(10, Math.round(RUNS / 5))),
    open: async (): Promise<Servers> => {
      const schema = postgresSchema(databaseUrl);
      await schema.create();
      const stores = [await openStore({ databaseUrl: schema.url }), await openStore({ databaseUrl: schema.url })];
      const apps = await Promise.all(stores.map((store) => buildApp({ store, version: 'sync-test', clock: () => serverNow })));
      return {
        apps,
        store: stores[0]!,
        close: async () => {
          for (const app of apps) await app.close();
          for (const store of stores) await store.close();
          await schema.drop();
        },
      };
    },
  };
}

let server: Servers;
let run = 0;
/** Which server a tablet syncs with this time: by turns across the servers there are. */
let turn = 0;
// The server's clock: right at the start of each history, then moved by its `wait` steps only.
let serverNow = Date.now();
/**
 * The seqs the server refused as CLOCK_AHEAD, by device token, as it answered (lost answers
 * included): the tablet writes those ops again from a reset clock instead of listing them.
 */
let refusedAhead = new Map<string, Set<number>>();

/** A server, through inject, noting its CLOCK_AHEAD refusals; with two, each sync goes to the next. */
function toServer(): Transport {
  turn += 1;
  const inner = injectTransport(server.apps[turn % server.apps.length]!);
  return async (request) => {
    const answer = await inner(request);
    if (request.path === '/api/v1/sync/push' && answer.status === 200 && request.token !== undefined) {
      const seqs = refusedAhead.get(request.token) ?? new Set<number>();
      for (const { seq, code } of (answer.body as { rejected: { seq: number; code: string }[] }).rejected) if (code === 'CLOCK_AHEAD') seqs.add(seq);
      refusedAhead.set(request.token, seqs);
    }
    return answer;
  };
}


/**
 * Makes the write on the tablet at its own wall clock, and checks it shows there: a tap made
 * after a tablet has seen a record must win over what it saw, whatever its clock says, so its
 * HLC must come after every HLC the tablet has received (sync-protocol.md, HLC format).
 */
async function applyWrite(tablet: Tablet, change: Write, eventIds: string[], serial: { n: number }): Promise<void> {
  const database = tablet.database;
  const now = tablet.now();
  const shows = (row: Record<string, unknown>, fields: Record<string, unknown>) => expect(row, `${tablet.name}'s own write`).toMatchObject(fields);
  if (change.kind === 'volunteer') {
    // A write the schema refuses (a new record missing a field, an empty write) stores nothing.
    const row = await writeRecord(database, 'volunteers', `v${change.id}`, change.fields, { create: change.create, now }).catch((error: unknown) => {
      if (!(error instanceof InvalidWriteError)) throw error;
    });
    if (row) shows(row, change.fields);
  } else if (change.kind === 'check') {
    serial.n += 1;
    const id = `${tablet.name}-event-${serial.n}`;
    eventIds.push(id);
    const fields = { childId: `child-41${change.child}0KL`, day: DAY, kind: change.in ? 'in' : 'out', at: AT + change.minute * 60_000, deleted: false } as const;
    shows(await writeRecord(database, 'attendance', id, fields, { create: true, now }), fields);
  } else if (change.kind === 'void') {
    const id = eventIds[change.pick % Math.max(1, eventIds.length)];
    if (id) shows(await writeRecord(database, 'attendance', id, { deleted: true }, { now }), { deleted: true });
  } else {
    const value = { maxChildrenPerVolunteer: change.max, requireVolunteerWhenChildrenPresent: change.strict };
    shows(await writeRecord(database, 'settings', 'ratioLimits', { value }, { create: true, now }), { value });
  }
}

/** The latest HLC of any field the server holds for the centre, as epoch ms (0 when it holds none). */
async function latestHlcOnServer(centreId: string): Promise<number> {
  const [row] = await server.store.query<{ latest: string | null }>(
    'SELECT max(h.value) AS latest FROM records r CROSS JOIN LATERAL jsonb_each_text(r.hlcs) h WHERE r.centre_id = $1',
    [centreId],
  );
  return row?.latest ? parseHlc(row.latest).ms : 0;
}

describe.each(SETUPS)('sync between three tablets and $name', ({ runs, open }) => {
  beforeAll(async () => {
    server = await open();
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`converges, loses nothing and doubles nothing, with wrong and jumping clocks, over ${runs} random histories`, async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ offsets, jumper, jumpsTo, actions }) => {
        run += 1;
        serverNow = Date.now();
        refusedAhead = new Map();
        const clock = [...offsets];
        const centreId = await newCentreId(server.store, `Centre ${run}`);
        const tablets: Tablet[] = [];
        // The last tablet is a volunteer's: its settings writes (which it makes here through the raw
        // write path, as a tablet that set them while on its own would) are refused, and undone.
        for (let i = 0; i < TABLETS; i++) {
          const role = i === TABLETS - 1 ? 'volunteer' : 'lead';
          tablets.push(await newTablet({ app: server.apps[i % server.apps.length]!, store: server.store }, centreId, `run${run}-tablet${i}`, role, () => serverNow + clock[i]!));
        }
        const sent: { body: unknown; path: string; token?: string }[] = [];
        const eventIds: string[] = [];
        const serial = { n: 0 };
        // Invariant 6: one tablet's clock, however wrong, cannot move the server's records ahead.
        const noneAhead = async () => expect(await latestHlcOnServer(centreId), 'an HLC on the server more than 24 h ahead of its clock').toBeLessThanOrEqual(serverNow + MAX_AHEAD_MS);
        try {
          for (const step of actions) {
            if (step.kind === 'wait') serverNow += step.minutes * 60_000;
            else if (step.kind === 'jump') clock[jumper] = clock[jumper] === jumpsTo ? offsets[jumper]! : jumpsTo;
            else {
              const current = tablets[step.tablet]!;
              if (step.kind === 'write') await applyWrite(current, step.write, eventIds, serial);
              else if (step.kind === 'sync') await current.engine(unreliable(toServer(), [...step.faults], sent)).syncOnce();
              else if (step.kind === 'restart') tablets[step.tablet] = await stopAndRestart(current, toServer(), step.requestsBeforeStop);
              else tablets[step.tablet] = await dieInsideALocalTransaction(current, toServer(), step.localStepsBeforeStop);
              if (step.kind !== 'write') await noneAhead();
            }
          }
          // The network comes back for good: everyone syncs until nothing moves.
          for (let round = 0; round < 3; round++) {
            for (const each of tablets) await each.engine(unreliable(toServer(), [], sent)).syncOnce();
          }
          await noneAhead();

          const onServer = await serverState(server.store, centreId);
          const clocksOnServer = await serverClocks(server.store, centreId);
          // Invariant 2: every op a tablet wrote is on the server or listed as refused with a reason.
          // A history gives one reason: a volunteer's op on a lead-only table (invariant 9). An op
          // the jumping tablet stamped over 24 hours ahead (its clock jumped forward after it
          // learned its offset from the server, and the offset then overshoots: hlc.ts, tick) is
          // refused by the server, CLOCK_AHEAD, and written again by the tablet from its reset
          // clock under a new node: it is never listed, and what it wrote reaches the server.
          const everyOp: OutboxOp[] = [];
          for (const each of tablets) {
            const refused = new Map((await each.database.rejections.toArray()).map((rejection) => [rejection.seq, rejection.code]));
            const reasons = each.role === 'volunteer' ? ['LEAD_ONLY'] : [];
            for (const code of refused.values()) expect(reasons, `${each.name} refused ${code}`).toContain(code);
            for (const op of each.log) if (each.role === 'volunteer' && LEAD_ONLY_TABLES.has(op.table)) expect(refused.get(op.seq!)).toBe('LEAD_ONLY');
            const enrolment = await each.database.meta.get('enrolment');
            const ahead = (enrolment?.key === 'enrolment' && refusedAhead.get(enrolment.token)) || new Set<number>();
            // Each field of an op refused as ahead is set again by the tablet's next op on that
            // field: the op stamped again (its value, under a node stamped after the reset), or a
            // later write the tablet made before the reset, itself on the server or refused so.
            for (const [at, op] of each.log.entries()) {
              if (op.seq === undefined || !ahead.has(op.seq)) continue;
              for (const [field, value] of Object.entries(op.fields)) {
                const next = each.log.slice(at + 1).find((later) => later.table === op.table && later.id === op.id && Object.hasOwn(later.fields, field));
                expect(next, `${each.name}'s ${op.table}/${op.id}.${field} refused CLOCK_AHEAD and never written again`).toBeDefined();
                if (parseHlc(next!.hlc).node !== parseHlc(op.hlc).node) expect(next!.fields[field], `${op.table}/${op.id}.${field} written again`).toEqual(value);
              }
            }
            everyOp.push(...each.log.filter((op) => op.seq === undefined || (!refused.has(op.seq) && !ahead.has(op.seq))));
          }
          expect(onServer).toEqual(expectedState(everyOp, mergeOp));
          expect(clocksOnServer).toEqual(expectedClocks(everyOp, mergeOp));
          for (const each of tablets) {
            expect(await each.database.outbox.count()).toBe(0);
            expect(await tabletState(each.database)).toEqual(onServer);
            expect(await tabletClocks(each.database)).toEqual(clocksOnServer);
            // Invariant 6: a tablet's HLCs strictly increase, whatever its wall clock did, per node:
            // a clock reset after CLOCK_AHEAD refusals goes back under a new node. No two of its
            // writes ever share an HLC.
            const stamps = each.log.map((op) => op.hlc);
            for (const node of new Set(stamps.map((hlc) => parseHlc(hlc).node))) {
              const ofNode = stamps.filter((hlc) => parseHlc(hlc).node === node);
              expect(ofNode, `${each.name}'s HLCs of node ${node} in the order it wrote`).toEqual([...ofNode].sort(compareHlc));
            }
            expect(new Set(stamps).size).toBe(stamps.length);
          }
          // Replaying any push the tablets made changes nothing.
          for (const push of sent.slice(-3)) {
            await server.apps[0]!.inject({ method: 'POST', url: push.path, headers: { authorization: `Bearer ${push.token}` }, payload: push.body as object });
          }
          expect(await serverState(server.store, centreId)).toEqual(onServer);
        } finally {
          for (const each of tablets) await each.database.delete();
        }
      }),
      { numRuns: runs, endOnFailure: true },
    );
  });
});
