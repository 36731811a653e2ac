import { IDBFactory } from 'fake-indexeddb';
import type { Browser } from 'playwright-core';
import type { Store } from '../../src/server/store';
import { createCentre, mintEnrolmentCode } from '../../src/server/store/accounts';
import { lockCentreForChanges, takeCursors, upsertRecords } from '../../src/server/store/records';
import { analyse } from '../../src/server/store/statistics';
import { mergeOp } from '../../src/shared/merge';
import { TABLE_NAMES, type TableName } from '../../src/shared/schema';
import { newTablet, serviceWorkerReady, startServer } from '../e2e/support/harness';
import { throttleCpu } from './first-load';
import type { BenchResult } from './report';
import { seedInPage, type SeedPlan } from './seed-year';
import { yearPlan } from './tablet';

/**
 * A fresh tablet joining a busy centre: the server holds a year of it (the year seed-year.ts
 * writes), the tablet is enrolled through the link a QR code carries, and the figure is the time
 * from the tap on "Enrol" to the tablet holding every record.
 */

/** How long the pull may take before the benchmark gives up and says where the sync stood. */
const GIVE_UP_MS = 180_000;

/** One record of the year, as the single write that made it: every field with the record's clock. */
export type YearRecord = { table: TableName; id: string; hlc: string; fields: Record<string, unknown> };

/**
 * The year of seed-year.ts, one entry per record. seed-year.ts writes into a tablet's IndexedDB,
 * so it runs here against an in-memory one and the rows are read back: one generator for the
 * year, whichever side needs it.
 */
export async function yearOfRecords(plan: SeedPlan): Promise<YearRecord[]> {
  const factory = new IDBFactory();
  // seedInPage reaches IndexedDB through the global, as it does in the page.
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true, writable: true });
  try {
    const db = await openTabletShape(factory, plan.node);
    db.close();
    await seedInPage(plan);
    const rows = await readTables(factory);
    return rows.map(({ table, row }) => toRecord(table, row));
  } finally {
    if (previous) Object.defineProperty(globalThis, 'indexedDB', previous);
    else Reflect.deleteProperty(globalThis, 'indexedDB');
  }
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(String(request.error)));
  });
}

/** What seedInPage expects of the tablet's database: a store per table, and the device's node in `meta`. */
async function openTabletShape(factory: IDBFactory, node: string): Promise<IDBDatabase> {
  const open = factory.open('daybook', 1);
  open.onupgradeneeded = () => {
    for (const table of TABLE_NAMES) open.result.createObjectStore(table, { keyPath: 'id' });
    open.result.createObjectStore('meta', { keyPath: 'key' }).put({ key: 'device', node });
  };
  return settle(open);
}

async function readTables(factory: IDBFactory): Promise<{ table: TableName; row: unknown }[]> {
  const db = await settle(factory.open('daybook'));
  try {
    const tx = db.transaction(TABLE_NAMES, 'readonly');
    const tables = await Promise.all(TABLE_NAMES.map((table) => settle<unknown[]>(tx.objectStore(table).getAll())));
    return TABLE_NAMES.flatMap((table, i) => tables[i]!.map((row) => ({ table, row })));
  } finally {
    db.close();
  }
}

/** A stored row (its fields, `id`, and `_hlc`, the clock of every field) as the write that made it. */
function toRecord(table: TableName, row: unknown): YearRecord {
  if (typeof row !== 'object' || row === null) throw new Error(`a ${table} row is not an object`);
  const { id, _hlc: hlc, ...fields } = row as Record<string, unknown>;
  if (typeof id !== 'string' || typeof hlc !== 'string') throw new Error(`a ${table} row has no id or clock`);
  return { table, id, hlc, fields };
}

/** Records per transaction when storing the year: large enough to be quick, small enough for one JSON parameter. */
const STORE_BATCH = 5_000;

/**
 * Puts the year into the server's store with the store's own functions, numbered in order as
 * pushes would number them: a few seconds, where the push endpoint took 40-odd on PGlite, and
 * this benchmark is about the pull. Each record is written once: its replica is that one write.
 */
export async function storeYear(store: Store, centreId: string, records: readonly YearRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += STORE_BATCH) {
    const batch = records.slice(start, start + STORE_BATCH);
    await store.transaction(async (tx) => {
      await lockCentreForChanges(tx, centreId);
      const firstCursor = (await takeCursors(tx, centreId, batch.length)) - batch.length + 1;
      const numbered = batch.map((record, i) => ({ table: record.table, id: record.id, replica: mergeOp(undefined, record).next, cursor: firstCursor + i }));
      await upsertRecords(tx, centreId, numbered);
    });
  }
  // What the push route does as records arrive (every 10,000 ops): PGlite has no autovacuum.
  await analyse(store);
}

/** The server's records of the centre, per table, and the cursor of its latest change. */
async function serverHolds(store: Store, centreId: string): Promise<{ counts: Record<string, number>; lastCursor: number }> {
  const rows = await store.query<{ tbl: string; n: number }>('SELECT tbl, count(*)::int AS n FROM records WHERE centre_id = $1 GROUP BY tbl', [centreId]);
  const [centre] = await store.query<{ last_cursor: number }>('SELECT last_cursor FROM centres WHERE id = $1', [centreId]);
  if (!centre) throw new Error('the centre is gone');
  const counts = Object.fromEntries(TABLE_NAMES.map((table) => [table, rows.find((row) => row.tbl === table)?.n ?? 0]));
  return { counts, lastCursor: centre.last_cursor };
}

/** `waitingMs`: the pull requests' time from sent to answered, the server's share of `ms`. */
type PullWait = { ms: number; pages: number; waitingMs: number } | { timedOut: true; cursor: number; outcome: unknown };

/**
 * In the page: taps "Enrol" and waits until the stored pull cursor reaches the server's last
 * change. Each page is stored with its cursor in one transaction, so that cursor means every
 * record is on the tablet. Timed in the page: no round trip to the test in the figure.
 * Runs in the page (page.evaluate), so it must not close over anything.
 */
async function enrolAndWaitForPull({ lastCursor, giveUpMs }: { lastCursor: number; giveUpMs: number }): Promise<PullWait> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('daybook');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(String(request.error)));
  });
  // An app update that upgrades the database must not wait for this connection.
  db.onversionchange = () => db.close();
  const meta = (key: string) =>
    new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      const request = db.transaction('meta', 'readonly').objectStore('meta').get(key);
      request.onsuccess = () => resolve(request.result as Record<string, unknown> | undefined);
      request.onerror = () => reject(new Error(String(request.error)));
    });
  try {
    const button = document.querySelector<HTMLButtonElement>('.enrol-form button[type=submit]');
    if (!button) throw new Error('no Enrol button on the page');
    // The default keeps 250 entries: a year's pages and the app's files would not fit.
    performance.setResourceTimingBufferSize(10_000);
    const start = performance.now();
    button.click();
    for (;;) {
      const cursor = (await meta('pullCursor'))?.cursor;
      if (typeof cursor === 'number' && cursor >= lastCursor) {
        const ms = performance.now() - start;
        const pulls = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/v1/sync/pull'));
        return { ms, pages: pulls.length, waitingMs: pulls.reduce((sum, entry) => sum + entry.duration, 0) };
      }
      if (performance.now() - start > giveUpMs) return { timedOut: true, cursor: typeof cursor === 'number' ? cursor : 0, outcome: await meta('syncOutcome') };
      // Often enough for a figure in seconds, rarely enough not to slow the pull it measures.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    db.close();
  }
}

/** In the page: the number of rows in each of the tablet's record stores. Must not close over anything. */
async function countInPage(tables: string[]): Promise<Record<string, number>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('daybook');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(String(request.error)));
  });
  try {
    const tx = db.transaction(tables, 'readonly');
    const counts = await Promise.all(
      tables.map(
        (table) =>
          new Promise<number>((resolve, reject) => {
            const request = tx.objectStore(table).count();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(new Error(String(request.error)));
          }),
      ),
    );
    return Object.fromEntries(tables.map((table, i) => [table, counts[i]!]));
  } finally {
    db.close();
  }
}

/**
 * A fresh tablet in Chromium enrolled into a centre whose server holds one year of a busy centre
 * (seed-year.ts: ~117,000 records), timed from the tap on "Enrol" to every record stored. The
 * server is the real one (PGlite in a temp DATA_DIR, serving the built app). `cpuRate` above 1
 * throttles the tablet's CPU.
 */
export async function freshTabletPull(browser: Browser, cpuRate = 1): Promise<BenchResult[]> {
  const server = await startServer();
  const { context, page } = await newTablet(browser);
  try {
    const centre = await createCentre(server.store, { name: 'Busy centre', timeZone: 'Europe/Paris' });
    const seedStart = performance.now();
    const records = await yearOfRecords(yearPlan(Date.now()));
    await storeYear(server.store, centre.id, records);
    const seedMs = performance.now() - seedStart;
    const held = await serverHolds(server.store, centre.id);
    const total = Object.values(held.counts).reduce((sum, n) => sum + n, 0);
    if (total !== records.length) throw new Error(`the server holds ${total} records of the ${records.length} stored`);

    // tsx keeps function names with a `__name` helper that functions sent to the page call.
    await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
    const { code } = await mintEnrolmentCode(server.store, { centreId: centre.id, role: 'volunteer', now: Date.now() });
    await page.goto(`${server.url}/enrol?server=${encodeURIComponent(server.url)}&code=${encodeURIComponent(code)}`);
    // The app is loaded and installed before the tap, as on a tablet being set up.
    await serviceWorkerReady(page);
    await page.getByRole('textbox', { name: 'Name of this tablet' }).fill('Fresh tablet');
    if (cpuRate > 1) await throttleCpu(context, page, cpuRate);
    const waited = await page.evaluate(enrolAndWaitForPull, { lastCursor: held.lastCursor, giveUpMs: GIVE_UP_MS });
    if ('timedOut' in waited) {
      throw new Error(`the fresh tablet had pulled to cursor ${waited.cursor} of ${held.lastCursor} after ${GIVE_UP_MS / 1000} s; last sync: ${JSON.stringify(waited.outcome)}`);
    }
    const onTablet = await page.evaluate(countInPage, [...TABLE_NAMES]);
    for (const table of TABLE_NAMES) {
      if (onTablet[table] !== held.counts[table]) throw new Error(`the tablet holds ${onTablet[table]} ${table}, the server ${held.counts[table]}`);
    }
    const seconds = waited.ms / 1000;
    const throttled = cpuRate > 1 ? `CPU ${cpuRate}x` : 'CPU not throttled';
    return [
      {
        name: `fresh tablet pulls a year of a busy centre, enrol tap to all stored (${throttled})`,
        value: seconds,
        unit: 's',
        target: { max: 20 },
        detail:
          `${total.toLocaleString('en')} records, ${Math.round(total / seconds).toLocaleString('en')} records/s; ` +
          `${waited.pages} pages, ${(waited.waitingMs / 1000).toFixed(1)} s of it waiting for the server; stored on the server in ${(seedMs / 1000).toFixed(1)} s`,
      },
    ];
  } finally {
    await context.close();
    await server.stop();
  }
}
