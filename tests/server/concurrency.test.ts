import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/shared/schema/wire';
import type { Store } from '../../src/server/store';
import { lockCentreForChanges, takeCursors, upsertRecords } from '../../src/server/store/records';
import { checkIn, databases, enrolDevice, type EnrolledDevice, hlc, newCentre, NOW, op, postgresDatabases, pullAll, pullPageOf, push, serveDuringTests, storedRecords, type TestServer } from './support';

/**
 * sync-protocol.md invariant 4, cursor completeness: pushers committing side by side while a
 * tablet pulls in small pages. On PostgreSQL the pushes really run at once, each on its own
 * connection; a cursor taken from a sequence would let the puller step over a change that
 * commits after a higher-numbered one.
 */

const PUSHERS = 5;
const BATCHES = 40;
const OPS_PER_BATCH = 10;
/** Records every pusher writes to: merges under contention, and records created by two at once. */
const SHARED = 15;

describe.each(databases)('concurrent pushers and a puller on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  it('never skips a change: what the puller ends with equals every stored record', async () => {
    const centreId = (await newCentre(store)).id;
    const pushers = await Promise.all(Array.from({ length: PUSHERS }, (_, i) => enrolDevice(server, centreId, 'volunteer', `Pusher ${i}`)));
    const puller = await enrolDevice(server, centreId, 'volunteer', 'Puller');

    const written = new Set<string>();
    async function pushAll(device: EnrolledDevice, index: number): Promise<void> {
      const node = (index + 1).toString(16).padStart(16, 'a');
      for (let batch = 0; batch < BATCHES; batch++) {
        const ops = Array.from({ length: OPS_PER_BATCH }, (_, i) => {
          const seq = batch * OPS_PER_BATCH + i + 1;
          const stamp = hlc(NOW - 60_000 + seq, index, node);
          // Every third op goes to a shared record, the rest to this pusher's own.
          const id = i % 3 === 0 ? `shared-${(seq + index) % SHARED}` : `own-${index}-${seq}`;
          written.add(`volunteers:${id}`);
          return op(seq, 'volunteers', id, { displayName: `${index}:${seq}`, active: seq % 2 === 0 }, stamp);
        });
        const answer = await push(server, device, ops);
        expect(answer).toMatchObject({ ackedSeq: (batch + 1) * OPS_PER_BATCH, rejected: [] });
      }
    }

    /** A tablet pulling in pages of `limit`, keeping the latest state of every record it saw. */
    function startPuller(limit: number) {
      const seen = new Map<string, Change>();
      let cursor = 0;
      let pages = 0;
      const pullPage = async (): Promise<boolean> => {
        const page = await pullPageOf(server, puller, cursor, limit);
        pages++;
        for (const change of page.changes) {
          expect(change.cursor).toBeGreaterThan(cursor);
          cursor = change.cursor;
          seen.set(`${change.table}:${change.id}`, change);
        }
        expect(page.nextCursor).toBe(cursor);
        return page.hasMore;
      };
      return { seen, pullPage, cursor: () => cursor, pages: () => pages };
    }

    const pullers = [startPuller(3), startPuller(7)];
    let pushing = true;
    const pulling = pullers.map(async ({ pullPage }) => {
      while (pushing) {
        await pullPage();
        // On PGlite every await may resolve without touching the event loop: let the pushers in.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    try {
      await Promise.all(pushers.map((device, index) => pushAll(device, index)));
    } finally {
      pushing = false;
      await Promise.all(pulling);
    }

    const stored = await storedRecords(store, centreId);
    expect(new Set(stored.keys())).toEqual(written);
    for (const { seen, pullPage, cursor, pages } of pullers) {
      while (await pullPage());
      expect(pages()).toBeGreaterThan(BATCHES);
      const pulled = new Map([...seen].map(([key, change]) => [key, { fields: change.fields, hlcs: change.hlcs, cursor: change.cursor }]));
      expect(pulled).toEqual(stored);
      expect(cursor()).toBe(Math.max(...[...stored.values()].map((record) => record.cursor)));
    }

    // Each shared record holds, field by field, the write with the greatest HLC that reached it.
    for (let i = 0; i < SHARED; i++) {
      const record = stored.get(`volunteers:shared-${i}`)!;
      const hlcs = record.hlcs as Record<string, string>;
      expect(hlcs.displayName).toBe(hlcs.active);
    }
    const [centre] = await store.query<{ last_cursor: number }>('SELECT last_cursor FROM centres WHERE id = $1', [centreId]);
    expect(centre!.last_cursor).toBe(pullers[0]!.cursor());
  });

  it('makes one record of the same new record pushed by several tablets at once, with every field', async () => {
    const centreId = (await newCentre(store)).id;
    const tablets = await Promise.all(Array.from({ length: 4 }, (_, i) => enrolDevice(server, centreId, 'volunteer', `Tablet ${i}`)));
    const fieldsOf = [
      { code: '4173KL', registeredOn: '2026-03-29' },
      { ageBand: '6-8' },
      { gender: 'girl' },
      { languages: ['ar'], deleted: false },
    ];
    // The same child code registered on four offline tablets, each knowing some of its fields.
    await Promise.all(tablets.map((tablet, i) => push(server, tablet, [op(1, 'children', 'child-4173KL', fieldsOf[i]!, hlc(NOW - 1000 + i))])));
    const stored = await storedRecords(store, centreId);
    expect(stored.get('children:child-4173KL')!.fields).toEqual({
      code: '4173KL',
      registeredOn: '2026-03-29',
      ageBand: '6-8',
      gender: 'girl',
      languages: ['ar'],
      deleted: false,
    });
  });
});

describe.each(postgresDatabases)('cursors in commit order on $name', (database) => {
  let store: Store;
  let server: TestServer;
  serveDuringTests(database, (opened) => ({ store, server } = opened));

  /** Resolves once `count` sessions of this database wait for a lock on a centre. */
  async function waitersOnLocks(count: number): Promise<void> {
    for (let tries = 0; tries < 500; tries++) {
      const [row] = await store.query<{ n: number }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%centres%'",
      );
      if (row!.n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no session waited for a lock on a centre');
  }

  it('makes a push wait for a transaction that took cursors before it, and hides both until each commits', async () => {
    const centreId = (await newCentre(store)).id;
    const tablet = await enrolDevice(server, centreId);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let numbered: () => void = () => undefined;
    const tookCursors = new Promise<void>((resolve) => (numbered = resolve));

    // A push that has numbered its change and not yet committed.
    const first = store.transaction(async (tx) => {
      await lockCentreForChanges(tx, centreId);
      const cursor = await takeCursors(tx, centreId, 1);
      await upsertRecords(tx, centreId, [
        { table: 'volunteers', id: 'early', replica: { fields: { displayName: 'Sam' }, hlcs: { displayName: hlc(NOW) } }, cursor },
      ]);
      numbered();
      await held;
      return cursor;
    });
    await tookCursors;
    const second = push(server, tablet, [checkIn(1, 'late')]);
    try {
      await waitersOnLocks(1);
      // Neither change is visible while the first is open: a puller cannot step over it.
      expect((await pullPageOf(server, tablet, 0, 10)).changes).toEqual([]);
    } finally {
      release();
    }
    const firstCursor = await first;
    expect(await second).toMatchObject({ ackedSeq: 1, rejected: [] });
    const { changes } = await pullAll(server, tablet);
    expect(changes.map((change) => [change.id, change.cursor])).toEqual([
      ['early', firstCursor],
      ['late', firstCursor + 1],
    ]);
  });
});
