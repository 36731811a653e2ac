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
    const checkIns: number[] = [];
    const checkOuts: number[] = [];
    for (const code of candidates) {
      const reading = formatCodeForReading(code);
      await page.getByRole('textbox', { name: 'Child code' }).fill(code);
      // A tap comes after the typing has been drawn (suggestions included), not in the same frame.
      await page.getByRole('region', { name: 'Matching children' }).waitFor();
      await settle(page);
      checkIns.push(await timeInPage(page, '.find-child button[type=submit]', `${reading} checked in`, reading, 'appear'));
      await settle(page);
      const tileIndex = await page.locator('.tile-code').evaluateAll((nodes, text) => nodes.findIndex((node) => node.textContent === text), reading);
      checkOuts.push(await timeInPage(page, `.tiles li:nth-child(${tileIndex + 1}) .tile`, `${reading} checked out`, reading, 'vanish'));
    }
    const detail = `${rows.toLocaleString('en')} rows seeded in ${(seedMs / 1000).toFixed(1)} s; ${presentNow} children present`;
    return [
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
