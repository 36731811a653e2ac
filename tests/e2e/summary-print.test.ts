import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedInPage } from '../bench/seed-year';
import { yearPlan } from '../bench/tablet';
import { launchBrowser, newTablet, serviceWorkerReady, startServer } from './support/harness';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Pages in a PDF Chromium printed: one `/Type /Page` object each (`/Pages` is the tree). */
function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
}

describe('printing the summary', () => {
  it('gives one clean A4 page for a busy day: the figures and charts, no navigation or controls', async () => {
    const server = await startServer();
    const { context, page } = await newTablet(browser);
    try {
      // tsx keeps function names with a `__name` helper that functions sent to the page call.
      await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
      await page.goto(server.url);
      await serviceWorkerReady(page);
      // A year of a busy centre, as a synced tablet holds it: yesterday had ~150 visits, 8 sessions.
      await page.evaluate(seedInPage, yearPlan(Date.now()));
      await page.goto(`${server.url}/summary`);
      await page.getByRole('button', { name: 'Previous day' }).click();
      await page.getByRole('region', { name: 'Sessions by activity' }).getByRole('listitem').first().waitFor();
      await page.getByText('Children each day, last 30 days').waitFor();

      expect(pageCount(await page.pdf({ format: 'A4' }))).toBe(1);
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('navigation', { name: 'Screens' }).isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Previous day' }).isVisible()).toBe(false);
      expect(await page.getByRole('img', { name: /Children present/ }).isVisible()).toBe(true);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
