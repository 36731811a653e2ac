import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { atLocalTime } from '../../../shared/dates';
import { checkIn, checkOut } from '../../db/repositories/attendance';
import { registerChild } from '../../db/repositories/children';
import { closeDay } from '../../db/repositories/day-close';
import { db } from '../../db/db';
import { purgeExpired } from '../../db/repositories/retention';
import { addParticipants, startSession } from '../../db/repositories/sessions';
import { saveSetting } from '../../db/repositories/settings';
import { signOn } from '../../db/repositories/shifts';
import { addVolunteer } from '../../db/repositories/volunteers';
import { I18nProvider } from '../../i18n/i18n';
import { csvRows } from '../../../../tests/support/csv';
import { SummaryScreen } from './summary-screen';

const TZ = 'Europe/Paris';
const TODAY = '2026-11-24';
const YESTERDAY = '2026-11-23';
const at = (hhmm: string, day = TODAY) => atLocalTime(day, hhmm, TZ);

beforeEach(async () => {
  // Only Date is faked: the screen's clock reads 17:30 in Dunkirk, while timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at('17:30'));
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function childIn(serial: number, hhmm: string, day = TODAY, ageBand: '3-5' | '6-8' = '3-5'): Promise<string> {
  const { child } = await registerChild(db, issueCode('K', serial), { ageBand, gender: 'girl', languages: [] }, at(hhmm, day));
  await checkIn(db, child.id, at(hhmm, day));
  return child.id;
}

function renderSummary(language: 'en' | 'fr' = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      <main>
        <SummaryScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

/** The number shown in a key figure card, found by its label. */
async function figure(label: string): Promise<string> {
  const term = await screen.findByText(label, { selector: 'dt' });
  return term.parentElement!.querySelector('.key-figure-value')!.textContent;
}

describe('Summary: one day', () => {
  it('shows today’s figures, and a check-in elsewhere shows at once', async () => {
    const a = await childIn(4100, '10:00');
    await childIn(4101, '10:30', TODAY, '6-8');
    await checkOut(db, a, at('11:00'));
    const amira = await addVolunteer(db, 'Amira', at('09:00'));
    await signOn(db, amira.id, at('09:00'));
    const art = await startSession(db, { activity: 'art' }, at('10:40'));
    await addParticipants(db, art.id, [`child-${issueCode('K', 4101)}`], at('10:41'));
    renderSummary();

    expect(await screen.findByRole('heading', { level: 2, name: 'Today, Tuesday 24 November' })).toBeInTheDocument();
    expect(await figure('Children')).toBe('2');
    expect(await figure('New children')).toBe('2');
    expect(await figure('Most at once')).toBe('2');
    expect(await figure('Average visit')).toBe('1 h 0 min');
    expect(await figure('Volunteers')).toBe('1');
    expect(await screen.findByText('Figures so far: the day is still open.')).toBeInTheDocument();
    const activities = screen.getByRole('region', { name: 'Sessions by activity' });
    expect(within(activities).getByText('Art')).toBeInTheDocument();
    expect(within(activities).getByText('Sessions: 1 · children: 1')).toBeInTheDocument();
    const ages = screen.getByRole('region', { name: 'Children by age' });
    expect(within(ages).getByText('3-5 years').nextSibling!.textContent).toBe('1');
    expect(screen.getByRole('img', { name: /Children present, volunteers on duty/ })).toBeInTheDocument();

    await act(() => childIn(4102, '12:00'));
    await vi.waitFor(async () => expect(await figure('Children')).toBe('3'));
  });

  it('reads a closed day as closed, with when it was signed off', async () => {
    await childIn(4100, '10:00');
    const amira = await addVolunteer(db, 'Amira', at('09:00'));
    await closeDay(db, { day: TODAY, checkOutAt: at('17:00'), closedBy: amira.id }, at('17:20'));
    renderSummary();
    expect(await screen.findByText('The day is closed (signed off at 17:20): these are its figures.')).toBeInTheDocument();
    expect(screen.queryByText('Figures so far: the day is still open.')).not.toBeInTheDocument();
    expect(await figure('Average visit')).toBe('7 h 0 min');
  });

  it('goes back a day, where nobody came: zero figures and a sentence, not an error', async () => {
    await childIn(4100, '10:00');
    const user = renderSummary();
    expect(await figure('Children')).toBe('1');
    await user.click(screen.getByRole('button', { name: 'Previous day' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Monday 23 November' })).toBeInTheDocument();
    expect(await screen.findByText('Nobody was checked in on this day.')).toBeInTheDocument();
    expect(await figure('Children')).toBe('0');
    expect(await figure('Average visit')).toBe('—');
    expect(screen.getByRole('button', { name: 'Next day' })).toBeEnabled();
  });

  it('cannot go past today', async () => {
    renderSummary();
    expect(await screen.findByRole('button', { name: 'Next day' })).toBeDisabled();
    expect(screen.getByLabelText('Day')).toHaveAttribute('max', TODAY);
  });

  it('shows the time over the ratio limit in the warning colour', async () => {
    const amira = await addVolunteer(db, 'Amira', at('09:00'));
    await signOn(db, amira.id, at('09:00'));
    for (let i = 0; i < 9; i++) await childIn(4100 + i, '10:00');
    await checkOut(db, `child-${issueCode('K', 4100)}`, at('10:20'));
    renderSummary();
    expect(await figure('Time over the ratio limit')).toBe('20 min');
    expect((await screen.findByText('Time over the ratio limit')).closest('.key-figure')).toHaveClass('key-figure-alert');
  });
});

describe('Summary: several days', () => {
  it('shows a table with a row per day and a total, and downloads the CSV and the funders’ CSV', async () => {
    await childIn(4100, '10:00', YESTERDAY);
    await childIn(4101, '10:00', YESTERDAY);
    await checkIn(db, `child-${issueCode('K', 4100)}`, at('09:30'));
    const files: { name: string; text: Promise<string> }[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      files.push({ name: '', text: (blob as Blob).text() });
      return `blob:${files.length}`;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      files[files.length - 1]!.name = this.download;
    });
    const user = renderSummary();
    await user.click(await screen.findByRole('radio', { name: 'Several days' }));
    await user.click(screen.getByRole('button', { name: 'Last 7 days' }));

    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    // A header, seven days, a total.
    expect(rows).toHaveLength(9);
    expect(within(rows[6]!).getByRole('rowheader').textContent).toBe('Mon 23 Nov');
    expect(within(rows[6]!).getAllByRole('cell')[0]!.textContent).toBe('2');
    expect(within(rows[8]!).getByRole('rowheader').textContent).toBe('Total');
    // Two children on Monday, one of them again on Tuesday: two different children.
    expect(within(rows[8]!).getAllByRole('cell')[0]!.textContent).toBe('2');

    await user.click(screen.getByRole('button', { name: 'Download CSV' }));
    await user.click(screen.getByRole('button', { name: 'Download for funders (counts under 5 hidden)' }));
    expect(files.map((file) => file.name)).toEqual(['daybook-2026-11-18-2026-11-24.csv', 'daybook-2026-11-18-2026-11-24-funders.csv']);
    const [plain, funders] = await Promise.all(files.map((file) => file.text));
    // Rows after the header: seven days from the 18th, then the total.
    expect(csvRows(plain!)[5]!.day).toBe('2026-11-23');
    expect(csvRows(plain!)[5]!.uniqueChildren).toBe('2');
    expect(csvRows(plain!)[7]!.day).toBe('total');
    expect(csvRows(funders!)[5]!.uniqueChildren).toBe('<5');
    expect(funders).not.toContain('4100');

    // A funder who asks for 10: the threshold is chosen beside the button, which says it.
    await user.selectOptions(screen.getByLabelText('Funders’ threshold'), '10');
    await user.click(screen.getByRole('button', { name: 'Download for funders (counts under 10 hidden)' }));
    expect(screen.getByText(/counts from 1 to 9 read “<10”/)).toBeTruthy();
    const stricter = await files[2]!.text;
    expect(csvRows(stricter)[5]!.uniqueChildren).toBe('<10');
  });

  it('says in words that the range’s children are only about right once some of its days are purged', async () => {
    // One child on two days of last month, which a one-month retention then purges: counted once
    // per day, so two where there was one.
    await saveSetting(db, 'retentionMonths', 1);
    const id = await childIn(4100, '10:00', '2026-10-05');
    await checkIn(db, id, at('10:00', '2026-10-06'));
    await purgeExpired(db, Date.now());
    const user = renderSummary();
    await user.click(await screen.findByRole('radio', { name: 'Several days' }));
    await user.click(screen.getByRole('button', { name: 'Last month' }));

    const totals = await screen.findByRole('region', { name: 'In total' });
    expect(
      await within(totals).findByText('About 2 children: some days are older than the retention period, so children counted on them can no longer be told apart.'),
    ).toBeInTheDocument();
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(within(rows.at(-1)!).getAllByRole('cell')[0]!.textContent).toBe('about 2');
    // The days keep their own exact figures.
    expect(within(rows[5]!).getAllByRole('cell')[0]!.textContent).toBe('1');
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
    expect(result.violations.map((violation) => violation.id)).toEqual([]);
    // axe walks a month's table and trend chart: seconds in jsdom, more on a busy machine.
  }, 20_000);

  it('says nothing of the kind while every day of the range is still held', async () => {
    await childIn(4100, '10:00', YESTERDAY);
    await checkIn(db, `child-${issueCode('K', 4100)}`, at('09:30'));
    const user = renderSummary();
    await user.click(await screen.findByRole('radio', { name: 'Several days' }));
    const totals = await screen.findByRole('region', { name: 'In total' });
    expect(await within(totals).findByText('different children over these days')).toBeInTheDocument();
    expect(within(totals).queryByText(/retention period/)).not.toBeInTheDocument();
  });

  it('says what is wrong with a range and shows no figures', async () => {
    const user = renderSummary();
    await user.click(await screen.findByRole('radio', { name: 'Several days' }));
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');

    await user.clear(from);
    await user.type(from, '2026-11-20');
    await user.clear(to);
    await user.type(to, '2026-11-10');
    expect(await screen.findByText('The first day must be on or before the last day.')).toBeInTheDocument();
    expect(from).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();

    await user.clear(from);
    await user.type(from, '2025-01-01');
    expect(await screen.findByText('A report covers at most 366 days. Choose a shorter range.')).toBeInTheDocument();
    expect(to).toHaveAttribute('aria-invalid', 'true');

    await user.clear(from);
    expect(await screen.findByText('Choose a date.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

describe('Summary: language and accessibility', () => {
  it('speaks French', async () => {
    await childIn(4100, '10:00');
    renderSummary('fr');
    expect(await screen.findByRole('heading', { level: 1, name: 'Bilan' })).toBeInTheDocument();
    expect(await screen.findByText('Enfants', { selector: 'dt' })).toBeInTheDocument();
  });

  it('says in French that the range’s children are only about right', async () => {
    await saveSetting(db, 'retentionMonths', 1);
    const id = await childIn(4100, '10:00', '2026-10-05');
    await checkIn(db, id, at('10:00', '2026-10-06'));
    await purgeExpired(db, Date.now());
    const user = renderSummary('fr');
    await user.click(await screen.findByRole('radio', { name: 'Plusieurs jours' }));
    await user.click(screen.getByRole('button', { name: 'Le mois dernier' }));
    expect(await screen.findByText(/^Environ 2 enfants : certains jours sont plus anciens que la durée de conservation/)).toBeInTheDocument();
  });

  it('has no axe violations on a day and on a range', async () => {
    await childIn(4100, '10:00');
    const user = renderSummary();
    await screen.findByRole('img', { name: /Children present/ });
    // Colour contrast needs a layout engine, which jsdom lacks; the e2e axe run in Chromium covers it.
    // Only violations are read, so axe need not list every passing node of the charts.
    const run = async () => (await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] })).violations.map((v) => v.id);
    expect(await run()).toEqual([]);
    await user.click(screen.getByRole('radio', { name: 'Several days' }));
    await screen.findByRole('table');
    expect(await run()).toEqual([]);
  });
});
