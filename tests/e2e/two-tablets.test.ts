import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre, listDevices, mintEnrolmentCode, revokeDevice } from '../../src/server/store/accounts';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { newTablet } from './support/harness';
import { browserAndServer } from './support/suite';

const suite = browserAndServer();

const SHARED = issueCode('K', 4173);
const ONLY_A = issueCode('K', 4174);
const ONLY_B = issueCode('K', 4175);

async function enrol(page: Page, centreId: string, name: string): Promise<void> {
  const { code } = await mintEnrolmentCode(suite.server.store, { centreId, role: 'lead', now: Date.now() });
  // The link a QR code would carry: the server address and the code, prefilled.
  await page.goto(`${suite.server.url}/enrol?server=${encodeURIComponent(suite.server.url)}&code=${encodeURIComponent(code)}`);
  await page.getByRole('textbox', { name: 'Name of this tablet' }).fill(name);
  await page.getByRole('button', { name: 'Enrol' }).click();
  await page.getByText(/This tablet is now connected to Dunkirk/).waitFor();
}

async function registerAndCheckIn(page: Page, code: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Child code' }).fill(code);
  await page.getByRole('button', { name: 'Check in or out' }).click();
  const form = page.getByRole('form', { name: 'Register a child' });
  await form.getByRole('radio', { name: '6-8' }).check();
  await form.getByRole('radio', { name: 'Girl' }).check();
  await form.getByRole('button', { name: 'Register and check in' }).click();
  await page.getByText(`${formatCodeForReading(code)} registered and checked in`).waitFor();
}

/** The connection comes back: the app syncs on `online`. */
async function reconnect(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(false);
  await page.evaluate(() => globalThis.dispatchEvent(new Event('online')));
}

async function allSent(page: Page): Promise<void> {
  await page.getByText('All changes sent').waitFor({ timeout: 30_000 });
}

const presentCodes = async (page: Page) => (await page.locator('.tiles .tile-code').allTextContents()).sort();

describe('two tablets, offline, then together again', () => {
  it('converge on one present list where a child checked in on both counts once; a revoked tablet keeps its changes until it enrols again', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Dunkirk', timeZone: 'Europe/Paris' });
    const a = await newTablet(suite.browser);
    const b = await newTablet(suite.browser);
    try {
      await enrol(a.page, centre.id, 'Playroom 1');
      await enrol(b.page, centre.id, 'Playroom 2');
      for (const tablet of [a, b]) {
        await tablet.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
        await tablet.context.setOffline(true);
      }

      // The network is down. Both tablets check in the same child, and one other each.
      await registerAndCheckIn(a.page, SHARED);
      await registerAndCheckIn(a.page, ONLY_A);
      await registerAndCheckIn(b.page, SHARED);
      await registerAndCheckIn(b.page, ONLY_B);
      await b.page.getByText('6 changes waiting').waitFor();

      // The connection comes back: each pushes and pulls; a second round brings A what B sent.
      for (const tablet of [a, b, a]) {
        await reconnect(tablet.context, tablet.page);
        await allSent(tablet.page);
      }
      const expected = [SHARED, ONLY_A, ONLY_B].map(formatCodeForReading).sort();
      for (const tablet of [a, b]) {
        await expect.poll(() => presentCodes(tablet.page), { timeout: 30_000 }).toEqual(expected);
        expect(await tablet.page.getByTestId('children-in').textContent()).toBe('3');
      }

      // The lead revokes tablet B (lost, say). B checks a child out: the server refuses B, and
      // B keeps the change.
      const devices = await listDevices(suite.server.store, centre.id);
      const deviceB = devices.find((device) => device.name === 'Playroom 2')!;
      expect(await revokeDevice(suite.server.store, { deviceId: deviceB.id, now: Date.now() })).toBe(true);
      await b.page.getByRole('button', { name: `Check out ${formatCodeForReading(ONLY_B)}` }).click();
      await b.page.getByText(`${formatCodeForReading(ONLY_B)} checked out`).waitFor();
      await reconnect(b.context, b.page);
      await b.page.getByText('The server no longer accepts this tablet.').waitFor({ timeout: 30_000 });
      expect(await b.page.getByText('1 change waiting').count()).toBe(1);

      // Enrolled again with a new code, B sends the change it kept; A sees the child gone.
      await enrol(b.page, centre.id, 'Playroom 2');
      await b.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
      await allSent(b.page);
      await reconnect(a.context, a.page);
      await expect.poll(() => presentCodes(a.page), { timeout: 30_000 }).toEqual([SHARED, ONLY_A].map(formatCodeForReading).sort());
      expect(await a.page.getByTestId('children-in').textContent()).toBe('2');
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
