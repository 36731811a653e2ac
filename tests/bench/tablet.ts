import type { Browser, Page } from 'playwright-core';
import { formatCodeForReading, issueCode, SERIES_LETTERS } from '../../src/shared/codes';
import { addDays, atLocalTime, centreDay } from '../../src/shared/dates';
import { newTablet, serviceWorkerReady, startServer } from '../e2e/support/harness';
import { throttleCpu, timeReloads, USABLE_MARK } from './first-load';
import { median, percentile, type BenchResult } from './report';
import { seedInPage, type SeedPlan } from './seed-year';

const TIME_ZONE = 'Europe/Paris';

/** 2,000 issued codes, as several tablets would have issued them over a year. */
export function yearOfCodes(count = 2000): string[] {
  return Array.from({ length: count }, (_, i) => issueCode(SERIES_LETTERS[i % 4]!, 1000 + Math.floor(i / 4)));
}

export function yearPlan(now: number, presentToday = 75): SeedPlan {
  const today = centreDay(now, TIME_ZONE);
  const dayStarts = Array.from({ length: 300 }, (_, i) => {
    const day = addDays(today, i - 299);
    return { day, opensAt: atLocalTime(day, '10:00', TIME_ZONE) };
  });
  return { codes: yearOfCodes(), dayStarts, node: 'b0b0b0b0b0b0b0b0', now, presentToday };
}

/** Waits until the page has nothing left to do (the volunteer looks before the next tap). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 1000 })));
}

/** Clicks in the page and times, in the page, until `done` holds: no round trip in the figure. */
async function timeInPage(page: Page, click: string, doneText: string, tileCode: string, tileShould: 'appear' | 'vanish'): Promise<number> {
  return page.evaluate(
    ({ click, doneText, tileCode, tileShould }) =>
      new Promise<number>((resolve) => {
        const tileShown = () => [...document.querySelectorAll('.tile-code')].some((node) => node.textContent === tileCode);
        const done = () =>
          (document.querySelector('.notice-text')?.textContent ?? '').includes(doneText) && tileShown() === (tileShould === 'appear');
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (done()) {
            observer.disconnect();
            resolve(performance.now() - start);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        (document.querySelector(click) as HTMLElement).click();
      }),
    { click, doneText, tileCode, tileShould },
  );
}

/**
 * A tablet holding a year of a busy centre, CPU throttled 4x: the time to open Today, and from a
 * tap on check-in (or a tile's check-out) to the write committed and the screen updated.
 */
export async function busyTablet(browser: Browser, taps = 30, opens = 8): Promise<BenchResult[]> {
  const server = await startServer();
  const { context, page } = await newTablet(browser);
  try {
    // tsx keeps function names with a `__name` helper that functions sent to the page call.
    await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
    await page.goto(server.url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, USABLE_MARK);
    await serviceWorkerReady(page);
    const plan = yearPlan(Date.now());
    const seedStart = performance.now();
    const counts = await page.evaluate(seedInPage, plan);
    const seedMs = performance.now() - seedStart;
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);

    await throttleCpu(context, page);
    const openTimes = await timeReloads(page, opens);
    const presentNow = await page.locator('.tile-code').count();

    // Children not in today: the last codes were registered most recently and rarely visit.
    const present = new Set(await page.locator('.tile-code').allTextContents());
    const candidates = plan.codes.filter((code) => !present.has(formatCodeForReading(code))).slice(-taps);
    // Check-outs are of children already in, not of the one just checked in: a second tap on the
    // same child within a second is a double tap, done once (ui/actions), and no volunteer checks
    // a child out the moment they came.
    const leaving = [...present].slice(0, taps);
    const checkIns: number[] = [];
    const checkOuts: number[] = [];
    for (const [i, code] of candidates.entries()) {
      const reading = formatCodeForReading(code);
      await page.getByRole('textbox', { name: 'Child code' }).fill(code);
      // A tap comes after the typing has been drawn (suggestions included), not in the same frame.
      await page.getByRole('region', { name: 'Matching children' }).waitFor();
      await settle(page);
      checkIns.push(await timeInPage(page, '.find-child button[type=submit]', `${reading} checked in`, reading, 'appear'));
      await settle(page);
      const out = leaving[i]!;
      const tileIndex = await page.locator('.tiles li').evaluateAll((nodes, text) => nodes.findIndex((node) => node.querySelector('.tile-code')?.textContent === text), out);
      checkOuts.push(await timeInPage(page, `.tiles li:nth-child(${tileIndex + 1}) .tile`, `${out} checked out`, out, 'vanish'));
    }
    const detail = `${rows.toLocaleString('en')} rows seeded in ${(seedMs / 1000).toFixed(1)} s; ${presentNow} children present`;
    const purge = await purgeAMonth(page, plan.codes.filter((code) => !present.has(formatCodeForReading(code)) && !candidates.includes(code)));
    return [
      { name: 'tablet purges its oldest month, year of data, CPU 4x', value: purge.ms, unit: 'ms', detail: `${purge.removed.toLocaleString('en')} rows deleted, one day per transaction` },
      { name: 'tap check-in to committed + shown during that purge, CPU 4x (p95)', value: percentile(purge.checkIns, 95), unit: 'ms', target: { max: 50 }, detail: `${purge.checkIns.length} taps while it ran` },
      { name: 'tap check-in to committed + shown, year of data, CPU 4x (median)', value: median(checkIns), unit: 'ms', detail: `${taps} taps` },
      { name: 'tap check-in to committed + shown, year of data, CPU 4x (p95)', value: percentile(checkIns, 95), unit: 'ms', target: { max: 50 }, detail: `${taps} taps` },
      { name: 'tap tile check-out to committed + shown, CPU 4x (p95)', value: percentile(checkOuts, 95), unit: 'ms', target: { max: 50 }, detail: `${taps} taps` },
      { name: 'open Today, year of data, CPU 4x (median)', value: median(openTimes), unit: 'ms', target: { max: 300 }, detail },
      { name: 'open Today, year of data, CPU 4x (p95)', value: percentile(openTimes, 95), unit: 'ms', detail: `${opens} loads` },
    ];
  } finally {
    await context.close();
    await server.stop();
  }
}

/** Rows a purge counts on the tablet: the tables whose records have a day. */
async function dayRows(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('daybook');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error('cannot open the database'));
    });
    const count = (store: string) =>
      new Promise<number>((resolve) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
      });
    const total = (await count('attendance')) + (await count('shifts')) + (await count('sessions')) + (await count('participations')) + (await count('dayCloses'));
    db.close();
    return total;
  });
}

const TAPS_DURING_PURGE = 20;
const TAP_EVERY_MS = 1500;

/**
 * Issue 11's tablet purge: the retention period goes from 13 months to 9 (the seeded 300 days then
 * has its oldest month expired), the app is reopened, and retention runs by itself after the
 * first screen while a volunteer keeps checking children in. Times the purge (from the reload to
 * its `purgedOn` row) and each check-in made while it ran.
 */
async function purgeAMonth(page: Page, codes: readonly string[]): Promise<{ ms: number; removed: number; checkIns: number[] }> {
  const before = await dayRows(page);
  // The bound the last purge left (13 months): the purge is done once its row names another.
  const previous = await purgedBound(page);
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('daybook');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error('cannot open the database'));
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put({ id: 'retentionMonths', value: 9, deleted: false });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error('could not write the setting'));
    });
    db.close();
  });
  const started = performance.now();
  await page.reload();
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, USABLE_MARK);
  const checkIns: number[] = [];
  // A queue of children at the desk: a check-in every second and a half or so, as a volunteer
  // types one code after another; the purge goes on in the gaps.
  for (const code of codes.slice(0, TAPS_DURING_PURGE)) {
    if ((await purgedBound(page)) !== previous) break;
    if (checkIns.length > 0) await page.waitForTimeout(TAP_EVERY_MS);
    const reading = formatCodeForReading(code);
    await page.getByRole('textbox', { name: 'Child code' }).fill(code);
    await page.getByRole('region', { name: 'Matching children' }).waitFor();
    checkIns.push(await timeInPage(page, '.find-child button[type=submit]', `${reading} checked in`, reading, 'appear'));
  }
  while ((await purgedBound(page)) === previous) await new Promise((resolve) => setTimeout(resolve, 100));
  const ms = performance.now() - started;
  const removed = before + checkIns.length - (await dayRows(page));
  if (removed <= 0) throw new Error('the purge deleted nothing: the bench measured no purge');
  return { ms, removed, checkIns };
}

/** The bound the tablet's last purge applied (its `purgedOn` row), or null before any. */
function purgedBound(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      new Promise<string | null>((resolve) => {
        const open = indexedDB.open('daybook');
        open.onsuccess = () => {
          const request = open.result.transaction('meta').objectStore('meta').get('purgedOn');
          request.onsuccess = () => {
            const row = request.result as { firstKept?: string } | undefined;
            open.result.close();
            resolve(row?.firstKept ?? null);
          };
        };
        open.onerror = () => resolve(null);
      }),
  );
}
