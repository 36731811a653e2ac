import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Enrolment } from '../../db/core/database';
import { db } from '../../db/db';
import { recordSyncOutcome, storeEnrolment } from '../../db/repositories/sync-state';
import { writeRecord } from '../../db/core/write';
import { I18nProvider, type Language } from '../../i18n/i18n';
import { applyHeldChanges, applyPullPage, THIS_VERSION } from '../../sync/apply-page';
import { requestPersistentStorage, resetStorageStatus } from '../../sync/storage';
import { SYNCED_TABLES } from '../../db/core/database';
import { SyncStatusBar } from './sync-status-bar';

// 11:00 in Paris; only Date is frozen, so IndexedDB and React run as usual.
const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const MINUTE = 60_000;

const enrolment: Enrolment = {
  serverUrl: 'https://daybook.test',
  token: 'token-1',
  deviceId: 'device-1',
  centre: { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' },
  role: 'volunteer',
  codeSeries: null,
  enrolledAt: NOW - 60 * MINUTE,
};

function renderBar(language: Language = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      <header>
        <SyncStatusBar />
      </header>
    </I18nProvider>,
  );
  return user;
}

const bar = () => screen.getByRole('region', { name: 'Sync' });
/** The live region is there from the first render; its words come once the database is read. */
const statusSays = (text: string) => vi.waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(text));

async function synced(at: number) {
  await storeEnrolment(db, enrolment);
  await recordSyncOutcome(db, { outcome: 'synced', at }, enrolment.token);
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  resetStorageStatus();
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  resetStorageStatus();
});

describe('SyncStatusBar', () => {
  it('on a tablet never enrolled, says it works on its own and links to enrolment', async () => {
    renderBar();
    await statusSays('This tablet works on its own.');
    expect(within(bar()).getByRole('link', { name: 'Connect to a server' })).toHaveAttribute('href', '/enrol');
  });

  it('shows online, the changes waiting and the last successful sync on the centre’s clock', async () => {
    await synced(NOW - 5 * MINUTE);
    renderBar();
    await statusSays('Online, up to date');
    expect(bar()).toHaveTextContent('All changes sent');
    expect(bar()).toHaveTextContent('Last sync 10:55');

    await act(() => writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: NOW }));
    expect(await within(bar()).findByText('1 change waiting')).toBeInTheDocument();
    await act(() => writeRecord(db, 'volunteers', 'v1', { active: false }, { now: NOW + 1 }));
    expect(await within(bar()).findByText('2 changes waiting')).toBeInTheDocument();
  });

  it('gives the date of a last sync that was not today', async () => {
    await synced(NOW - 26 * 60 * MINUTE);
    renderBar();
    expect(await within(bar()).findByText('Last sync 23 Nov, 09:00')).toBeInTheDocument();
  });

  it('says offline, in words, when the browser loses the network', async () => {
    await synced(NOW - MINUTE);
    renderBar();
    await statusSays('Online, up to date');
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(screen.getByRole('status')).toHaveTextContent('Offline');
    expect(screen.getByRole('status')).not.toHaveTextContent('Online');
  });

  it('asks for enrolment again after the server refused the token, with a link', async () => {
    await storeEnrolment(db, enrolment);
    await recordSyncOutcome(db, { outcome: 'needs-enrolment', at: NOW, message: '401 TOKEN_INVALID: revoked' }, enrolment.token);
    renderBar();
    await statusSays('The server no longer accepts this tablet.');
    expect(within(bar()).getByRole('link', { name: 'Enrol again' })).toHaveAttribute('href', '/enrol');
  });

  it('asks for an update when the server needs a newer app', async () => {
    await storeEnrolment(db, enrolment);
    await recordSyncOutcome(db, { outcome: 'needs-update', at: NOW }, enrolment.token);
    renderBar();
    await statusSays('Update Daybook to keep syncing.');
  });

  it('lists the refused changes with their reasons in a disclosure, and clears the list', async () => {
    await synced(NOW - MINUTE);
    await db.rejections.bulkAdd([
      { seq: 4, table: 'attendance', id: 'a1', code: 'CLOCK_AHEAD', message: 'hlc: more than 24 hours ahead', at: NOW },
      { seq: 7, table: 'volunteers', id: 'v1', code: 'INVALID_OP', message: 'fields.displayName: must be at most 40 characters', at: NOW },
      { seq: 9, table: 'settings', id: 'ratioLimits', code: 'LEAD_ONLY', message: 'table: only a lead device can change settings', at: NOW },
    ]);
    const user = renderBar();
    const summary = await within(bar()).findByText('3 changes refused');
    const items = () => within(bar()).queryAllByRole('listitem');
    await user.click(summary);
    // Said in the tablet's language: never the server's developer English.
    expect(items().map((item) => item.textContent)).toEqual([
      'Centre settings Only a lead’s tablet can change this. This tablet now shows it as the server has it.',
      'Volunteer list The server could not accept it as it was written. Update Daybook on this tablet.',
      'Child check-in or check-out This tablet’s clock was more than a day ahead when the change was made.',
    ]);
    await user.click(within(bar()).getByRole('button', { name: 'Clear this list' }));
    await vi.waitFor(() => expect(within(bar()).queryByText('3 changes refused')).not.toBeInTheDocument());
    expect(await db.rejections.count()).toBe(0);
  });

  it.each([
    ['en', '1 change refused', 'Child check-in or check-out This child’s records were erased; the change was not kept.'],
    ['fr', '1 modification refusée', 'Arrivée ou départ d’un enfant Les données de cet enfant ont été effacées : la modification n’a pas été gardée.'],
  ] as const)('says in %s that a change to an erased child was not kept, not the generic refusal', async (language, summaryText, item) => {
    await synced(NOW - MINUTE);
    await db.rejections.add({ seq: 5, table: 'attendance', id: 'a2', code: 'ERASED', message: 'childId: this child was erased', at: NOW });
    const user = renderBar(language);
    await user.click(await screen.findByText(summaryText));
    const items = await screen.findAllByRole('listitem');
    expect(items.map((entry) => entry.textContent)).toEqual([item]);
    expect(items[0]).not.toHaveTextContent('ERASED');
  });

  it('says when the browser refused persistent storage or space is short', async () => {
    await synced(NOW - MINUTE);
    await requestPersistentStorage({
      persisted: () => Promise.resolve(false),
      persist: () => Promise.resolve(false),
      estimate: () => Promise.resolve({ usage: 950 * 1024 * 1024, quota: 1024 * 1024 * 1024 }),
    });
    const user = renderBar();
    // Short pills in the one-line bar, each opening to its sentence.
    await user.click(await within(bar()).findByText('Storage not protected', { selector: 'summary' }));
    expect(within(bar()).getByText(/the browser may delete this tablet’s data when space runs low/)).toBeVisible();
    await user.click(within(bar()).getByText('Storage almost full', { selector: 'summary' }));
    expect(within(bar()).getByText('Storage almost full. Sync, then free some space on this tablet.')).toBeVisible();
  });

  it.each([
    ['en', 'Update waiting', 'An update of Daybook is waiting: some changes from the server will show once it is installed.'],
    ['fr', 'Mise à jour en attente', 'Une mise à jour de Daybook est en attente : certaines modifications venues du serveur s’afficheront une fois qu’elle sera installée.'],
  ] as const)('says in %s that an update is waiting while changes from the server are held, until they are applied', async (language, summaryText, sentence) => {
    await synced(NOW - MINUTE);
    // This tablet plays an app that does not know volunteers yet: the server's volunteer is held.
    const hlc = `${NOW}-0000-bbbbbbbbbbbbbbbb`;
    const change = { cursor: 1, table: 'volunteers', id: 'v1', fields: { displayName: 'Amira', active: true }, hlcs: { displayName: hlc, active: hlc } };
    const older = { ...THIS_VERSION, tables: SYNCED_TABLES.filter((table) => table !== 'volunteers') };
    await applyPullPage(db, { changes: [change], nextCursor: 1, hasMore: false, serverTime: NOW }, NOW, undefined, older);
    const user = renderBar(language);
    await user.click(await screen.findByText(summaryText, { selector: 'summary' }));
    expect(screen.getByText(sentence)).toBeVisible();

    // Updated: the app knows the table, applies what was held, and the notice goes.
    await act(() => applyHeldChanges(db, NOW));
    await vi.waitFor(() => expect(screen.queryByText(summaryText)).not.toBeInTheDocument());
    expect(screen.queryByText(sentence)).not.toBeInTheDocument();
  });

  it.each([
    ['en', 'Server update waiting', 'The server runs another version of Daybook and cannot take some changes made here yet. This tablet keeps them and sends them again once the server is updated.'],
    ['fr', 'Mise à jour du serveur en attente', 'Le serveur a une autre version de Daybook et ne peut pas encore prendre certaines modifications faites ici. Cette tablette les garde et les renvoie une fois le serveur mis à jour.'],
  ] as const)('says in %s that changes wait for the server’s update while a server of another version refuses them, and counts them as waiting', async (language, summaryText, sentence) => {
    await synced(NOW - MINUTE);
    const hlc = `${NOW}-0000-aaaaaaaaaaaaaaaa`;
    await db.heldOps.add({ seq: 3, table: 'sessions', id: 's1', hlc, fields: { place: 'Big tent' }, heldAt: NOW, serverVersion: '1.0.0', appVersion: '2.0.0', message: 'fields.place: unknown field' });
    const user = renderBar(language);
    await user.click(await screen.findByText(summaryText, { selector: 'summary' }));
    expect(screen.getByText(sentence)).toBeVisible();
    expect(screen.getByRole('region', { name: language === 'en' ? 'Sync' : 'Synchronisation' })).toHaveTextContent(language === 'en' ? '1 change waiting' : '1 modification en attente');

    // Sent again and taken: the notice goes.
    await act(() => db.heldOps.clear());
    await vi.waitFor(() => expect(screen.queryByText(summaryText)).not.toBeInTheDocument());
  });

  it.each([
    ['en', 'Not sent for 25 minutes: check the wifi', 'Changes made on this tablet have not reached the server for 25 minutes. Keep the tablet on the centre’s wifi. If this message stays, tell the lead.'],
    [
      'fr',
      'Non envoyé depuis 25 minutes : vérifiez le wifi',
      'Des modifications faites sur cette tablette n’ont pas atteint le serveur depuis 25 minutes. Gardez la tablette sur le wifi du centre. Si ce message reste, prévenez la personne responsable.',
    ],
  ] as const)('says in %s how long the oldest change has waited once it is ten minutes, and what to do', async (language, summaryText, sentence) => {
    await synced(NOW - 30 * MINUTE);
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: NOW - 25 * MINUTE });
    await writeRecord(db, 'volunteers', 'v2', { displayName: 'Sam', active: true }, { create: true, now: NOW - MINUTE });
    const user = renderBar(language);
    await user.click(await screen.findByText(summaryText, { selector: 'summary' }));
    expect(screen.getByText(sentence)).toBeVisible();
  });

  it('says nothing of a change that has waited less than ten minutes, until it has', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: NOW });
    await synced(NOW - 30 * MINUTE);
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: NOW - 9 * MINUTE });
    renderBar();
    expect(await within(bar()).findByText('1 change waiting')).toBeInTheDocument();
    expect(within(bar()).queryByText(/Not sent for/)).not.toBeInTheDocument();
    // No write, no sync: only the clock moves, and the bar looks again on its own.
    act(() => {
      vi.advanceTimersByTime(MINUTE);
    });
    expect(await within(bar()).findByText('Not sent for 10 minutes: check the wifi')).toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(3 * 60 * MINUTE);
    });
    expect(await within(bar()).findByText('Not sent for 3 hours: check the wifi')).toBeInTheDocument();
  });

  it('speaks French', async () => {
    await synced(NOW - 5 * MINUTE);
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: NOW });
    renderBar('fr');
    const frBar = screen.getByRole('region', { name: 'Synchronisation' });
    await statusSays('En ligne, à jour');
    expect(await within(frBar).findByText('1 modification en attente')).toBeInTheDocument();
    expect(frBar).toHaveTextContent('Dernière synchronisation à 10:55');
  });

  it('has no accessibility violations', async () => {
    await storeEnrolment(db, enrolment);
    await recordSyncOutcome(db, { outcome: 'needs-enrolment', at: NOW }, enrolment.token);
    await db.rejections.add({ seq: 4, table: 'attendance', id: 'a1', code: 'CLOCK_AHEAD', message: 'ahead', at: NOW });
    renderBar();
    await screen.findByText('1 change refused');
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
  });

  it('has no accessibility violations with a change waiting too long, opened', async () => {
    await synced(NOW - 30 * MINUTE);
    await writeRecord(db, 'volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, now: NOW - 12 * MINUTE });
    const user = renderBar();
    await user.click(await within(bar()).findByText('Not sent for 12 minutes: check the wifi', { selector: 'summary' }));
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
  });
});
