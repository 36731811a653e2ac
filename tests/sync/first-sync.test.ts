// @vitest-environment jsdom
// Today renders in a DOM; the server and the tablet's database run in the same file, in process.
import { cleanup, configure, render, screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/client/db/db';
import { TodayScreen } from '../../src/client/features/today/today-screen';
import { preloadDefinedMessages } from '../../src/client/i18n/define-messages';
import { I18nProvider } from '../../src/client/i18n/i18n';
import { createSyncEngine } from '../../src/client/sync/engine';
import { lockCentreForChanges, takeCursors, upsertRecords } from '../../src/server/store/records';
import { analyse } from '../../src/server/store/statistics';
import { childIdFromCode, formatCodeForReading, issueCode } from '../../src/shared/codes';
import { addDays, atLocalTime, centreDay } from '../../src/shared/dates';
import { formatHlc } from '../../src/shared/hlc';
import { mergeOp } from '../../src/shared/merge';
import type { TableName } from '../../src/shared/schema';
import { enrolInto, injectTransport, newCentreId, serverClocks, serverState, startInProcessServer, tabletClocks, tabletState } from './support';

/**
 * A fresh tablet's first sync into a centre whose server holds 20,000 records, with Today on the
 * screen all the while: the pull runs 20 pages of 1,000 through the real routes, each merged
 * while the screen's live queries read the same database. At the end the tablet holds what the
 * server holds, and Today shows the children checked in today, whose records come last.
 */

const TIME_ZONE = 'Europe/Paris';
const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);
const TODAY = centreDay(NOW, TIME_ZONE);
const CHILDREN = 1000;
const PAST_DAYS = 60;
const VISITS_PER_PAST_DAY = 315;
const HERE_TODAY = 100;
const NODE = 'f1f1f1f1f1f1f1f1';
// Every step of it on a busy 2-core machine: seeding, 20 pages merged by fake-indexeddb, the screen.
const TIMEOUT_MS = 300_000;
// Starting PGlite, and deleting 20,000 rows from fake-indexeddb, take many seconds on such a machine.
const HOOK_TIMEOUT_MS = 120_000;

type SeedRecord = { table: TableName; id: string; hlc: string; fields: Record<string, unknown> };

/** The centre's records in the order its tablets wrote them: children, two months of visits, today's check-ins last. */
function centreRecords(): SeedRecord[] {
  let counter = 0;
  const clock = (ms: number) => formatHlc({ ms, counter: counter++ % 0x10000, node: NODE });
  const codes = Array.from({ length: CHILDREN }, (_, i) => issueCode('K', 1000 + i));
  const firstDay = addDays(TODAY, -PAST_DAYS);
  const records: SeedRecord[] = codes.map((code) => ({
    table: 'children',
    id: childIdFromCode(code),
    hlc: clock(atLocalTime(firstDay, '09:00', TIME_ZONE)),
    fields: { code, ageBand: '6-8', gender: 'girl', languages: ['ar'], registeredOn: firstDay, deleted: false },
  }));
  const event = (day: string, n: number, kind: 'in' | 'out', at: number, child: string): SeedRecord => ({
    table: 'attendance',
    id: `${day}-${kind}-${n}`,
    hlc: clock(at),
    fields: { childId: childIdFromCode(child), day, kind, at, deleted: false },
  });
  for (let d = 0; d < PAST_DAYS; d++) {
    const day = addDays(firstDay, d);
    const opens = atLocalTime(day, '10:00', TIME_ZONE);
    // Each visit a check-in and, two hours on, its check-out.
    for (let v = 0; v < VISITS_PER_PAST_DAY; v += 2) {
      const child = codes[(d * 37 + v) % CHILDREN]!;
      records.push(event(day, v, 'in', opens + v * 60_000, child));
      if (v + 1 < VISITS_PER_PAST_DAY) records.push(event(day, v + 1, 'out', opens + v * 60_000 + 2 * 3_600_000, child));
    }
  }
  const opens = atLocalTime(TODAY, '10:00', TIME_ZONE);
  for (let n = 0; n < HERE_TODAY; n++) records.push(event(TODAY, n, 'in', opens + n * 60_000, codes[n]!));
  return records;
}

/**
 * Puts the records in the server's store with its own functions, numbered as pushes would number
 * them (as tests/bench/fresh-pull.ts does): seconds, where 20 pushes through the route take longer
 * and are not what this test is about.
 */
async function storeRecords(store: Awaited<ReturnType<typeof startInProcessServer>>['store'], centreId: string, records: readonly SeedRecord[]) {
  const BATCH = 5000;
  for (let start = 0; start < records.length; start += BATCH) {
    const batch = records.slice(start, start + BATCH);
    await store.transaction(async (tx) => {
      await lockCentreForChanges(tx, centreId);
      const first = (await takeCursors(tx, centreId, batch.length)) - batch.length + 1;
      await upsertRecords(
        tx,
        centreId,
        batch.map((record, i) => ({ table: record.table, id: record.id, replica: mergeOp(undefined, record).next, cursor: first + i })),
      );
    });
  }
  // What the push route does as records arrive: PGlite has no autovacuum.
  await analyse(store);
}

let server: Awaited<ReturnType<typeof startInProcessServer>>;

beforeAll(async () => {
  // Only the date: the day the screen shows and the server's clock; timers stay real.
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  // The live queries settle once the last page is in; on a busy machine that can take seconds.
  configure({ asyncUtilTimeout: 30_000 });
  server = await startInProcessServer();
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  cleanup();
  vi.useRealTimers();
  await server?.close();
  await db.delete();
}, HOOK_TIMEOUT_MS);

describe('a first sync of 20,000 records', () => {
  it(
    'pulls every record onto a fresh tablet while Today is on the screen, which ends showing today’s children',
    async () => {
      const centreId = await newCentreId(server.store, 'First sync');
      const records = centreRecords();
      expect(records).toHaveLength(20_000);
      await storeRecords(server.store, centreId, records);
      await db.open();
      await enrolInto(server, centreId, db, 'lead');

      // Today's sentences are a lazy chunk in the app, loaded before the first screen (main.tsx).
      await preloadDefinedMessages(['en']);
      render(createElement(I18nProvider, { language: 'en', children: createElement(TodayScreen) }));
      const present = screen.getByRole('region', { name: 'Children here now' });
      // Drawn from the empty database before the first page arrives.
      await within(present).findByText('No children checked in yet.');

      const result = await createSyncEngine({ database: db, transport: injectTransport(server.app) }).syncOnce();
      expect(result).toMatchObject({ outcome: 'synced', pulled: 20_000 });

      // Today's check-ins came on the last page: the screen shows them once every page is in.
      const headcount = screen.getByRole('region', { name: 'Headcount' });
      await within(headcount).findByText(String(HERE_TODAY), { selector: '[data-testid="children-in"]' });
      const lastIn = formatCodeForReading(issueCode('K', 1000 + HERE_TODAY - 1));
      await within(present).findByRole('button', { name: new RegExp(`^Check out\\s*${lastIn}`) });
      expect(within(present).getAllByRole('button', { name: /^Check out/ })).toHaveLength(HERE_TODAY);

      const onServer = await serverState(server.store, centreId);
      expect(Object.keys(onServer)).toHaveLength(20_000);
      expect(await tabletState(db)).toEqual(onServer);
      expect(await tabletClocks(db)).toEqual(await serverClocks(server.store, centreId));
    },
    TIMEOUT_MS,
  );
});
