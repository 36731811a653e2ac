import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre, listDevices, revokeDevice } from '../../src/server/store/accounts';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { newTablet } from './support/harness';
import { browserAndServer } from './support/suite';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

const suite = browserAndServer();

const SHARED = issueCode('K', 4173);
const ONLY_A = issueCode('K', 4174);
const ONLY_B = issueCode('K', 4175);

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
      await enrolTablet(a.page, suite.server, { centre, name: 'Playroom 1' });
      await enrolTablet(b.page, suite.server, { centre, name: 'Playroom 2' });
      for (const tablet of [a, b]) await tablet.context.setOffline(true);

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
      await enrolTablet(b.page, suite.server, { centre, name: 'Playroom 2' });
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
