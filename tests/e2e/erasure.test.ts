import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { childIdFromCode, formatCodeForReading, issueCode } from '../../src/shared/codes';
import { centreDay } from '../../src/shared/dates';
import { createCentre } from '../../src/server/store/accounts';
import { rangeReport } from '../../src/server/store/reports';
import { newTablet } from './support/harness';
import { browserAndServer } from './support/suite';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

/**
 * Issue 11, erasure end to end (sync-protocol.md, Erasure; invariant 10): a lead erases a child
 * while a second tablet is offline holding that child's records, and a third tablet, offline
 * too, had checked the child in again. Afterwards no replica holds anything of the child, the
 * third tablet shows its change refused with the reason, and the day's figures are unchanged.
 * Real Chromium tablets, the real server, a real database.
 */

const suite = browserAndServer();
const CHILD = issueCode('K', 4301);
const OTHER = issueCode('K', 4302);

async function sync(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(false);
  await page.evaluate(() => globalThis.dispatchEvent(new Event('online')));
  await page.getByText('All changes sent').waitFor({ timeout: 30_000 });
}

/** What the tablet's IndexedDB holds naming the child: its record, events, sessions, registrations, queued ops. */
function heldOf(page: Page, childId: string): Promise<string[]> {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('daybook');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error('cannot open the database'));
    });
    const all = (store: string) =>
      new Promise<Record<string, unknown>[]>((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as Record<string, unknown>[]);
      });
    const held: string[] = [];
    for (const store of ['children', 'attendance', 'participations', 'registrations']) {
      for (const row of await all(store)) if (row['id'] === id || row['childId'] === id) held.push(`${store}/${String(row['id'])}`);
    }
    for (const op of await all('outbox')) {
      const fields = op['fields'] as Record<string, unknown>;
      if (op['table'] !== 'erasures' && (op['id'] === id || fields['childId'] === id)) held.push(`outbox/${String(op['table'])}`);
    }
    const erasures = (await all('erasures')).filter((row) => row['id'] === id).length;
    db.close();
    return [...held, `erasures: ${erasures}`];
  }, childId);
}

describe('erasing a child across tablets', () => {
  it('leaves no record of the child on any replica, refuses a late check-in with its reason, and keeps the day’s figures', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Lille', timeZone: 'Europe/Paris' });
    const lead = await newTablet(suite.browser);
    const away = await newTablet(suite.browser);
    const late = await newTablet(suite.browser);
    const childId = childIdFromCode(CHILD);
    try {
      await enrolTablet(lead.page, suite.server, { centre, name: 'Lead tablet', role: 'lead' });
      await enrolTablet(away.page, suite.server, { centre, name: 'Playroom', role: 'volunteer' });
      await enrolTablet(late.page, suite.server, { centre, name: 'Garden', role: 'volunteer' });

      // The child comes and goes; another child stays. Every tablet hears of it.
      await registerAndCheckIn(lead.page, CHILD);
      await registerAndCheckIn(lead.page, OTHER);
      await lead.page.getByRole('button', { name: `Check out ${formatCodeForReading(CHILD)}` }).click();
      await lead.page.getByText(`${formatCodeForReading(CHILD)} checked out`).waitFor();
      await sync(lead.context, lead.page);
      for (const tablet of [away, late]) {
        await sync(tablet.context, tablet.page);
        await tablet.page.getByRole('button', { name: `Check out ${formatCodeForReading(OTHER)}` }).waitFor({ timeout: 30_000 });
      }
      expect((await heldOf(away.page, childId)).length).toBeGreaterThan(2);
      const today = centreDay(Date.now(), 'Europe/Paris');
      const before = await rangeReport(suite.server.store, centre.id, [today]);

      // Both volunteers' tablets lose the connection; the garden's checks the child in again.
      await away.context.setOffline(true);
      await late.context.setOffline(true);
      await late.page.getByRole('textbox', { name: 'Child code' }).fill(CHILD);
      await late.page.getByRole('button', { name: 'Check in or out' }).click();
      await late.page.getByText(`${formatCodeForReading(CHILD)} checked in`).waitFor();

      // The lead erases the child from Children, with its second step.
      await lead.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Children' }).click();
      await lead.page.getByRole('textbox', { name: 'Child code' }).fill(CHILD);
      await lead.page.getByRole('button', { name: 'Find' }).click();
      const detail = lead.page.getByRole('region', { name: `Child ${formatCodeForReading(CHILD)}` });
      await detail.getByRole('button', { name: 'Erase this child' }).click();
      await detail.getByRole('button', { name: `Erase ${formatCodeForReading(CHILD)} for good` }).click();
      await lead.page.getByText(`Child ${formatCodeForReading(CHILD)} erased.`, { exact: false }).waitFor();
      expect(await heldOf(lead.page, childId)).toEqual(['erasures: 1']);
      await lead.page.getByText('All changes sent').waitFor({ timeout: 30_000 });

      // Once the erasure is sent, the server holds nothing of the child but the erasure, and the day's figures stand.
      const onServer = async () =>
        (await suite.server.store.query<{ tbl: string }>(`SELECT tbl FROM records WHERE centre_id = $1 AND (id = $2 OR fields->>'childId' = $2) ORDER BY tbl`, [centre.id, childId])).map(
          (row) => row.tbl,
        );
      await expect.poll(onServer, { timeout: 30_000 }).toEqual(['erasures']);
      expect(await rangeReport(suite.server.store, centre.id, [today])).toEqual(before);

      // The garden's tablet comes back: its check-in is refused, and it says why.
      await late.context.setOffline(false);
      await late.page.evaluate(() => globalThis.dispatchEvent(new Event('online')));
      await late.page.getByText('1 change refused').click({ timeout: 30_000 });
      await late.page.getByText('This child’s records were erased; the change was not kept.').waitFor();
      await expect.poll(() => heldOf(late.page, childId), { timeout: 30_000 }).toEqual(['erasures: 1']);

      // The playroom's tablet, offline all along, deletes the child when it pulls the erasure.
      await sync(away.context, away.page);
      await expect.poll(() => heldOf(away.page, childId), { timeout: 30_000 }).toEqual(['erasures: 1']);
      await away.page.getByRole('button', { name: `Check out ${formatCodeForReading(OTHER)}` }).waitFor();
      expect(await away.page.getByRole('button', { name: `Check out ${formatCodeForReading(CHILD)}` }).count()).toBe(0);

      // Still nothing on the server after every tablet synced, and the same figures.
      expect(await onServer()).toEqual(['erasures']);
      expect(await rangeReport(suite.server.store, centre.id, [today])).toEqual(before);
    } finally {
      await lead.context.close();
      await away.context.close();
      await late.context.close();
    }
  });
});
