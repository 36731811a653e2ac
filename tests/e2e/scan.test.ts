import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { chromiumPath, CHROMIUM_ARGS } from '../support/chromium';
import { axeViolations } from './support/axe';
import { cardVideo, fakeCameraArgs } from './support/card-video';
import { newTablet, serviceWorkerReady, startServer, type RunningServer } from './support/harness';
import { registerAndCheckIn } from './support/tablet-steps';

/**
 * Scanning a child's card on Today in Chromium, against the real server and the tablet's real
 * database. Chromium's fake camera plays a video of the printed card, made here from the code;
 * BarcodeDetector is taken away before the app loads, so the WebAssembly reader is the one that
 * reads it, and it must come from this server, through the service worker, with the tablet
 * offline.
 */

const CODE = issueCode('K', 4173);
const READABLE = formatCodeForReading(CODE);

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...fakeCameraArgs(await cardVideo(CODE))] });
  server = await startServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const presentList = (page: Page) => page.getByRole('region', { name: 'Children here now' });

describe('Scanning a child’s card on Today', () => {
  it('checks the child in from the card the camera sees, with the WebAssembly reader, offline, and Undo checks them out again', async () => {
    const { context, page } = await newTablet(browser);
    try {
      await context.addInitScript(() => {
        delete (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector;
        // The app's CSP must let the reader compile ('wasm-unsafe-eval'), and nothing else.
        const seen: string[] = [];
        (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
        document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
      });
      const requests: { url: string; fromServiceWorker: boolean }[] = [];
      page.on('requestfinished', (request) => {
        void request.response().then((response) => requests.push({ url: request.url(), fromServiceWorker: response?.fromServiceWorker() ?? false }));
      });

      // First visit online: the service worker keeps the app, the reader's WebAssembly with it.
      await page.goto(server.url);
      await serviceWorkerReady(page);
      await page.reload();
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      expect(await page.evaluate(() => 'BarcodeDetector' in globalThis)).toBe(false);
      await context.setOffline(true);

      // The child is registered and has been and gone once today.
      await registerAndCheckIn(page, CODE);
      await presentList(page).getByRole('button', { name: new RegExp(`Check out\\s*${READABLE}`) }).click();
      await page.getByText(`${READABLE} checked out`).waitFor();
      await presentList(page).getByText('No children checked in yet.').waitFor();
      // Later in the day, the volunteer comes back to Today from another screen. (Today is drawn
      // anew, so its double-tap guard, a second long, cannot take the scan for a second tap.)
      const screens = page.getByRole('navigation', { name: 'Screens' });
      await screens.getByRole('link', { name: 'Sessions' }).click();
      await page.getByRole('heading', { name: 'Activity sessions' }).waitFor({ state: 'attached' });
      await screens.getByRole('link', { name: 'Today' }).click();

      await page.getByRole('button', { name: 'Scan a card' }).click();
      await page.getByText(`${READABLE} checked in`).waitFor();
      await presentList(page).getByRole('button', { name: new RegExp(`Check out\\s*${READABLE}`) }).waitFor();
      expect(await page.getByRole('region', { name: 'Headcount' }).getByText('Child in', { exact: true }).locator('xpath=following-sibling::dd').textContent()).toBe('1');

      // The reader came from this server's build, out of the service worker's cache.
      const wasm = requests.filter((request) => request.url.endsWith('.wasm'));
      expect(wasm).toHaveLength(1);
      expect(wasm[0]!.url).toMatch(new RegExp(`^${server.url}/assets/zxing_reader-[\\w-]+\\.wasm$`));
      expect(wasm[0]!.fromServiceWorker).toBe(true);
      expect(requests.filter((request) => !request.url.startsWith(server.url))).toEqual([]);

      expect(await page.evaluate(() => (globalThis as unknown as { cspViolations?: string[] }).cspViolations)).toEqual([]);

      // With the camera on, the screen is still accessible, and the keypad still there.
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('group', { name: 'Keypad' }).waitFor();
      const stop = page.getByRole('button', { name: 'Stop the camera' });
      const box = (await stop.boundingBox())!;
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(47.5);

      // The card is still in front of the camera: Undo leaves the child out, and it stays so.
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.getByText('Undone').waitFor();
      await presentList(page).getByText('No children checked in yet.').waitFor();

      await stop.click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id)).toBe('child-code');
      await expect.poll(() => page.getByLabel('What the camera sees').count()).toBe(0);
      await presentList(page).getByText('No children checked in yet.').waitFor();
    } finally {
      await context.close();
    }
  });
});
