import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidWriteError, writeRecord } from '../../src/client/db/core/write';
import { mergeOp } from '../../src/shared/merge';
import { LEAD_ONLY_TABLES } from '../../src/shared/schema';
import {
  dieInsideALocalTransaction,
  expectedState,
  injectTransport,
  newCentreId,
  newTablet,
  serverState,
  startInProcessServer,
  stopAndRestart,
  tabletState,
  unreliable,
  type Fault,
  type Tablet,
} from './support';

/**
 * sync-protocol.md's invariants, shown on three simulated tablets (Dexie on fake-indexeddb) and
 * the real server in process: random writes, random interleavings of syncs, requests lost,
 * answers lost, requests duplicated, tablets stopped half-way through a sync (between requests,
 * or dying inside a local transaction) and restarted.
 * Afterwards every replica equals the server, the server holds exactly the merge of every op any
 * tablet wrote (no acknowledged op missing), and replaying any push changes nothing.
 */

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 200);
const TABLETS = 3;
const DAY = '2026-11-24';
const AT = Date.UTC(2026, 10, 24, 9, 0, 0);

type Write =
  | { kind: 'volunteer'; id: number; create: boolean; fields: { displayName?: string; active?: boolean; deleted?: boolean } }
  | { kind: 'check'; child: number; in: boolean; minute: number }
  | { kind: 'void'; pick: number }
  | { kind: 'ratio'; max: number; strict: boolean };

type Action =
  | { kind: 'write'; tablet: number; write: Write }
  | { kind: 'sync'; tablet: number; faults: Fault[] }
  | { kind: 'restart'; tablet: number; requestsBeforeStop: number }
  | { kind: 'die'; tablet: number; localStepsBeforeStop: number };

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
);

let server: Awaited<ReturnType<typeof startInProcessServer>>;
let run = 0;

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await server?.close();
});

async function applyWrite(tablet: Tablet, change: Write, eventIds: string[], serial: { n: number }): Promise<void> {
  const database = tablet.database;
  if (change.kind === 'volunteer') {
    // A write the schema refuses (a new record missing a field, an empty write) stores nothing.
    await writeRecord(database, 'volunteers', `v${change.id}`, change.fields, { create: change.create }).catch((error: unknown) => {
      if (!(error instanceof InvalidWriteError)) throw error;
    });
  } else if (change.kind === 'check') {
    serial.n += 1;
    const id = `${tablet.name}-event-${serial.n}`;
    eventIds.push(id);
    const fields = { childId: `child-41${change.child}0KL`, day: DAY, kind: change.in ? 'in' : 'out', at: AT + change.minute * 60_000, deleted: false } as const;
    await writeRecord(database, 'attendance', id, fields, { create: true });
  } else if (change.kind === 'void') {
    const id = eventIds[change.pick % Math.max(1, eventIds.length)];
    if (id) await writeRecord(database, 'attendance', id, { deleted: true });
  } else {
    await writeRecord(database, 'settings', 'ratioLimits', { value: { maxChildrenPerVolunteer: change.max, requireVolunteerWhenChildrenPresent: change.strict } }, { create: true });
  }
}

describe('sync between three tablets and the server', () => {
  it(`converges, loses nothing and doubles nothing, over ${RUNS} random histories`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
        run += 1;
        const centreId = await newCentreId(server.store, `Centre ${run}`);
        const tablets: Tablet[] = [];
        // The last tablet is a volunteer's: its settings writes (which it makes here through the raw
        // write path, as a tablet that set them while on its own would) are refused, and undone.
        for (let i = 0; i < TABLETS; i++) tablets.push(await newTablet(server, centreId, `run${run}-tablet${i}`, i === TABLETS - 1 ? 'volunteer' : 'lead'));
        const sent: { body: unknown; path: string; token?: string }[] = [];
        const eventIds: string[] = [];
        const serial = { n: 0 };
        try {
          for (const step of actions) {
            const current = tablets[step.tablet]!;
            if (step.kind === 'write') await applyWrite(current, step.write, eventIds, serial);
            else if (step.kind === 'sync') await current.engine(unreliable(injectTransport(server.app), [...step.faults], sent)).syncOnce();
            else if (step.kind === 'restart') tablets[step.tablet] = await stopAndRestart(current, injectTransport(server.app), step.requestsBeforeStop);
            else tablets[step.tablet] = await dieInsideALocalTransaction(current, injectTransport(server.app), step.localStepsBeforeStop);
          }
          // The network comes back for good: everyone syncs until nothing moves.
          for (let round = 0; round < 3; round++) {
            for (const each of tablets) await each.engine(unreliable(injectTransport(server.app), [], sent)).syncOnce();
          }

          const onServer = await serverState(server.store, centreId);
          // Invariant 9: a volunteer's ops on lead-only tables change nothing, on any replica.
          const everyOp = tablets.flatMap((each) => (each.role === 'volunteer' ? each.log.filter((op) => !LEAD_ONLY_TABLES.has(op.table)) : each.log));
          expect(onServer).toEqual(expectedState(everyOp, mergeOp));
          for (const each of tablets) {
            expect(await each.database.outbox.count()).toBe(0);
            expect(await tabletState(each.database)).toEqual(onServer);
          }
          // Replaying any push the tablets made changes nothing.
          for (const push of sent.slice(-3)) {
            await server.app.inject({ method: 'POST', url: push.path, headers: { authorization: `Bearer ${push.token}` }, payload: push.body as object });
          }
          expect(await serverState(server.store, centreId)).toEqual(onServer);
        } finally {
          for (const each of tablets) await each.database.delete();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
