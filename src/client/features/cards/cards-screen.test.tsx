import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { childIdFromCode, formatCodeForReading, issueCode } from '../../../shared/codes';
import { db } from '../../db/db';
import { registerChild, registerNewChild } from '../../db/repositories/children';
import { setLeadPin } from '../../db/repositories/lead-pin';
import { saveSetting } from '../../db/repositories/settings';
import { storeEnrolment } from '../../db/repositories/sync-state';
import { enrolAs } from '../../db/testing';
import { I18nProvider, type Language } from '../../i18n/i18n';
import { leadLock } from '../../ui/lead-lock';
import { decodeQrSvg } from '../../ui/qr-testing';
import { CardsScreen } from './cards-screen';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0); // 11:00 in Paris, Tuesday 24 November
const girl = { ageBand: '6-8', gender: 'girl', languages: ['ar'] } as const;
const boy = { ageBand: '3-5', gender: 'boy', languages: [] } as const;
// Codes of another tablet's series, typed here from their cards.
const CODES = [issueCode('L', 1000), issueCode('L', 1001), issueCode('L', 2000)];

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  leadLock.lock();
  globalThis.history.replaceState(null, '', '/cards');
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A lead's tablet enrolled with the server's letter K, at the Dunkirk centre. */
const enrolLead = () =>
  storeEnrolment(db, {
    serverUrl: 'http://localhost:8080',
    token: 'token-lead',
    deviceId: 'device-lead',
    centre: { id: 'centre-1', name: 'Dunkirk children’s centre', timeZone: 'Europe/Paris' },
    role: 'lead',
    codeSeries: 'K',
    enrolledAt: NOW - 86_400_000,
  });

async function registerThree() {
  await registerChild(db, CODES[0]!, girl, NOW - 86_400_000);
  await registerChild(db, CODES[1]!, boy, NOW);
  await registerChild(db, CODES[2]!, girl, NOW);
}

function renderCards(language: Language = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      <main>
        <CardsScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

const preview = () => screen.findByRole('region', { name: 'Preview' });
const pages = async () => within(await preview()).queryAllByRole('group', { name: /^Page \d+ of \d+$/ });
/** The checkboxes' names, as a screen reader says them. */
const shownCodes = (list: HTMLElement) => within(list).getAllByRole('checkbox').map((box) => document.getElementById(box.getAttribute('aria-labelledby')!)!.textContent);
/** What a card says: its code as printed (one part a line) and as its QR code reads. */
const cardsOn = (page: HTMLElement) =>
  within(page)
    .getAllByRole('img', { name: /^QR code of / })
    .map((qr) => ({ text: qr.parentElement!.textContent, scanned: decodeQrSvg(qr) }));

describe('Code cards for chosen children', () => {
  it('lists the children by code with age band and registration day, filters as the lead types, and prints the chosen ones', async () => {
    await enrolLead();
    await registerThree();
    const user = renderCards();
    const list = await screen.findByRole('region', { name: 'Choose children' });
    const names = within(list).getAllByRole('checkbox').map((box) => box.closest('label')!.textContent);
    expect(names).toEqual([
      `Child ${formatCodeForReading(CODES[0]!)}6-8 · registered Monday 23 November`,
      `Child ${formatCodeForReading(CODES[1]!)}3-5 · registered Tuesday 24 November`,
      `Child ${formatCodeForReading(CODES[2]!)}6-8 · registered Tuesday 24 November`,
    ]);
    expect(within(await preview()).getByText('Nothing to print yet: choose children or issue codes ahead.')).toBeInTheDocument();

    // Typed as a volunteer types: lower case, a dash, a letter O for a zero.
    await user.type(within(list).getByLabelText('Show codes starting with'), '1o-0');
    expect(shownCodes(list)).toEqual([`Child ${formatCodeForReading(CODES[0]!)}`, `Child ${formatCodeForReading(CODES[1]!)}`]);
    await user.click(within(list).getByRole('button', { name: 'Choose all 2 shown' }));
    expect(within(list).getByRole('status')).toHaveTextContent('2 chosen');

    await user.clear(within(list).getByLabelText('Show codes starting with'));
    await user.type(within(list).getByLabelText('Show codes starting with'), '2');
    await user.click(within(list).getByRole('checkbox', { name: `Child ${formatCodeForReading(CODES[2]!)}` }));
    await user.type(within(list).getByLabelText('Show codes starting with'), '9');
    expect(within(list).getByText('No child’s code starts with 29.')).toBeInTheDocument();

    expect(await within(await preview()).findByText('3 cards on 1 page')).toBeInTheDocument();
    const [page] = await pages();
    expect(cardsOn(page!)).toEqual(
      CODES.map((code) => ({ text: `Dunkirk children’s centre${formatCodeForReading(code).replace(' ', '')}`, scanned: code })),
    );
  });

  it('prints nothing about the child but the code and the centre’s name', async () => {
    await enrolLead();
    await registerThree();
    globalThis.history.replaceState(null, '', `/cards?children=${childIdFromCode(CODES[1]!)}`);
    renderCards();
    const [page] = await pages();
    // The boy's age band, gender, languages and registration day are on the list above, never on his card.
    expect(page).toHaveTextContent(/^Dunkirk children’s centre\d{4}L\w$/);
    expect(page!.textContent).not.toMatch(/3-5|boy|Boy|Tuesday|November|2026/);
  });

  it('opens with the children another screen sent ticked, their cards in the preview; Print prints', async () => {
    await enrolLead();
    await registerThree();
    const print = vi.spyOn(globalThis, 'print').mockImplementation(() => undefined);
    globalThis.history.replaceState(null, '', `/cards?children=${childIdFromCode(CODES[2]!)},${childIdFromCode(CODES[0]!)},child-gone`);
    const user = renderCards();
    const list = await screen.findByRole('region', { name: 'Choose children' });
    expect(within(list).getByRole('checkbox', { name: `Child ${formatCodeForReading(CODES[0]!)}` })).toBeChecked();
    expect(within(list).getByRole('checkbox', { name: `Child ${formatCodeForReading(CODES[1]!)}` })).not.toBeChecked();
    expect(within(list).getByRole('checkbox', { name: `Child ${formatCodeForReading(CODES[2]!)}` })).toBeChecked();
    expect(await within(await preview()).findByText('2 cards on 1 page')).toBeInTheDocument();
    expect(cardsOn((await pages())[0]!).map((card) => card.scanned)).toEqual([CODES[0], CODES[2]]);

    await user.click(within(await preview()).getByRole('button', { name: 'Print' }));
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('shows a hundred rows at most, and says how to find the others', async () => {
    await enrolLead();
    for (let i = 0; i < 120; i++) await registerChild(db, issueCode('L', 3000 + i), girl, NOW);
    const user = renderCards();
    const list = await screen.findByRole('region', { name: 'Choose children' });
    expect(within(list).getAllByRole('checkbox')).toHaveLength(100);
    expect(within(list).getByText('Showing 100 of 120 children. Type more of the code to find the others.')).toBeInTheDocument();
    await user.type(within(list).getByLabelText('Show codes starting with'), '311');
    expect(within(list).getAllByRole('checkbox')).toHaveLength(10);
    expect(within(list).queryByText(/^Showing/)).not.toBeInTheDocument();
  });
});

describe('Code cards for codes issued ahead', () => {
  it('issues a batch of N from this tablet’s series, keeps it, and prints it 10 to a page; a code given at registration leaves the batch', async () => {
    await enrolLead();
    const user = renderCards();
    await user.click(await screen.findByRole('radio', { name: 'Codes issued ahead' }));
    const form = screen.getByRole('form', { name: 'Issue codes ahead' });
    const count = within(form).getByLabelText('How many codes');
    expect(count).toHaveValue('10');
    await user.click(within(form).getByRole('button', { name: 'Ten more' }));
    await user.clear(count);
    await user.type(count, '12');
    await user.click(within(form).getByRole('button', { name: 'Issue 12 codes' }));

    const reserved = Array.from({ length: 12 }, (_, i) => issueCode('K', 1000 + i));
    expect(await screen.findByText(`12 codes issued ahead, from ${formatCodeForReading(reserved[0]!)} to ${formatCodeForReading(reserved[11]!)}. They are kept on this tablet.`)).toBeInTheDocument();
    expect(await within(await preview()).findByText('12 cards on 2 pages')).toBeInTheDocument();
    const [first, second] = await pages();
    expect(first).toHaveAccessibleName('Page 1 of 2');
    expect(cardsOn(first!).map((card) => card.scanned)).toEqual(reserved.slice(0, 10));
    expect(cardsOn(second!).map((card) => card.scanned)).toEqual(reserved.slice(10));
    const kept = await db.meta.get('reservedCodes');
    expect(kept?.key === 'reservedCodes' && kept.batches.flatMap((batch) => batch.codes)).toEqual(reserved);

    // New child on Today passes over them; a card's code typed at registration leaves the batch.
    expect((await registerNewChild(db, boy, NOW + 60_000)).child.code).toBe(issueCode('K', 1012));
    await registerChild(db, `${reserved[3]!.toLowerCase()}`, girl, NOW + 120_000);
    const batches = await screen.findByRole('region', { name: 'Codes issued ahead on this tablet' });
    expect(await within(batches).findByText('11 not yet given to a child')).toBeInTheDocument();
    expect(within(batches).getByRole('heading', { name: 'Tuesday 24 November at 11:00: 12 codes issued', level: 3 })).toBeInTheDocument();
    expect(await within(await preview()).findByText('11 cards on 2 pages')).toBeInTheDocument();
    expect(cardsOn((await pages())[0]!).map((card) => card.scanned)).not.toContain(reserved[3]);
  });

  it('reprints an older batch, and as wristband labels', async () => {
    await enrolLead();
    const user = renderCards();
    await user.click(await screen.findByRole('radio', { name: 'Codes issued ahead' }));
    const form = screen.getByRole('form', { name: 'Issue codes ahead' });
    await user.click(within(form).getByRole('button', { name: 'Ten fewer' }));
    expect(within(form).getByLabelText('How many codes')).toHaveValue('1');
    await user.click(within(form).getByRole('button', { name: 'Issue 1 code' }));
    await within(await preview()).findByText('1 card on 1 page');
    // An hour later (a second tap within a second would be the same tap, and issue nothing).
    vi.setSystemTime(NOW + 3_600_000);
    await user.click(within(form).getByRole('button', { name: 'Ten more' }));
    await user.click(within(form).getByRole('button', { name: 'Issue 11 codes' }));
    await within(await preview()).findByText('11 cards on 2 pages');

    const batches = screen.getByRole('region', { name: 'Codes issued ahead on this tablet' });
    expect(within(batches).getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual([
      'Tuesday 24 November at 12:00: 11 codes issued',
      'Tuesday 24 November at 11:00: 1 code issued',
    ]);
    await user.click(within(batches).getByRole('button', { name: 'Print the 1 not yet given' }));
    expect(await within(await preview()).findByText('1 card on 1 page')).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Wristband labels, 10 to a page' }));
    expect(within(await preview()).getByText('1 wristband label on 1 page')).toBeInTheDocument();
    expect(cardsOn((await pages())[0]!)).toEqual([{ text: `${formatCodeForReading(issueCode('K', 1000)).replace(' ', '')}Dunkirk children’s centre`, scanned: issueCode('K', 1000) }]);
  });

  it('refuses a count outside 1 to 200 at the field, issuing nothing', async () => {
    await enrolLead();
    const user = renderCards();
    await user.click(await screen.findByRole('radio', { name: 'Codes issued ahead' }));
    const form = screen.getByRole('form', { name: 'Issue codes ahead' });
    await user.clear(within(form).getByLabelText('How many codes'));
    await user.type(within(form).getByLabelText('How many codes'), '201');
    await user.click(within(form).getByRole('button', { name: 'Issue 201 codes' }));
    expect(within(form).getByText('Type a number from 1 to 200.')).toBeInTheDocument();
    expect(within(form).getByLabelText('How many codes')).toHaveAttribute('aria-invalid', 'true');
    expect(await db.meta.get('reservedCodes')).toBeUndefined();
  });

  it('issues none where the centre uses pre-numbered wristbands', async () => {
    await enrolLead();
    await saveSetting(db, 'codeScheme', 'wristband', NOW);
    const user = renderCards();
    await user.click(await screen.findByRole('radio', { name: 'Codes issued ahead' }));
    expect(await screen.findByText(/This centre uses pre-numbered wristbands/)).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Issue codes ahead' })).not.toBeInTheDocument();
  });
});

describe('Code cards: who may print them', () => {
  it('tells a volunteer’s tablet that this is a lead’s screen, and shows nothing to print', async () => {
    await enrolAs(db, 'volunteer');
    await registerThree();
    renderCards();
    expect(await screen.findByText('Only a lead can print code cards. This is a volunteer’s tablet.')).toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Preview' })).not.toBeInTheDocument();
  });

  it('sits behind the lead’s PIN on a lead’s tablet left idle', async () => {
    await enrolLead();
    await setLeadPin(db, '2468');
    const user = renderCards();
    const gate = await screen.findByRole('form', { name: 'Lead’s PIN' });
    expect(screen.queryByRole('region', { name: 'Preview' })).not.toBeInTheDocument();
    await user.type(within(gate).getByLabelText('PIN'), '2468');
    await user.click(within(gate).getByRole('button', { name: 'Unlock' }));
    expect(await preview()).toBeInTheDocument();
  });

  it('says on a tablet never enrolled that its cards carry no centre name', async () => {
    await registerThree();
    globalThis.history.replaceState(null, '', `/cards?children=${childIdFromCode(CODES[0]!)}`);
    renderCards();
    expect(await screen.findByText('This tablet is not connected to a server, so the cards carry no centre name.')).toBeInTheDocument();
    expect((await pages())[0]).toHaveTextContent(/^\d{4}L\w$/);
  });
});

describe('Code cards: language and accessibility', () => {
  it('speaks French', async () => {
    await enrolLead();
    await registerThree();
    renderCards('fr');
    expect(await screen.findByRole('heading', { name: 'Cartes de code', level: 1 })).toBeInTheDocument();
    const list = await screen.findByRole('region', { name: 'Choisir des enfants' });
    expect(within(list).getByRole('button', { name: 'Choisir les 3 montrés' })).toBeInTheDocument();
    expect(within(list).getAllByRole('checkbox')[0]!.closest('label')).toHaveTextContent('6-8 · inscrit le lundi 23 novembre');
  });

  it('has no violations with children chosen and a batch issued', async () => {
    await enrolLead();
    await registerThree();
    globalThis.history.replaceState(null, '', `/cards?children=${childIdFromCode(CODES[0]!)}`);
    const user = renderCards();
    await within(await preview()).findByText('1 card on 1 page');
    let results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
    await user.click(screen.getByRole('radio', { name: 'Codes issued ahead' }));
    await user.click(within(screen.getByRole('form', { name: 'Issue codes ahead' })).getByRole('button', { name: 'Issue 10 codes' }));
    await within(await preview()).findByText('10 cards on 1 page');
    results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
  });
});
