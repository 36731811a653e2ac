import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre, listDevices, type Centre } from '../../src/server/store/accounts';
import { childIdFromCode, formatCodeForReading, issueCode } from '../../src/shared/codes';
import { newTablet, type RunningServer } from './support/harness';
import { localMeta, outboxSeqs, syncLockHeld } from './support/local-db';
import { browserAndServer } from './support/suite';
import { recordSyncRequests, type SyncRecorder } from './support/sync-requests';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

/**
 * Issue 12, point 3 (sync-protocol.md, Device behaviour: "The device id and HLC node are made
 * when the local database is created, so a wiped or evicted database never reuses an old
 * device's seq numbers"). iOS deletes a web app's storage when space runs low, and Chrome can
 * close a database under an open tab (Dexie #739, #2008). A tablet that syncs, loses its
 * database, enrols again and writes must get every new op to the server, none skipped as
 * already acknowledged, and the old device's data must stay on the server.
 */

const suite = browserAndServer();

/** Deletes the tablet's IndexedDB, and only it (the service worker and its cache stay), as the browser does when it evicts a site's data. */
async function wipeDatabase(context: BrowserContext, page: Page, server: RunningServer): Promise<void> {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Storage.clearDataForOrigin', { origin: server.url, storageTypes: 'indexeddb' });
  } finally {
    await cdp.detach();
  }
}

/** What the server holds for the centre: each record as `table/child`, sorted. */
async function childrenAndCheckInsOnServer(centre: Centre): Promise<string[]> {
  const rows = await suite.server.store.query<{ tbl: string; child: string }>(
    `SELECT tbl, CASE WHEN tbl = 'children' THEN id ELSE fields->>'childId' END AS child
       FROM records WHERE centre_id = $1 AND tbl IN ('children', 'attendance') ORDER BY 1, 2`,
    [centre.id],
  );
  return rows.map((row) => `${row.tbl}/${row.child}`);
}

const expectedOnServer = (codes: readonly string[]) =>
  ['attendance', 'children'].flatMap((table) => codes.map((code) => `${table}/${childIdFromCode(code)}`).sort());

async function ackedSeqs(centre: Centre): Promise<Map<string, number>> {
  const rows = await suite.server.store.query<{ id: string; acked: number }>(`SELECT id, acked_seq::int AS acked FROM devices WHERE centre_id = $1`, [centre.id]);
  return new Map(rows.map((row) => [row.id, row.acked]));
}

/** The HLC node (its last 16 hex digits) of every field the server holds for a child's record. */
async function nodesOnServer(centre: Centre, code: string): Promise<string[]> {
  const [row] = await suite.server.store.query<{ hlcs: Record<string, string> }>(`SELECT hlcs FROM records WHERE centre_id = $1 AND tbl = 'children' AND id = $2`, [
    centre.id,
    childIdFromCode(code),
  ]);
  return [...new Set(Object.values(row?.hlcs ?? {}).map((hlc) => hlc.split('-')[2] ?? hlc))];
}

const presentCodes = async (page: Page) => (await page.locator('.tiles .tile-code').allTextContents()).sort();
const readings = (codes: readonly string[]) => codes.map(formatCodeForReading).sort();

/** The pushes one enrolment sent (by its token), each as its seqs and what the server answered. */
function pushesOf(recorder: SyncRecorder, token: string) {
  return recorder.requests.filter((request) => request.kind === 'push' && request.token === token);
}

describe('a tablet whose database was wiped', () => {
  it('enrols again as a new device: every new op reaches the server from seq 1, and the old device’s data stays', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Calais', timeZone: 'Europe/Paris' });
    const [before1, before2, after1, after2] = [issueCode('K', 4501), issueCode('K', 4502), issueCode('K', 4503), issueCode('K', 4504)];
    const { context, page } = await newTablet(suite.browser);
    const recorder = await recordSyncRequests(context, () => 'tablet');
    try {
      await enrolTablet(page, suite.server, { centre, name: 'Playroom' });
      await registerAndCheckIn(page, before1);
      await registerAndCheckIn(page, before2);
      await page.getByText('All changes sent').waitFor({ timeout: 30_000 });
      await expect.poll(() => childrenAndCheckInsOnServer(centre), { timeout: 30_000 }).toEqual(expectedOnServer([before1, before2]));
      const oldLocal = await localMeta(page, 'device');
      const oldEnrolment = await localMeta(page, 'enrolment');
      const oldDeviceId = String(oldEnrolment?.['deviceId']);
      expect(await ackedSeqs(centre)).toEqual(new Map([[oldDeviceId, 6]]));

      // The app is closed, and the browser deletes its database to free space.
      await page.goto('about:blank');
      await wipeDatabase(context, page, suite.server);

      // It opens again as a tablet that was never enrolled, with nothing on it.
      await page.goto(suite.server.url);
      await page.getByText('This tablet works on its own.').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('children-in').textContent()).toBe('0');
      const newLocal = await localMeta(page, 'device');
      expect(newLocal?.['deviceId']).not.toBe(oldLocal?.['deviceId']);
      expect(newLocal?.['node']).not.toBe(oldLocal?.['node']);

      // The lead gives it a new code. It pulls what the old device sent, then checks in two more.
      await enrolTablet(page, suite.server, { centre, name: 'Playroom' });
      await expect.poll(() => presentCodes(page), { timeout: 30_000 }).toEqual(readings([before1, before2]));
      await registerAndCheckIn(page, after1);
      await registerAndCheckIn(page, after2);
      await page.getByText('All changes sent').waitFor({ timeout: 30_000 });

      // Every new op is on the server, by the side of the old device's: none was skipped. They
      // came from a new device, which took all six of them from seq 1.
      await expect.poll(() => childrenAndCheckInsOnServer(centre), { timeout: 30_000 }).toEqual(expectedOnServer([before1, before2, after1, after2]));
      const newEnrolment = await localMeta(page, 'enrolment');
      const newDeviceId = String(newEnrolment?.['deviceId']);
      expect(newDeviceId).not.toBe(oldDeviceId);
      expect((await listDevices(suite.server.store, centre.id)).map((device) => device.id).sort()).toEqual([oldDeviceId, newDeviceId].sort());
      expect(await ackedSeqs(centre)).toEqual(
        new Map([
          [oldDeviceId, 6],
          [newDeviceId, 6],
        ]),
      );
      const pushes = pushesOf(recorder, String(newEnrolment?.['token']));
      expect(pushes.flatMap((push) => push.seqs)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(pushes.map((push) => [push.ackedSeq, push.rejected])).toEqual(pushes.map((push) => [push.seqs.at(-1), []]));
      // Its writes carry the new database's HLC node; the old device's keep the old one.
      expect(await nodesOnServer(centre, after1)).toEqual([newLocal?.['node']]);
      expect(await nodesOnServer(centre, before1)).toEqual([oldLocal?.['node']]);
      await expect.poll(() => presentCodes(page)).toEqual(readings([before1, before2, after1, after2]));
    } finally {
      await recorder.stop();
      await context.close();
    }
  });

  it('under the open app while a push is in flight: the push’s late answer does not take the new database’s changes with it', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Boulogne', timeZone: 'Europe/Paris' });
    const [before1, before2, during, after] = [issueCode('K', 4601), issueCode('K', 4602), issueCode('K', 4603), issueCode('K', 4604)];
    const { context, page } = await newTablet(suite.browser);
    const recorder = await recordSyncRequests(context, () => 'tablet');
    try {
      await enrolTablet(page, suite.server, { centre, name: 'Garden' });
      await registerAndCheckIn(page, before1);
      await page.getByText('All changes sent').waitFor({ timeout: 30_000 });

      // The next push reaches the server, and its answer is slow to come back (a weak network).
      const slowPush = recorder.holdNextPush();
      await registerAndCheckIn(page, before2);
      expect((await slowPush.arrived).seqs).toEqual([4, 5, 6]);

      // Meanwhile the browser deletes the database under the open app, and a volunteer checks a
      // child in: the app carries on with a new, empty database (Dexie opens it again), which
      // has never been enrolled.
      await wipeDatabase(context, page, suite.server);
      await registerAndCheckIn(page, during);
      await page.getByText('This tablet works on its own.').waitFor({ timeout: 30_000 });
      expect(await outboxSeqs(page)).toEqual([1, 2, 3]);

      // The old database's push is answered (ackedSeq 6) and that sync ends. The new database's
      // check-in (its seqs 1 to 3) is still waiting: the answer was for ops of another database.
      slowPush.release();
      await expect.poll(() => syncLockHeld(page), { timeout: 30_000 }).toBe(false);
      expect(await outboxSeqs(page)).toEqual([1, 2, 3]);

      // The app is opened again and enrolled with a new code: the check-in made during the wipe
      // reaches the server with the one made after it.
      await page.reload();
      await enrolTablet(page, suite.server, { centre, name: 'Garden' });
      await registerAndCheckIn(page, after);
      await page.getByText('All changes sent').waitFor({ timeout: 30_000 });
      await expect.poll(() => childrenAndCheckInsOnServer(centre), { timeout: 30_000 }).toEqual(expectedOnServer([before1, before2, during, after]));
      const newEnrolment = await localMeta(page, 'enrolment');
      const pushes = pushesOf(recorder, String(newEnrolment?.['token']));
      expect(pushes.flatMap((push) => push.seqs)).toEqual([1, 2, 3, 4, 5, 6]);
      await expect.poll(() => presentCodes(page)).toEqual(readings([before1, before2, during, after]));
    } finally {
      await recorder.stop();
      await context.close();
    }
  });
});
