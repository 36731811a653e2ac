import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre, mintEnrolmentCode } from '../../src/server/store/accounts';
import { axeViolations } from './support/axe';
import { newTablet } from './support/harness';
import { browserAndServer } from './support/suite';

/**
 * Trust across tablets in Chromium, the real server and its database: two tablets that start on
 * their own, register children (with real double clicks), then enrol into one centre; one code
 * typed for two different children reaches the lead, who gives one a new code.
 */

const suite = browserAndServer();

type Tablet = { context: BrowserContext; page: Page };

async function enrol(tablet: Tablet, centreId: string, role: 'lead' | 'volunteer', name: string): Promise<void> {
  const { code } = await mintEnrolmentCode(suite.server.store, { centreId, role, now: Date.now() });
  await tablet.page.goto(`${suite.server.url}/enrol?server=${encodeURIComponent(suite.server.url)}&code=${encodeURIComponent(code)}`);
  await tablet.page.getByRole('textbox', { name: 'Name of this tablet' }).fill(name);
  await tablet.page.getByRole('button', { name: 'Enrol' }).click();
  await tablet.page.getByText(/This tablet is now connected to Calais/).waitFor();
  await tablet.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
}

/** "New child", an age and a gender, then a double click on Register: one child, not two. */
async function registerNewChild(page: Page, ageBand: string, gender: string): Promise<string> {
  await page.getByRole('button', { name: 'New child' }).click();
  const form = page.getByRole('form', { name: 'Register a child' });
  await form.getByRole('radio', { name: ageBand }).check();
  await form.getByRole('radio', { name: gender }).check();
  await form.getByRole('button', { name: 'Register and check in' }).dblclick();
  const notice = page.locator('.notice-text', { hasText: 'registered and checked in' });
  await notice.waitFor();
  return (await notice.textContent())!.replace(' registered and checked in', '');
}

async function registerTyped(page: Page, code: string, ageBand: string, gender: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Child code' }).fill(code.replace(' ', ''));
  await page.getByRole('button', { name: 'Check in or out' }).click();
  const form = page.getByRole('form', { name: 'Register a child' });
  await form.getByRole('radio', { name: ageBand }).check();
  await form.getByRole('radio', { name: gender }).check();
  await form.getByRole('button', { name: 'Register and check in' }).click();
  await page.locator('.notice-text', { hasText: 'registered and checked in' }).waitFor();
}

async function synced(page: Page): Promise<void> {
  await page.evaluate(() => globalThis.dispatchEvent(new Event('online')));
  await page.getByText('All changes sent').waitFor({ timeout: 30_000 });
}

const presentCodes = async (page: Page) => (await page.locator('.tiles .tile-code').allTextContents()).sort();
const navLinks = async (page: Page) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents();

describe('two tablets that started on their own', () => {
  it('keep every child apart once enrolled; a code typed for a second child is put to the lead, whose new code keeps every visit', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Calais', timeZone: 'Europe/Paris' });
    const a = await newTablet(suite.browser);
    const b = await newTablet(suite.browser);
    try {
      for (const tablet of [a, b]) await tablet.page.goto(suite.server.url);
      // Each tablet on its own: two new children each, every Register double clicked.
      const onA = [await registerNewChild(a.page, '6-8', 'Girl'), await registerNewChild(a.page, '9-12', 'Boy')];
      const onB = [await registerNewChild(b.page, '3-5', 'Girl'), await registerNewChild(b.page, '0-2', 'Boy')];
      expect(await presentCodes(a.page)).toEqual([...onA].sort());
      expect(new Set([...onA, ...onB]).size).toBe(4);
      // A card typed wrong on B: A's first child's code, for a different child.
      await registerTyped(b.page, onA[0]!, '13-17', 'Other');

      await enrol(a, centre.id, 'lead', 'Lead tablet');
      await enrol(b, centre.id, 'volunteer', 'Playroom');
      for (const tablet of [a, b, a]) await synced(tablet.page);

      // A volunteer's tablet offers no lead screen; the lead's does.
      expect(await navLinks(b.page)).not.toContain('Close day');
      expect(await navLinks(b.page)).not.toContain('Children');
      expect(await navLinks(a.page)).toEqual(expect.arrayContaining(['Close day', 'Children']));

      // The lead is told, and answers in a few taps.
      await a.page.getByText('A code was given to two children.').waitFor({ timeout: 30_000 });
      await a.page.getByRole('link', { name: 'Sort it out' }).click();
      const card = a.page.getByRole('region', { name: `Code ${onA[0]} was given to 2 children` });
      await card.waitFor();
      expect(await axeViolations(a.page)).toEqual([]);
      await card.getByRole('button', { name: /Another child: give a new code: 13-17 · Other/ }).click();
      const notice = a.page.locator('.notice-text', { hasText: 'New code' });
      await notice.waitFor();
      const newCode = (await notice.textContent())!.match(/New code (\d{3,4} [A-Z0-9]{2,3})/)![1]!;

      await a.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
      for (const tablet of [a, b, a]) await synced(tablet.page);
      const everyone = [...onA, ...onB, newCode].sort();
      for (const tablet of [a, b]) {
        await expect.poll(() => presentCodes(tablet.page), { timeout: 30_000 }).toEqual(everyone);
        expect(await tablet.page.getByTestId('children-in').textContent()).toBe('5');
      }
      expect(await a.page.getByText('A code was given to two children.').count()).toBe(0);

      // A double click on a tile checks out once; Undo brings the child back.
      await a.page.getByRole('button', { name: `Check out ${onB[0]}` }).dblclick();
      await a.page.locator('.notice-text', { hasText: `${onB[0]} checked out` }).waitFor();
      expect(await a.page.getByTestId('children-in').textContent()).toBe('4');
      await a.page.getByRole('button', { name: 'Undo' }).click();
      await a.page.locator('.notice-text', { hasText: 'Undone' }).waitFor();
      await expect.poll(() => presentCodes(a.page)).toEqual(everyone);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
