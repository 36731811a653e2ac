import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre, listDevices } from '../../src/server/store/accounts';
import { childIdFromCode, formatCodeForReading, issueCode } from '../../src/shared/codes';
import { newTablet } from './support/harness';
import { syncLockHeld } from './support/local-db';
import { browserAndServer } from './support/suite';
import { overlappingRequests, recordSyncRequests } from './support/sync-requests';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

/**
 * Issue 12, point 2 (sync-protocol.md, Device behaviour: "One tab syncs at a time (Web Locks)"):
 * two tabs of one tablet, one Chromium profile, so one IndexedDB, one outbox and one lock. Both
 * check children in while online, and after every check-in both tabs are told the connection
 * is back at the same instant, so both try to sync at once. Every sync request of either tab is
 * recorded: no two are ever in flight together, no op is sent twice, and each lands once.
 */

const suite = browserAndServer();
const CODES = [4401, 4402, 4403, 4404, 4405, 4406].map((serial) => issueCode('K', serial));
/** Each register-and-check-in is three ops: the child, their registration, the check-in. */
const OPS_PER_CHECK_IN = 3;

const connectionBack = (page: Page) => page.evaluate(() => globalThis.dispatchEvent(new Event('online')));
const presentCodes = async (page: Page) => (await page.locator('.tiles .tile-code').allTextContents()).sort();

describe('two tabs of one tablet', () => {
  it('never sync at the same time, and every check-in from either tab reaches the server once', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Grande-Synthe', timeZone: 'Europe/Paris' });
    // No service worker: a request it answered itself would never reach the route that counts them.
    const { context, page: a } = await newTablet(suite.browser, { serviceWorkers: 'block' });
    const b = await context.newPage();
    const recorder = await recordSyncRequests(context, (page) => (page === a ? 'A' : page === b ? 'B' : 'other'));
    try {
      await enrolTablet(a, suite.server, { centre, name: 'Front desk' });
      // The second tab of the same browser: it finds the enrolment in the shared database.
      await b.goto(suite.server.url);
      await b.getByText('All changes sent').waitFor();
      // Both tabs sync at all, so the record below is of two tabs taking turns, not of one alone.
      await expect
        .poll(
          async () => {
            await connectionBack(b);
            return recorder.requests.some((request) => request.tab === 'B' && request.ended !== null);
          },
          { timeout: 30_000 },
        )
        .toBe(true);

      // The two tabs take turns at the desk; after each check-in both tabs try to sync at once.
      for (const [i, code] of CODES.entries()) {
        const tab = i % 2 === 0 ? a : b;
        // The volunteer switches to that tab: it becomes the visible one (and syncs on it).
        await tab.bringToFront();
        await registerAndCheckIn(tab, code);
        await Promise.all([connectionBack(a), connectionBack(b)]);
      }

      // Each tab sees every check-in (one database), and the outbox they share empties.
      const expected = CODES.map(formatCodeForReading).sort();
      for (const tab of [a, b]) {
        await expect.poll(() => presentCodes(tab)).toEqual(expected);
        await tab.getByText('All changes sent').waitFor({ timeout: 30_000 });
      }

      // The server holds each child, registration and check-in once, from the one device.
      const onServer = async () =>
        (
          await suite.server.store.query<{ tbl: string; n: number }>(`SELECT tbl, count(*)::int AS n FROM records WHERE centre_id = $1 GROUP BY tbl ORDER BY tbl`, [centre.id])
        ).map((row) => `${row.tbl}: ${row.n}`);
      await expect.poll(onServer, { timeout: 30_000 }).toEqual(['attendance: 6', 'children: 6', 'registrations: 6']);
      const checkedIn = await suite.server.store.query<{ id: string }>(
        `SELECT fields->>'childId' AS id FROM records WHERE centre_id = $1 AND tbl = 'attendance' AND fields->>'kind' = 'in' ORDER BY 1`,
        [centre.id],
      );
      expect(checkedIn.map((row) => row.id)).toEqual(CODES.map(childIdFromCode).sort());
      const devices = await listDevices(suite.server.store, centre.id);
      expect(devices).toHaveLength(1);
      const [device] = await suite.server.store.query<{ acked: number }>(`SELECT acked_seq::int AS acked FROM devices WHERE id = $1`, [devices[0]!.id]);
      const totalOps = CODES.length * OPS_PER_CHECK_IN;
      expect(device?.acked).toBe(totalOps);

      // Never two sync requests in flight at once, across both tabs. A sync may still be running
      // (one more pull after the last push): let it end, though a timer may start another, which
      // counts as in flight to the end of time.
      await expect.poll(() => syncLockHeld(a), { timeout: 30_000 }).toBe(false);
      const requests = recorder.requests;
      expect(requests.filter((request) => request.ended !== null && request.status !== 200)).toEqual([]);
      expect(overlappingRequests(requests)).toEqual([]);
      // Each op went over the wire once (no tab pushed what the other had sent), and every push
      // was acknowledged in full with nothing refused.
      const pushes = requests.filter((request) => request.kind === 'push');
      expect(pushes.flatMap((push) => push.seqs)).toEqual(Array.from({ length: totalOps }, (_, i) => i + 1));
      expect(pushes.map((push) => [push.ackedSeq, push.rejected])).toEqual(pushes.map((push) => [push.seqs.at(-1), []]));
    } finally {
      await recorder.stop();
      await context.close();
    }
  });
});
