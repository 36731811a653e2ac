import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newTablet, serviceWorkerReady, startServer } from '../e2e/support/harness';
import { median, percentile, type BenchResult } from './report';

export const USABLE_MARK = 'daybook:today-usable';

/** CPU throttling like a cheap tablet's, through the DevTools protocol. */
export async function throttleCpu(context: BrowserContext, page: Page, rate = 4): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * Reloads the page `runs` times after one warm-up load and returns, for each, the time from
 * navigation start to the Today screen's "usable" mark (its present list read and drawn).
 */
export async function timeReloads(page: Page, runs: number, check?: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await page.reload();
    const at = await page.evaluate(async (mark) => {
      for (;;) {
        const entry = performance.getEntriesByName(mark)[0];
        if (entry) return entry.startTime;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }, USABLE_MARK);
    await check?.();
    if (i > 0) times.push(at);
  }
  return times;
}

/** The gzipped size of every script the first page loads, as the browser fetched them. */
export async function firstLoadJavaScript(browser: Browser, language: { name: string; locale: string } = { name: 'English', locale: 'en-GB' }): Promise<BenchResult[]> {
  const server = await startServer();
  // The browser's language is the one the tablet opens in: its sentences are in the first load.
  const { context, page } = await newTablet(browser, { locale: language.locale });
  try {
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), response.body());
    });
    await page.goto(server.url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, USABLE_MARK);
    // What the first screen needed: the scripts loaded by the time Today is usable.
    const untilUsable = [...scripts.values()];
    // Sync and the service worker arrive after, when the tablet is idle: shown, not budgeted.
    await page.waitForTimeout(3000);
    const gzipped = async (bodies: Promise<Buffer>[]) => {
      let bytes = 0;
      for (const body of bodies) bytes += gzipSync(await body, { level: 9 }).length;
      // Decimal kilobytes: the larger, stricter number against a budget written in KB.
      return bytes / 1000;
    };
    return [
      { name: `first-load JavaScript, ${language.name} (gzip)`, value: await gzipped(untilUsable), unit: 'KB', target: { max: 130 }, detail: `${untilUsable.length} script(s) until Today is usable` },
      { name: `JavaScript in the first 3 s, incl. sync, ${language.name} (gzip)`, value: await gzipped([...scripts.values()]), unit: 'KB', detail: `${scripts.size} script(s)` },
    ];
  } finally {
    await context.close();
    await server.stop();
  }
}

/**
 * Navigation start to the Today screen being usable (its present list read from IndexedDB and
 * drawn), loaded offline from the service worker, with the CPU throttled 4x like a cheap tablet.
 */
export async function offlineStart(browser: Browser, runs = 10): Promise<BenchResult[]> {
  const server = await startServer();
  const { context, page } = await newTablet(browser);
  try {
    await page.goto(server.url);
    await serviceWorkerReady(page);
    await server.stop();
    await context.setOffline(true);
    await throttleCpu(context, page);
    const times = await timeReloads(page, runs, async () => {
      const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
      if (!controlled) throw new Error('the page was not loaded from the service worker');
    });
    return [
      { name: 'offline start to usable Today, CPU 4x (median)', value: median(times), unit: 'ms', target: { max: 1000 }, detail: `${runs} reloads` },
      { name: 'offline start to usable Today, CPU 4x (p95)', value: percentile(times, 95), unit: 'ms', detail: `${runs} reloads` },
    ];
  } finally {
    await context.close();
    await server.stop();
  }
}
