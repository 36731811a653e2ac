import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { newTablet, startServer } from '../e2e/support/harness';
import { throttleCpu } from './first-load';
import { median, percentile, type BenchResult } from './report';

/**
 * The floors of this machine's IndexedDB, measured in the same Chromium, at the same throttle and
 * in the same run as the tablet's figures: a bare page with Dexie and nothing else. Absolute
 * times do not carry from one machine to the next (another quiet machine of the same kind gave
 * 2-3x the figures); a figure as a multiple of its floor does.
 */

/** Names of the floor rows, which the run's figures are compared with (multiplesOfFloors). */
export const FLOOR = {
  write: 'floor: one record and its outbox row, one strict transaction, bare Dexie, CPU 4x (p95)',
  read: 'floor: one day of a busy centre read by index, bare Dexie, CPU 4x (p95)',
  bulk: 'floor: bulk-put a year of records, pages of 5,000, bare Dexie, CPU not throttled',
} as const;

/** A busy day's rows (the seeded year's: about 300 check-ins and outs, 90 participations, shifts). */
const DAY_ROWS = 400;
/** As many records as a fresh tablet pulls (fresh-pull.ts: about 117,000). */
const YEAR_RECORDS = 117_000;
const WRITES = 40;
const READS = 20;

export async function idbFloors(browser: Browser): Promise<BenchResult[]> {
  const server = await startServer();
  const { context, page } = await newTablet(browser, { serviceWorkers: 'block' });
  try {
    // tsx keeps function names with a `__name` helper that functions sent to the page call.
    await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
    // A page of the server's origin holding nothing but Dexie: IndexedDB needs a real origin.
    const bare = `${server.url}/bench-floor`;
    await page.route(bare, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>floor</title>' }));
    await page.goto(bare);
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('dexie/dist/dexie.js') });
    await page.evaluate(async () => {
      const { Dexie } = globalThis as unknown as { Dexie: new (name: string, options: object) => { version(n: number): { stores(s: object): void }; open(): Promise<void> } };
      // The app's durability and its attendance indexes, and nothing of its code.
      const db = new Dexie('floor', { chromeTransactionDurability: 'strict' });
      db.version(1).stores({ attendance: 'id, day, childId', outbox: '++seq', bulk: 'id, day' });
      await db.open();
      (globalThis as unknown as { floorDb: unknown }).floorDb = db;
    });

    // Bulk first, unthrottled, as the fresh pull is measured.
    const bulkMs = await page.evaluate(
      async ({ total }) => {
        type Table = { bulkPut(rows: object[]): Promise<unknown> };
        const db = (globalThis as unknown as { floorDb: { bulk: Table; transaction(mode: string, tables: Table[], work: () => Promise<unknown>): Promise<unknown> } }).floorDb;
        const start = performance.now();
        for (let from = 0; from < total; from += 5000) {
          const rows = Array.from({ length: Math.min(5000, total - from) }, (_, i) => ({
            id: `0195${String(from + i).padStart(8, '0')}-0000-7000-8000-b0b0b0b0b0b0`,
            childId: `child-${1000 + ((from + i) % 2000)}K0`,
            day: `2026-${String(1 + ((from + i) % 12)).padStart(2, '0')}-15`,
            kind: 'in',
            at: 1_700_000_000_000 + from + i,
            deleted: false,
            _hlc: '1700000000000-0000-b0b0b0b0b0b0b0b0',
          }));
          await db.transaction('rw', [db.bulk], () => db.bulk.bulkPut(rows));
        }
        return performance.now() - start;
      },
      { total: YEAR_RECORDS },
    );

    await throttleCpu(context, page);
    const timings = await page.evaluate(
      async ({ dayRows, writes, reads }) => {
        type Table = { add(row: object): Promise<unknown>; put(row: object): Promise<unknown>; bulkPut(rows: object[]): Promise<unknown>; where(index: string): { equals(value: string): { toArray(): Promise<unknown[]> } } };
        const db = (globalThis as unknown as { floorDb: { attendance: Table; outbox: Table; transaction(mode: string, tables: Table[], work: () => Promise<unknown>): Promise<unknown> } }).floorDb;
        const event = (i: number, day: string) => ({ id: `event-${day}-${i}`, childId: `child-${1000 + i}K0`, day, kind: 'in', at: 1_700_000_000_000 + i, deleted: false, _hlc: '1700000000000-0000-b0b0b0b0b0b0b0b0' });
        await db.attendance.bulkPut(Array.from({ length: dayRows }, (_, i) => event(i, '2026-11-24')));
        const write: number[] = [];
        for (let i = 0; i < writes; i++) {
          const row = event(10_000 + i, '2026-11-25');
          const start = performance.now();
          await db.transaction('rw', [db.attendance, db.outbox], async () => {
            await db.attendance.put(row);
            await db.outbox.add({ table: 'attendance', id: row.id, hlc: row._hlc, fields: row });
          });
          write.push(performance.now() - start);
        }
        const read: number[] = [];
        for (let i = 0; i < reads; i++) {
          const start = performance.now();
          const rows = await db.attendance.where('day').equals('2026-11-24').toArray();
          if (rows.length !== dayRows) throw new Error(`read ${rows.length} rows of ${dayRows}`);
          read.push(performance.now() - start);
        }
        return { write, read };
      },
      { dayRows: DAY_ROWS, writes: WRITES, reads: READS },
    );
    return [
      { name: FLOOR.write, value: percentile(timings.write, 95), unit: 'ms', detail: `${WRITES} writes; median ${median(timings.write).toFixed(1)} ms` },
      { name: FLOOR.read, value: percentile(timings.read, 95), unit: 'ms', detail: `${DAY_ROWS} rows, ${READS} reads; median ${median(timings.read).toFixed(1)} ms` },
      { name: FLOOR.bulk, value: bulkMs / 1000, unit: 's', detail: `${YEAR_RECORDS.toLocaleString('en')} records, one transaction per page` },
    ];
  } finally {
    await context.close();
    await server.stop();
  }
}

/**
 * The tablet's figures as multiples of their floors, with issue 14's targets: a check-in's p95
 * at most 2x the write floor's, a kept day summary at most 2x the read floor of its rows, a fresh
 * tablet's complete pull at most 1.5x the bulk-put floor of as many records. A figure or floor
 * this run could not measure gives no row.
 */
export function multiplesOfFloors(results: readonly BenchResult[]): BenchResult[] {
  const find = (prefix: string) => results.find((result) => result.name.startsWith(prefix) && Number.isFinite(result.value));
  const pairs: [string, string, string, number][] = [
    ['tap check-in to committed + shown, year of data, CPU 4x (p95)', FLOOR.write, 'check-in p95 as a multiple of the write floor', 2],
    ['tap check-in to committed + shown during that purge, CPU 4x (p95)', FLOOR.write, 'check-in p95 during the purge as a multiple of the write floor', 2],
    ['day summary, kept, year of data, CPU 4x (p95)', FLOOR.read, 'kept day summary p95 as a multiple of the read floor', 2],
    ['fresh tablet pulls a year of a busy centre', FLOOR.bulk, 'fresh tablet complete as a multiple of the bulk-put floor', 1.5],
  ];
  return pairs.flatMap(([figureName, floorName, name, max]) => {
    const figure = find(figureName);
    const floor = find(floorName);
    if (!figure || !floor || floor.value <= 0) return [];
    return [{ name, value: figure.value / floor.value, unit: 'x', target: { max }, detail: `${figure.value.toFixed(1)} ${figure.unit} against ${floor.value.toFixed(1)} ${floor.unit}` }];
  });
}
