import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { csvRow } from '../support/csv';
import { axeViolations } from './support/axe';
import { launchBrowser, newTablet, serviceWorkerReady, startServer } from './support/harness';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const CODES = Array.from({ length: 40 }, (_, i) => issueCode('K', 4101 + i));
const AGE_BANDS = ['0-2', '3-5', '6-8', '9-12', '13-17'];
const GENDERS = ['Girl', 'Boy', 'Other', 'Not said'];
const VOLUNTEERS = ['Amira', 'Jo', 'Sam', 'Lina'];

async function go(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen }).click();
}

async function registerAndCheckIn(page: Page, code: string, i: number): Promise<void> {
  await page.getByRole('textbox', { name: 'Child code' }).fill(code);
  await page.getByRole('button', { name: 'Check in or out' }).click();
  const form = page.getByRole('form', { name: 'Register a child' });
  await form.getByRole('radio', { name: AGE_BANDS[i % AGE_BANDS.length]!, exact: true }).check();
  await form.getByRole('radio', { name: GENDERS[i % GENDERS.length]!, exact: true }).check();
  await form.getByRole('button', { name: 'Register and check in' }).click();
  await page.getByText(`${formatCodeForReading(code)} registered and checked in`).waitFor();
}

async function tapVolunteer(page: Page, action: 'Sign on' | 'Sign off', name: string): Promise<void> {
  await page.getByRole('button', { name: `${action} ${name}` }).click();
  await page.getByText(`${name} signed ${action === 'Sign on' ? 'on' : 'off'}`).waitFor();
}

async function childrenIn(page: Page): Promise<string | null> {
  return page.getByTestId('children-in').textContent();
}

async function startSessionWith(page: Page, activity: string, codes: readonly string[]): Promise<void> {
  await page.getByRole('button', { name: 'Start a session' }).click();
  await page.getByRole('button', { name: `Start ${activity}` }).click();
  await page.getByText(`${activity} started`).waitFor();
  await page.getByRole('button', { name: 'Add children' }).click();
  const form = page.getByRole('form', { name: `Add children to ${activity}` });
  for (const code of codes) await form.getByRole('checkbox', { name: new RegExp(`^${formatCodeForReading(code)}`) }).check();
  await form.getByRole('button', { name: `Add ${codes.length} children` }).click();
  await page.getByRole('heading', { name: activity, level: 2 }).waitFor();
}

async function storedCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('daybook');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`cannot open the database: ${String(request.error)}`));
    });
    const counts: Record<string, number> = {};
    for (const store of ['children', 'attendance', 'sessions', 'participations', 'volunteers', 'shifts', 'dayCloses']) {
      counts[store] = await new Promise<number>((resolve) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
      });
    }
    db.close();
    return counts;
  });
}

/** The Summary screen's key figures, label to value. */
async function keyFigures(page: Page): Promise<Record<string, string>> {
  await page.locator('.key-figure').first().waitFor();
  return page.locator('.key-figure').evaluateAll((cards) =>
    Object.fromEntries(cards.map((card) => [card.querySelector('dt')?.textContent ?? '', card.querySelector('.key-figure-value')?.textContent ?? ''])),
  );
}

/** Taps a download button and reads the file the tablet saved. */
async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: (await readFile(path, 'utf8')).replace(/^\ufeff/, '') };
}

describe('a whole day at the centre with the network off', () => {
  it('runs 40 children, 3 sessions, 4 volunteers, a ratio warning and the close, and keeps it all across a reload', async () => {
    const server = await startServer();
    const { context, page } = await newTablet(browser);
    // A summer Monday, 09:30 in Dunkirk; time runs from there, and jumps when the test says.
    await context.clock.install({ time: new Date('2026-06-15T07:30:00Z') });
    try {
      await page.goto(server.url);
      await serviceWorkerReady(page);
      await server.stop();
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();

      // The first volunteer arrives and puts the team on the list.
      await go(page, 'Shifts');
      for (const name of VOLUNTEERS) {
        await page.getByRole('textbox', { name: 'First name or nickname' }).fill(name);
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        await page.getByText(`${name} is on the list`).waitFor();
      }
      await tapVolunteer(page, 'Sign on', 'Amira');
      expect(await axeViolations(page)).toEqual([]);

      // Children arrive: with one volunteer, the ninth child breaks the ratio.
      await go(page, 'Today');
      for (const [i, code] of CODES.slice(0, 9).entries()) await registerAndCheckIn(page, code, i);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Too many children: at most 8 per volunteer, so 8 for those on duty. 1 over.');
      expect(await axeViolations(page)).toEqual([]);

      // The rest of the team signs on; the warning goes.
      await go(page, 'Shifts');
      for (const name of VOLUNTEERS.slice(1)) await tapVolunteer(page, 'Sign on', name);
      await go(page, 'Today');
      await expect.poll(() => page.getByTestId('volunteers-on-duty').textContent()).toBe('4');
      expect(await page.getByRole('alert').count()).toBe(0);
      for (const [i, code] of CODES.slice(9).entries()) await registerAndCheckIn(page, code, i + 9);
      expect(await childrenIn(page)).toBe('40');
      // 40 children for 4 volunteers is over the limit of 32 again.
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('8 over');

      // Three sessions; one child moves from art to football with one tap; music ends.
      await go(page, 'Sessions');
      await startSessionWith(page, 'Art', CODES.slice(0, 12));
      await page.getByRole('button', { name: 'All sessions' }).click();
      await startSessionWith(page, 'Football', [CODES[0]!, ...CODES.slice(12, 21)]);
      await page.getByRole('button', { name: 'All sessions' }).click();
      await startSessionWith(page, 'Music', CODES.slice(21, 29));
      await page.getByRole('button', { name: 'End session' }).click();
      await page.getByText('Music ended').waitFor();
      await page.getByRole('button', { name: 'All sessions' }).click();
      const sessionList = page.getByRole('region', { name: "Today's sessions" });
      await expect.poll(() => sessionList.getByRole('button', { name: /Art/ }).textContent()).toContain('11 children');
      expect(await sessionList.getByRole('button', { name: /Football/ }).textContent()).toContain('10 children');
      expect(await sessionList.getByRole('button', { name: /Music/ }).textContent()).toContain('8 children');
      expect(await axeViolations(page)).toEqual([]);

      // Two hours later, 15 children go home with a tap on their tile: art's 11 among them.
      await context.clock.fastForward('02:00:00');
      await go(page, 'Today');
      for (const code of CODES.slice(1, 16)) {
        await page.getByRole('button', { name: `Check out ${formatCodeForReading(code)}` }).click();
        await page.getByText(`${formatCodeForReading(code)} checked out`).waitFor();
      }
      expect(await childrenIn(page)).toBe('25');
      await go(page, 'Sessions');
      await expect.poll(() => page.getByRole('region', { name: "Today's sessions" }).getByRole('button', { name: /Art/ }).textContent()).toContain(
        '0 children',
      );

      await go(page, 'Shifts');
      await tapVolunteer(page, 'Sign off', 'Lina');

      // At 17:00 the lead closes the day: the 25 still in are checked out at the chosen time, the
      // three volunteers still on duty signed off and the two sessions still running ended.
      await context.clock.fastForward('05:30:00');
      await go(page, 'Close day');
      await page.getByText('Children still checked in: 25').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Check them all out at').fill('16:45');
      await page.getByRole('radio', { name: 'Amira' }).check();
      await page.getByLabel('Notes (no names)').fill('Calm day; football pitch muddy.');
      // What closing will also do, read before it is done (the list goes once they are signed off).
      await page.getByText('Signs off the volunteers still on duty: Amira, Jo, Sam.').waitFor();
      await page.getByRole('button', { name: 'Close the day' }).click();
      await page.getByText('Day closed at 16:45: 25 children checked out, 3 volunteers signed off, 2 sessions ended.').waitFor();
      await page.getByRole('heading', { name: 'This day is closed' }).waitFor();

      // The lead reads the day's summary, still offline, and takes the month's CSV.
      await go(page, 'Summary');
      await page.getByRole('heading', { level: 2, name: 'Today, Monday 15 June' }).waitFor();
      expect(await keyFigures(page)).toMatchObject({ Children: '40', 'New children': '40', Visits: '40', 'Most at once': '40', Sessions: '3', Volunteers: '4' });
      const activities = page.getByRole('region', { name: 'Sessions by activity' });
      // Art keeps the child who moved to football: they took part in both.
      expect(await activities.locator('li').allInnerTexts()).toEqual([
        expect.stringMatching(/^Art\s+Sessions: 1 · children: 12/),
        expect.stringMatching(/^Football\s+Sessions: 1 · children: 10/),
        expect.stringMatching(/^Music\s+Sessions: 1 · children: 8/),
      ]);
      await page.getByRole('img', { name: /Children present, volunteers on duty/ }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('radio', { name: 'Several days' }).check();
      await page.getByRole('button', { name: 'Last 7 days' }).click();
      await page.getByRole('table').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      const csv = await downloaded(page, 'Download CSV');
      expect(csv.name).toBe('daybook-2026-06-09-2026-06-15.csv');
      expect(csvRow(csv.text, '2026-06-15')?.['uniqueChildren']).toBe('40');
      expect(csvRow(csv.text, '2026-06-15')?.['sessionsByActivity.art.participants']).toBe('12');
      expect(csvRow(csv.text, '2026-06-15')?.['volunteers']).toBe('4');
      expect(csvRow(csv.text, '2026-06-14')?.['uniqueChildren']).toBe('0');
      expect(csvRow(csv.text, 'total')?.['visits']).toBe('40');
      const funders = await downloaded(page, 'Download for funders (counts under 5 hidden)');
      expect(csvRow(funders.text, '2026-06-15')?.['volunteers']).toBe('<5');
      expect(csvRow(funders.text, '2026-06-15')?.['uniqueChildren']).toBe('40');
      for (const code of CODES) expect(funders.text).not.toContain(code);

      await go(page, 'Settings');
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // Still offline: a reload finds the day exactly as it was left.
      const before = await storedCounts(page);
      expect(before).toEqual({ children: 40, attendance: 80, sessions: 3, participations: 30, volunteers: 4, shifts: 8, dayCloses: 1 });
      await page.reload();
      await go(page, 'Today');
      await page.getByText('This day is closed. As a lead you can still correct it.').waitFor();
      expect(await childrenIn(page)).toBe('0');
      // Closing finished the day: nobody is left on duty, no session runs.
      expect(await page.getByTestId('volunteers-on-duty').textContent()).toBe('0');
      await go(page, 'Sessions');
      const list = page.getByRole('region', { name: "Today's sessions" });
      await expect.poll(() => list.getByRole('button').count()).toBe(3);
      expect(await list.getByRole('button', { name: /Football/ }).textContent()).toContain('0 children');
      await go(page, 'Close day');
      await page.getByText('Calm day; football pitch muddy.').waitFor();
      expect(await storedCounts(page)).toEqual(before);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
