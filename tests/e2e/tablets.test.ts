import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre, listDevices } from '../../src/server/store/accounts';
import { issueCode } from '../../src/shared/codes';
import { newTablet } from './support/harness';
import { browserAndServer } from './support/suite';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

const suite = browserAndServer();

/**
 * What a camera pointed at the screen reads: the screenshot's pixels (drawn on a canvas in a
 * blank page, which decodes the PNG) read by jsQR, a decoder that owes nothing to the encoder.
 */
async function scanScreenshot(browser: Browser, png: Buffer): Promise<string | null> {
  const page = await browser.newPage();
  try {
    const { width, height, rgba } = await page.evaluate(async (source) => {
      const image = new Image();
      image.src = source;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let binary = '';
      for (let i = 0; i < pixels.length; i += 0x8000) binary += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
      return { width: canvas.width, height: canvas.height, rgba: btoa(binary) };
    }, `data:image/png;base64,${png.toString('base64')}`);
    return jsQR(new Uint8ClampedArray(Buffer.from(rgba, 'base64')), width, height)?.data ?? null;
  } finally {
    await page.close();
  }
}

async function reconnect(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(false);
  await page.evaluate(() => globalThis.dispatchEvent(new Event('online')));
}

describe('Tablets: a lead adds a tablet with a QR code, and revokes it', () => {
  it('enrols a second tablet from the QR code on screen, lists both, and a revoked one says so and keeps its changes', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Dunkirk', timeZone: 'Europe/Paris' });
    const lead = await newTablet(suite.browser);
    const volunteer = await newTablet(suite.browser);
    try {
      await enrolTablet(lead.page, suite.server, { centre, name: 'Office laptop', role: 'lead' });
      await lead.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Tablets' }).click();
      await lead.page.getByRole('form', { name: 'Add a tablet' }).getByRole('button', { name: 'Make the code' }).click();
      const card = lead.page.getByRole('region', { name: 'Code for a volunteer’s tablet' });
      const code = (await card.locator('.enrolment-code-text').textContent())!;
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      await expect.poll(async () => (await card.textContent()) ?? '').toMatch(/Works for 1 tablet until \d\d:\d\d on .+ \(in 1 day\)\./);

      // The new tablet's camera reads the screen: the link opens its enrol screen, filled in.
      const qr = card.getByRole('img', { name: /^QR code to scan with the new tablet/ });
      // At the top of the screen: a notice at its foot (the app saying it now works offline) must not cover it.
      await qr.evaluate((element) => element.scrollIntoView({ block: 'start' }));
      const box = (await qr.boundingBox())!;
      // Big enough for a camera a metre away: the symbol (41 of the 49 modules drawn, the rest
      // quiet zone) about 10 cm wide at the CSS pixel's 0.26 mm.
      expect(box.width).toBeGreaterThanOrEqual(440);
      const link = await scanScreenshot(suite.browser, await lead.page.screenshot());
      expect(link).toBe(`${suite.server.url}/enrol?server=${encodeURIComponent(suite.server.url)}&code=${code}`);

      await volunteer.page.goto(link!);
      await volunteer.page.getByRole('textbox', { name: 'Name of this tablet' }).fill('Playroom 2');
      await volunteer.page.getByRole('button', { name: 'Enrol' }).click();
      await volunteer.page.getByText('This tablet is now connected to Dunkirk as a volunteer tablet.', { exact: false }).waitFor();
      await volunteer.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
      await volunteer.page.getByText('All changes sent').waitFor({ timeout: 30_000 });

      // Offline, the volunteer's tablet records a check-in that waits to be sent.
      await volunteer.context.setOffline(true);
      await registerAndCheckIn(volunteer.page, issueCode('K', 4173));
      await volunteer.page.getByText(/^\d+ changes? waiting$/).waitFor();
      const waiting = await volunteer.page.getByText(/^\d+ changes? waiting$/).textContent();

      // The lead closes the code; the list, read again, has both tablets.
      await card.getByRole('button', { name: 'Close the code' }).click();
      const list = lead.page.getByRole('region', { name: 'The centre’s tablets' });
      const row = (name: string) => list.getByRole('listitem').filter({ has: lead.page.getByRole('heading', { name, level: 3 }) });
      await row('Playroom 2').waitFor();
      expect(await row('Office laptop').textContent()).toContain('This tablet');
      expect(await row('Playroom 2').textContent()).toContain('Volunteer');
      expect(await row('Office laptop').getByRole('button', { name: /Revoke/ }).count()).toBe(0);

      // Revoking asks a second time, then the server refuses the tablet from then on.
      await row('Playroom 2').getByRole('button', { name: 'Revoke Playroom 2' }).click();
      await lead.page.getByRole('button', { name: 'Revoke Playroom 2 for good' }).click();
      await lead.page.getByText('Playroom 2 is revoked. To bring it back, enrol it again with a new code.').waitFor();
      await row('Playroom 2').getByText('Revoked', { exact: true }).waitFor();
      const devices = await listDevices(suite.server.store, centre.id);
      expect(devices.map(({ name, role, revoked }) => ({ name, role, revoked })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'Office laptop', role: 'lead', revoked: false },
        { name: 'Playroom 2', role: 'volunteer', revoked: true },
      ]);

      // Back online, the revoked tablet says it lost its enrolment and keeps what it recorded.
      await reconnect(volunteer.context, volunteer.page);
      await volunteer.page.getByText('The server no longer accepts this tablet.').waitFor({ timeout: 30_000 });
      expect(await volunteer.page.getByText(waiting!, { exact: true }).count()).toBe(1);
    } finally {
      await lead.context.close();
      await volunteer.context.close();
    }
  });
});
