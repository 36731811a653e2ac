import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Enrolment } from '../../db/core/database';
import { db } from '../../db/db';
import { loadEnrolment, recordSyncOutcome, storeEnrolment } from '../../db/repositories/sync-state';
import { I18nProvider, type Language } from '../../i18n/i18n';
import { EnrolScreen } from './enrol-screen';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const centre = { id: 'centre-1', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' };

/** The server's answers, through the real fetch transport. */
function serverAnswers(status: number, body: unknown) {
  const fetch = vi.fn<typeof globalThis.fetch>(() => Promise.resolve(new Response(JSON.stringify(body), { status })));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const accepted = (role: 'lead' | 'volunteer') => ({ deviceId: 'device-9', token: 'secret-token', role, centre, codeSeries: 'M' });

function renderEnrol(language: Language = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      <main>
        <EnrolScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

const form = () => screen.getByRole('form', { name: 'Enrol this tablet' });
const field = (name: string) => within(form()).getByRole('textbox', { name });

async function fillIn(user: ReturnType<typeof userEvent.setup>, values: { server?: string; code: string; name: string }) {
  const server = await screen.findByRole('textbox', { name: 'Server address' });
  if (values.server !== undefined) {
    await user.clear(server);
    await user.type(server, values.server);
  }
  await user.type(field('Enrolment code'), values.code);
  await user.type(field('Name of this tablet'), values.name);
  await user.click(within(form()).getByRole('button', { name: 'Enrol' }));
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  globalThis.history.replaceState(null, '', '/enrol');
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  globalThis.history.replaceState(null, '', '/');
});

describe('Enrolment: a tablet never enrolled', () => {
  it('enrols with the server, code and tablet name, stores it, and shows where it is connected', async () => {
    const fetch = serverAnswers(201, accepted('volunteer'));
    const user = renderEnrol();
    expect(await screen.findByText(/works on its own and keeps everything/)).toBeInTheDocument();
    await fillIn(user, { server: 'daybook.test', code: '7K4M-2QXP', name: 'Playroom 2' });

    const done = 'This tablet is now connected to Dunkirk play centre as a volunteer tablet. Syncing now.';
    expect(await within(screen.getByRole('status')).findByText(done)).toBeInTheDocument();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://daybook.test/api/v1/enrol');
    expect(JSON.parse(init!.body as string)).toEqual({ code: '7K4M-2QXP', deviceName: 'Playroom 2' });
    expect(await loadEnrolment(db)).toMatchObject({ serverUrl: 'http://daybook.test', token: 'secret-token', role: 'volunteer', codeSeries: 'M' });

    const current = await screen.findByRole('region', { name: 'This tablet' });
    expect(current).toHaveTextContent('CentreDunkirk play centre');
    expect(current).toHaveTextContent('RoleVolunteer');
    expect(current).toHaveTextContent('Serverhttp://daybook.test');
    expect(screen.queryByRole('form', { name: 'Enrol this tablet' })).not.toBeInTheDocument();
    // A volunteer tablet is not offered to enrol again while the server accepts it.
    expect(screen.queryByRole('button', { name: 'Enrol again' })).not.toBeInTheDocument();
  });

  it('says a wrong or spent code at the code field, and stores nothing', async () => {
    serverAnswers(403, { error: { code: 'ENROLMENT_CODE_INVALID', message: 'This enrolment code is wrong, used up or expired.' } });
    const user = renderEnrol();
    await fillIn(user, { server: 'https://daybook.test', code: 'WRONG', name: 'Playroom 2' });

    const message = 'This code is wrong, already used or expired. Ask the centre lead for a new one.';
    expect(await within(form()).findByText(message)).toBeInTheDocument();
    const code = field('Enrolment code');
    expect(code).toHaveAttribute('aria-invalid', 'true');
    expect(code).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(code).toHaveFocus();
    expect(field('Server address')).not.toHaveAttribute('aria-invalid');
    expect(await loadEnrolment(db)).toBeNull();

    // Typing a new code clears the message.
    await user.type(code, 'X');
    expect(within(form()).queryByText(message)).not.toBeInTheDocument();
  });

  it.each([
    ['an unreachable server', () => vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch')))), 'Server address', /Cannot reach this server/],
    ['too many wrong codes', () => serverAnswers(429, { error: { code: 'TOO_MANY_REQUESTS', message: 'wait' } }), 'Enrolment code', /Too many wrong codes/],
  ])('says %s at its field', async (_case, answer, fieldName, message) => {
    answer();
    const user = renderEnrol();
    await fillIn(user, { server: 'https://daybook.test', code: '7K4M', name: 'Playroom 2' });
    const input = await vi.waitFor(() => {
      const candidate = field(fieldName);
      expect(candidate).toHaveAttribute('aria-invalid', 'true');
      return candidate;
    });
    expect(input).toHaveAccessibleDescription(message);
  });

  it('fills in the server and code from a QR code link, and takes the code out of the address after', async () => {
    globalThis.history.replaceState(null, '', '/enrol?server=https%3A%2F%2Fdaybook.test&code=7K4M-2QXP');
    const fetch = serverAnswers(201, accepted('lead'));
    const user = renderEnrol();
    expect(await screen.findByRole('textbox', { name: 'Server address' })).toHaveValue('https://daybook.test');
    expect(field('Enrolment code')).toHaveValue('7K4M-2QXP');

    await user.type(field('Name of this tablet'), 'Office laptop');
    await user.click(within(form()).getByRole('button', { name: 'Enrol' }));
    expect(await screen.findByText(/now connected to Dunkirk play centre as a lead tablet/)).toBeInTheDocument();
    expect(fetch.mock.calls[0]![0]).toBe('https://daybook.test/api/v1/enrol');
    expect(globalThis.location.search).toBe('');
  });
});

describe('Enrolment: a tablet already enrolled', () => {
  const enrolment: Enrolment = { serverUrl: 'https://daybook.test', token: 'old-token', deviceId: 'device-1', centre, role: 'lead', codeSeries: 'K', enrolledAt: NOW - 86_400_000 };

  it('asks for a new enrolment after the server refused the token, and accepts one', async () => {
    await storeEnrolment(db, enrolment);
    await recordSyncOutcome(db, { outcome: 'needs-enrolment', at: NOW }, 'old-token');
    serverAnswers(201, { ...accepted('lead'), codeSeries: 'K' });
    const user = renderEnrol();
    expect(await screen.findByText(/The server no longer accepts this tablet/)).toBeInTheDocument();
    await fillIn(user, { code: 'NEWCODE', name: 'Office laptop' });

    expect(await screen.findByText(/now connected to Dunkirk play centre as a lead tablet/)).toBeInTheDocument();
    expect(await loadEnrolment(db)).toMatchObject({ token: 'secret-token' });
    await vi.waitFor(() => expect(screen.queryByText(/The server no longer accepts this tablet/)).not.toBeInTheDocument());
  });

  it('lets a lead tablet enrol again, or change its mind', async () => {
    await storeEnrolment(db, enrolment);
    const user = renderEnrol();
    await user.click(await screen.findByRole('button', { name: 'Enrol again' }));
    expect(field('Server address')).toHaveValue('http://localhost:3000');
    await user.click(within(form()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form', { name: 'Enrol this tablet' })).not.toBeInTheDocument();
  });

  it('lets a volunteer tablet opened from a lead’s QR code link enrol again, and it becomes a lead tablet', async () => {
    await storeEnrolment(db, { ...enrolment, role: 'volunteer' });
    globalThis.history.replaceState(null, '', '/enrol?server=https%3A%2F%2Fdaybook.test&code=7K4M-2QXP');
    serverAnswers(201, accepted('lead'));
    const user = renderEnrol();
    expect(await screen.findByRole('textbox', { name: 'Enrolment code' })).toHaveValue('7K4M-2QXP');
    await user.type(field('Name of this tablet'), 'Desk tablet');
    await user.click(within(form()).getByRole('button', { name: 'Enrol' }));
    expect(await screen.findByText(/now connected to Dunkirk play centre as a lead tablet/)).toBeInTheDocument();
    expect(await loadEnrolment(db)).toMatchObject({ role: 'lead', token: 'secret-token' });
    expect(globalThis.location.search).toBe('');
  });

  it('offers a volunteer tablet no way to enrol again without a code from a lead', async () => {
    await storeEnrolment(db, { ...enrolment, role: 'volunteer' });
    renderEnrol();
    expect(await screen.findByText(/Dunkirk play centre/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enrol again' })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Enrol this tablet' })).not.toBeInTheDocument();
  });

  it('takes the code out of the address when a tablet opened from a link does not enrol', async () => {
    await storeEnrolment(db, enrolment);
    globalThis.history.replaceState(null, '', '/enrol?server=https%3A%2F%2Fdaybook.test&code=7K4M-2QXP');
    const user = renderEnrol();
    await user.click(within(await screen.findByRole('form', { name: 'Enrol this tablet' })).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form', { name: 'Enrol this tablet' })).not.toBeInTheDocument();
    expect(globalThis.location.search).toBe('');
  });

  it('speaks French', async () => {
    await storeEnrolment(db, enrolment);
    renderEnrol('fr');
    const current = await screen.findByRole('region', { name: 'Cette tablette' });
    expect(current).toHaveTextContent('RôleResponsable');
    expect(screen.getByRole('button', { name: 'Inscrire à nouveau' })).toBeInTheDocument();
  });
});

describe('Enrolment: accessibility', () => {
  it('has no violations, with a problem shown at a field', async () => {
    serverAnswers(403, { error: { code: 'ENROLMENT_CODE_INVALID', message: 'wrong' } });
    const user = renderEnrol();
    await fillIn(user, { server: 'https://daybook.test', code: 'WRONG', name: 'Playroom 2' });
    await within(form()).findByText(/This code is wrong/);
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
  });
});
