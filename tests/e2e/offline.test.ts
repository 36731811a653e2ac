import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { axeViolations } from './support/axe';
import { launchBrowser, newTablet, serviceWorkerReady, startServer } from './support/harness';
import { registerAndCheckIn } from './support/tablet-steps';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('Daybook offline, in Chromium against the real server', () => {
  it('loads from the service worker with the network off, and keeps a check-in made offline across reloads', async () => {
    const server = await startServer();
    const { context, page } = await newTablet(browser);
    try {
      await page.goto(server.url);
      await expect.poll(() => page.getByRole('textbox', { name: 'Child code' }).isVisible()).toBe(true);
      await serviceWorkerReady(page);

      // The network goes: the server stops and the browser is offline.
      await server.stop();
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();

      // Register a child and check them in, entirely offline.
      const code = issueCode('K', 4173);
      await registerAndCheckIn(page, code);
      const reading = formatCodeForReading(code);
      const tile = page.getByRole('button', { name: `Check out ${reading}` });
      await tile.waitFor();

      // A checked-in child with a bad code next to it: the field says what is wrong, nothing is stored.
      await page.getByRole('textbox', { name: 'Child code' }).fill(code.slice(0, 5) + (code[5] === '0' ? '1' : '0'));
      await page.getByRole('button', { name: 'Check in or out' }).click();
      await page.getByText('This code has a typo: check each character.').waitFor();

      expect(await axeViolations(page)).toEqual([]);

      // Still offline: a reload comes from the service worker and the child is still in.
      await page.reload();
      await page.getByRole('button', { name: `Check out ${reading}` }).waitFor();
      expect(await page.getByTestId('children-in').textContent()).toBe('1');
      const stored = await page.evaluate(async () => {
        const open = indexedDB.open('daybook');
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(new Error(`cannot open the database: ${String(open.error)}`));
        });
        const count = (store: string) =>
          new Promise<number>((resolve) => {
            const request = db.transaction(store).objectStore(store).count();
            request.onsuccess = () => resolve(request.result);
          });
        const result = {
          children: await count('children'),
          registrations: await count('registrations'),
          attendance: await count('attendance'),
          outbox: await count('outbox'),
        };
        db.close();
        return result;
      });
      // One child, their registration, one check-in, and the three ops waiting for the server.
      expect(stored).toEqual({ children: 1, registrations: 1, attendance: 1, outbox: 3 });
    } finally {
      await context.close();
      await server.stop();
    }
  });

  it('serves every screen address from the shell, offline too', async () => {
    const server = await startServer();
    const { context, page } = await newTablet(browser);
    try {
      await page.goto(server.url);
      await serviceWorkerReady(page);
      await context.setOffline(true);
      await page.goto(`${server.url}/no-such-screen`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await page.getByRole('link', { name: 'Back to Today' }).click();
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/');
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
