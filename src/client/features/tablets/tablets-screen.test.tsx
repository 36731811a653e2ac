import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device, EnrolmentCodeRequest } from '../../../shared/schema';
import { db } from '../../db/db';
import { setLeadPin } from '../../db/repositories/lead-pin';
import { enrolAs } from '../../db/testing';
import { I18nProvider, type Language } from '../../i18n/i18n';
import { enrolLink } from '../../ui/enrol-link';
import { leadLock } from '../../ui/lead-lock';
import { decodeQrSvg } from '../../ui/qr-testing';
import { TabletsScreen } from './tablets-screen';

/**
 * The Tablets screen against a stubbed network: `fetch` is replaced by a small in-memory centre
 * that answers the lead endpoints as sync-protocol.md has them (the server's own tests cover the
 * real ones). Requests go through the app's real fetch transport.
 */

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0); // 11:00 in Paris
const HOUR = 3_600_000;
const SERVER = 'http://localhost:8080'; // enrolAs's server; this tablet is device-lead
const CODE = '7KCM-4TXA-9P2D';

type Call = { method: string; path: string; body: unknown };

function centreServer(devices: Device[]) {
  const server = {
    devices: devices.map((device) => ({ ...device })),
    calls: [] as Call[],
    /** What the next requests meet instead of an answer: no network, or a status of the server's. */
    down: false,
    fails: null as { status: number; body: unknown } | null,
  };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const answer = (method: string, path: string, body: unknown): Response => {
    if (server.fails) return json(server.fails.status, server.fails.body);
    if (method === 'POST' && path === '/api/v1/enrolment-codes') {
      const { ttlHours = 168 } = body as EnrolmentCodeRequest;
      return json(201, { code: CODE, expiresAt: Date.now() + ttlHours * HOUR });
    }
    if (method === 'GET' && path === '/api/v1/devices') return json(200, { devices: server.devices });
    const revoked = /^\/api\/v1\/devices\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && revoked) {
      const device = server.devices.find((candidate) => candidate.id === revoked[1]);
      if (!device) return json(404, { error: { code: 'NOT_FOUND', message: 'This centre has no device with that id.' } });
      device.revoked = true;
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'NOT_FOUND', message: 'no route' } });
  };
  vi.stubGlobal(
    'fetch',
    vi.fn<typeof globalThis.fetch>((input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const method = init?.method ?? 'GET';
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      server.calls.push({ method, path: url.pathname, body });
      if (server.down) return Promise.reject(new TypeError('Failed to fetch'));
      if (url.origin !== SERVER || new Headers(init?.headers).get('authorization') !== 'Bearer token-lead') {
        return Promise.resolve(json(401, { error: { code: 'TOKEN_UNKNOWN', message: 'enrol again' } }));
      }
      return Promise.resolve(answer(method, url.pathname, body));
    }),
  );
  return server;
}

const TABLETS: Device[] = [
  { id: 'device-9', name: 'Old tablet', role: 'volunteer', lastSeenAt: NOW - 10 * 24 * HOUR, revoked: true },
  { id: 'device-2', name: 'Playroom 2', role: 'volunteer', lastSeenAt: NOW - 2 * HOUR, revoked: false },
  { id: 'device-lead', name: 'Office laptop', role: 'lead', lastSeenAt: NOW - 60_000, revoked: false },
  { id: 'device-3', name: 'Spare', role: 'volunteer', lastSeenAt: null, revoked: false },
];

function renderTablets(language: Language = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      <main>
        <TabletsScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

let online = true;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  online = true;
  vi.spyOn(globalThis.navigator, 'onLine', 'get').mockImplementation(() => online);
  leadLock.lock();
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const list = () => screen.findByRole('region', { name: 'The centre’s tablets' });
const row = async (name: string) => (await within(await list()).findByRole('heading', { name, level: 3 })).closest('li')!;
const addForm = () => screen.findByRole('form', { name: 'Add a tablet' });
const calls = (server: ReturnType<typeof centreServer>, method: string, path: string) => server.calls.filter((call) => call.method === method && call.path === path);

describe('Tablets: the centre’s tablets', () => {
  it('lists each tablet with its role and when it was last seen, this one first and marked, revoked ones last', async () => {
    await enrolAs(db, 'lead');
    centreServer(TABLETS);
    renderTablets();
    const names = await within(await list()).findAllByRole('heading', { level: 3 });
    expect(names.map((name) => name.textContent)).toEqual(['Office laptop', 'Playroom 2', 'Spare', 'Old tablet']);

    const own = await row('Office laptop');
    expect(own).toHaveTextContent('Lead');
    expect(own).toHaveTextContent('This tablet');
    expect(own).toHaveTextContent('Last seen 1 minute ago');
    // This tablet cannot revoke itself by a slip of the finger.
    expect(within(own).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();

    const playroom = await row('Playroom 2');
    expect(playroom).toHaveTextContent('Volunteer');
    expect(playroom).toHaveTextContent('Last seen about 2 hours ago');
    expect(within(playroom).getByRole('button', { name: 'Revoke Playroom 2' })).toBeInTheDocument();
    expect(await row('Spare')).toHaveTextContent('Not seen since it enrolled');

    const old = await row('Old tablet');
    expect(old).toHaveTextContent('Revoked');
    expect(old).toHaveTextContent('Last seen 10 days ago');
    expect(old).toHaveTextContent('To bring it back, enrol it again with a new code.');
    expect(within(old).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it('asks a second time before revoking; “Keep it” changes nothing; confirming revokes it on the server', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    await user.click(within(await row('Playroom 2')).getByRole('button', { name: 'Revoke Playroom 2' }));

    const confirm = await screen.findByRole('region', { name: 'Revoke Playroom 2?' });
    expect(confirm).toHaveTextContent('From now on the server refuses Playroom 2: it can no longer send or receive records.');
    expect(confirm).toHaveTextContent('There is no Undo. To bring the tablet back, enrol it again with a new code.');
    expect(within(confirm).getByRole('heading', { name: 'Revoke Playroom 2?' })).toHaveFocus();
    await user.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('region', { name: 'Revoke Playroom 2?' })).not.toBeInTheDocument();
    expect(within(await row('Playroom 2')).getByRole('button', { name: 'Revoke Playroom 2' })).toHaveFocus();
    expect(calls(server, 'DELETE', '/api/v1/devices/device-2')).toHaveLength(0);

    await user.click(within(await row('Playroom 2')).getByRole('button', { name: 'Revoke Playroom 2' }));
    await user.click(within(await screen.findByRole('region', { name: 'Revoke Playroom 2?' })).getByRole('button', { name: 'Revoke Playroom 2 for good' }));
    expect(await screen.findByText('Playroom 2 is revoked. To bring it back, enrol it again with a new code.')).toBeInTheDocument();
    const revoked = await row('Playroom 2');
    expect(revoked).toHaveTextContent('Revoked');
    expect(within(revoked).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
    expect(calls(server, 'DELETE', '/api/v1/devices/device-2')).toHaveLength(1);
    expect(server.devices.find((device) => device.id === 'device-2')?.revoked).toBe(true);
  });

  it('keeps the question open with the reason when revoking fails, and the tablet as it was', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    await user.click(within(await row('Playroom 2')).getByRole('button', { name: 'Revoke Playroom 2' }));
    server.down = true;
    const confirm = await screen.findByRole('region', { name: 'Revoke Playroom 2?' });
    await user.click(within(confirm).getByRole('button', { name: 'Revoke Playroom 2 for good' }));
    expect(await within(confirm).findByRole('alert')).toHaveTextContent('Cannot reach the server. Check the wifi, then try again.');
    expect(await row('Playroom 2')).not.toHaveTextContent('Revoked');

    server.down = false;
    await user.click(within(confirm).getByRole('button', { name: 'Revoke Playroom 2 for good' }));
    expect(await within(await row('Playroom 2')).findByText('Revoked')).toBeInTheDocument();
  });

  it('says so when the list cannot be read, in the app’s words, and reads it again on request', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    server.fails = { status: 500, body: { error: { code: 'INTERNAL', message: 'relation "devices" does not exist' } } };
    const user = renderTablets();
    const problem = await within(await list()).findByRole('alert');
    expect(problem).toHaveTextContent('The server has a problem right now. Try again in a few minutes.');
    expect(document.body).not.toHaveTextContent('relation');

    server.fails = null;
    await user.click(within(problem).getByRole('button', { name: 'Try again' }));
    expect(await row('Playroom 2')).toBeInTheDocument();
  });

  it('sends a tablet the server no longer accepts to enrol again', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    server.fails = { status: 401, body: { error: { code: 'TOKEN_REVOKED', message: 'This device was revoked; enrol it again with a new code.' } } };
    renderTablets();
    const problem = await within(await list()).findByRole('alert');
    expect(problem).toHaveTextContent('The server no longer accepts this tablet. Connect it again with a lead’s code.');
    expect(within(problem).getByRole('link', { name: 'Connect this tablet' })).toHaveAttribute('href', '/enrol');
  });
});

describe('Tablets: adding a tablet', () => {
  it('makes a volunteer’s code on the server and shows it large and as a QR code of the enrol link, with its uses and expiry', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    const form = await addForm();
    expect(within(form).getByRole('radio', { name: 'A volunteer' })).toBeChecked();
    expect(within(form).getByRole('textbox', { name: 'How many tablets can use this code' })).toHaveValue('1');
    expect(within(form).getByRole('radio', { name: '1 day' })).toBeChecked();

    await user.click(within(form).getByRole('button', { name: 'One tablet more' }));
    await user.click(within(form).getByRole('radio', { name: '1 hour' }));
    await user.click(within(form).getByRole('button', { name: 'Make the code' }));

    const card = await screen.findByRole('region', { name: 'Code for a volunteer’s tablet' });
    expect(calls(server, 'POST', '/api/v1/enrolment-codes').map((call) => call.body)).toEqual([{ role: 'volunteer', uses: 2, ttlHours: 1 }]);
    expect(within(card).getByText(CODE)).toHaveClass('enrolment-code-text');
    expect(card).toHaveTextContent('Works for up to 2 tablets until 12:00 on Tuesday 24 November (in about 1 hour).');
    expect(card).toHaveTextContent(`Server: ${SERVER}`);
    // What the new tablet's camera reads: the link that opens its enrol screen filled in.
    const qr = within(card).getByRole('img', { name: `QR code to scan with the new tablet: it opens Daybook with code ${CODE} filled in` });
    expect(decodeQrSvg(qr)).toBe(enrolLink(SERVER, CODE));
    expect(decodeQrSvg(qr)).toBe(`${SERVER}/enrol?server=http%3A%2F%2Flocalhost%3A8080&code=${CODE}`);
    expect(screen.queryByRole('form', { name: 'Add a tablet' })).not.toBeInTheDocument();

    // Closed, the code is gone for good, and the list is read again: the tablet may have enrolled.
    const readsBefore = calls(server, 'GET', '/api/v1/devices').length;
    await user.click(within(card).getByRole('button', { name: 'Close the code' }));
    expect(within(await addForm()).getByRole('button', { name: 'Make the code' })).toHaveFocus();
    expect(screen.queryByText(CODE)).not.toBeInTheDocument();
    await vi.waitFor(() => expect(calls(server, 'GET', '/api/v1/devices').length).toBeGreaterThan(readsBefore));
  });

  it('makes a lead’s code for 7 days, said as such', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    const form = await addForm();
    await user.click(within(form).getByRole('radio', { name: 'A lead' }));
    expect(form).toHaveTextContent('A lead’s tablet can also close the day');
    await user.click(within(form).getByRole('radio', { name: '7 days' }));
    await user.click(within(form).getByRole('button', { name: 'Make the code' }));
    const card = await screen.findByRole('region', { name: 'Code for a lead’s tablet' });
    expect(card).toHaveTextContent('Works for 1 tablet until 11:00 on Tuesday 1 December (in 7 days).');
    expect(calls(server, 'POST', '/api/v1/enrolment-codes').map((call) => call.body)).toEqual([{ role: 'lead', uses: 1, ttlHours: 168 }]);
  });

  it('makes one code for a double tap', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    await user.dblClick(within(await addForm()).getByRole('button', { name: 'Make the code' }));
    await screen.findByRole('region', { name: 'Code for a volunteer’s tablet' });
    expect(calls(server, 'POST', '/api/v1/enrolment-codes')).toHaveLength(1);
  });

  it.each(['0', '101', ''])('refuses %j uses at the field, and asks the server nothing', async (typed) => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    const form = await addForm();
    const uses = within(form).getByRole('textbox', { name: 'How many tablets can use this code' });
    await user.clear(uses);
    if (typed) await user.type(uses, typed);
    await user.click(within(form).getByRole('button', { name: 'Make the code' }));
    expect(uses).toHaveAttribute('aria-invalid', 'true');
    expect(uses).toHaveAccessibleDescription(expect.stringContaining('Type a number from 1 to 100.'));
    expect(calls(server, 'POST', '/api/v1/enrolment-codes')).toHaveLength(0);
  });

  it('shows no code when the server could not make one, and says why', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    const form = await addForm();
    server.down = true;
    await user.click(within(form).getByRole('button', { name: 'Make the code' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('Cannot reach the server. Check the wifi, then try again.');
    expect(screen.queryByRole('img', { name: /QR code/ })).not.toBeInTheDocument();

    server.down = false;
    server.fails = { status: 403, body: { error: { code: 'LEAD_ONLY', message: 'Only a lead device can do that.' } } };
    await user.click(within(form).getByRole('button', { name: 'Make the code' }));
    expect(await within(form).findByText(/The server has this tablet as a volunteer’s tablet/)).toBeInTheDocument();
    expect(screen.queryByRole('img', { name: /QR code/ })).not.toBeInTheDocument();
  });
});

describe('Tablets: when the server cannot be asked', () => {
  it('says so offline, offers nothing half-done, and reads the list once back online', async () => {
    await enrolAs(db, 'lead');
    const server = centreServer(TABLETS);
    online = false;
    renderTablets();
    expect(await screen.findByText(/This tablet is offline\. Adding and revoking tablets needs the server\./)).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Add a tablet' })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'The centre’s tablets' })).not.toBeInTheDocument();
    expect(server.calls).toEqual([]);

    online = true;
    globalThis.dispatchEvent(new Event('online'));
    expect(await row('Playroom 2')).toBeInTheDocument();
    expect(await addForm()).toBeInTheDocument();
    expect(screen.queryByText(/This tablet is offline/)).not.toBeInTheDocument();
  });

  it('keeps a code already made on screen when the wifi drops: it still works', async () => {
    await enrolAs(db, 'lead');
    centreServer(TABLETS);
    const user = renderTablets();
    await user.click(within(await addForm()).getByRole('button', { name: 'Make the code' }));
    await screen.findByRole('region', { name: 'Code for a volunteer’s tablet' });
    online = false;
    globalThis.dispatchEvent(new Event('offline'));
    expect(await screen.findByText(/This tablet is offline/)).toBeInTheDocument();
    expect(screen.getByText(CODE)).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'The centre’s tablets' })).not.toBeInTheDocument();
  });

  it('sends a tablet never connected to enrol first, and asks no server', async () => {
    const server = centreServer(TABLETS);
    renderTablets();
    expect(await screen.findByText(/This tablet is not connected to a server yet/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Connect this tablet' })).toHaveAttribute('href', '/enrol');
    expect(screen.queryByRole('form', { name: 'Add a tablet' })).not.toBeInTheDocument();
    expect(server.calls).toEqual([]);
  });
});

describe('Tablets: who may', () => {
  it('tells a volunteer’s tablet it is a lead’s screen, and asks no server', async () => {
    await enrolAs(db, 'volunteer');
    const server = centreServer(TABLETS);
    renderTablets();
    expect(await screen.findByText('Only a lead can add or revoke tablets. This is a volunteer’s tablet.')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Add a tablet' })).not.toBeInTheDocument();
    expect(server.calls).toEqual([]);
  });

  it('sits behind the lead’s PIN on a lead’s tablet left idle', async () => {
    await enrolAs(db, 'lead');
    await setLeadPin(db, '2468');
    const server = centreServer(TABLETS);
    const user = renderTablets();
    const gate = await screen.findByRole('form', { name: 'Lead’s PIN' });
    expect(screen.queryByRole('form', { name: 'Add a tablet' })).not.toBeInTheDocument();
    expect(server.calls).toEqual([]);
    await user.type(within(gate).getByLabelText('PIN'), '2468');
    await user.click(within(gate).getByRole('button', { name: 'Unlock' }));
    expect(await addForm()).toBeInTheDocument();
  });
});

describe('Tablets: language and accessibility', () => {
  it('speaks French, last sightings included', async () => {
    await enrolAs(db, 'lead');
    centreServer(TABLETS);
    renderTablets('fr');
    expect(await screen.findByRole('heading', { name: 'Tablettes', level: 1 })).toBeInTheDocument();
    const playroom = (await within(await screen.findByRole('region', { name: 'Les tablettes du centre' })).findByRole('heading', { name: 'Playroom 2' })).closest('li')!;
    expect(playroom).toHaveTextContent('Vue il y a environ 2 heures');
    expect(within(playroom).getByRole('button', { name: 'Révoquer Playroom 2' })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(within(screen.getByRole('form', { name: 'Ajouter une tablette' })).getByRole('button', { name: 'Créer le code' }));
    const card = await screen.findByRole('region', { name: 'Code pour une tablette de bénévole' });
    expect(card).toHaveTextContent('Valable pour 1 tablette jusqu’à 11:00 le mercredi 25 novembre (dans 1 jour).');
  });

  it('has no violations with a code shown and a revocation asked', async () => {
    await enrolAs(db, 'lead');
    centreServer(TABLETS);
    const user = renderTablets();
    await user.click(within(await addForm()).getByRole('button', { name: 'Make the code' }));
    await screen.findByRole('region', { name: 'Code for a volunteer’s tablet' });
    await user.click(within(await row('Playroom 2')).getByRole('button', { name: 'Revoke Playroom 2' }));
    await screen.findByRole('region', { name: 'Revoke Playroom 2?' });
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
  });
});
