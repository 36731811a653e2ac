import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOfBuild, launchBrowser, newTablet, serviceWorkerReady, startServer } from './support/harness';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('a new version of Daybook', () => {
  it('is offered, not forced: the page never reloads until the volunteer taps Update', async () => {
    const staticDir = await copyOfBuild();
    const server = await startServer({ staticDir });
    const { context, page } = await newTablet(browser);
    try {
      await page.goto(server.url);
      await serviceWorkerReady(page);
      await page.reload();
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

      // A volunteer is half-way through typing a code when a new version is deployed.
      await page.getByRole('textbox', { name: 'Child code' }).fill('41');
      await page.evaluate(() => {
        (globalThis as unknown as { beforeUpdate: boolean }).beforeUpdate = true;
      });
      await appendFile(join(staticDir, 'sw.js'), '\n// the next version\n');
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        await registration?.update();
      });

      await page.getByText('A new version of Daybook is ready.').waitFor();
      // Give a self-reloading app every chance to misbehave, then check nothing was lost.
      await page.waitForTimeout(1500);
      expect(await page.evaluate(() => (globalThis as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBe(true);
      expect(await page.getByRole('textbox', { name: 'Child code' }).inputValue()).toBe('41');

      // The volunteer taps Update: the waiting version takes over and the page reloads once.
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Update' }).click()]);
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBeUndefined();
      expect(await page.getByText('A new version of Daybook is ready.').count()).toBe(0);
      const waiting = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null);
      expect(waiting).toBeNull();
    } finally {
      await context.close();
      await server.stop();
      await rm(staticDir, { recursive: true, force: true });
    }
  });
});
