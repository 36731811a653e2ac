import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { childIdFromCode, formatCodeForReading, issueCode, SERIES_LETTERS } from '../../../shared/codes';
import { formatHlc } from '../../../shared/hlc';
import { AGE_BANDS } from '../../../shared/schema';
import { applyPullPage } from '../../sync/apply-page';
import { checkIn } from '../../db/repositories/attendance';
import { addParticipants, startSession } from '../../db/repositories/sessions';
import { centreDay } from '../../../shared/dates';
import { DaybookDatabase } from '../../db/core/database';
import { db } from '../../db/db';
import { registerAndCheckIn } from '../../db/repositories/children';
import { loadPresentChildren } from '../../db/repositories/presence';
import { copyRecords, enrolAs } from '../../db/testing';
import { I18nProvider } from '../../i18n/i18n';
import { ChildrenScreen } from './children-screen';

const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);
const DAY = centreDay(NOON, 'Europe/Paris');
const CODE = '4173KL';

let count = 0;
let otherTablet: DaybookDatabase;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOON + 30 * 60_000 });
  count += 1;
  await db.delete();
  await db.open();
  otherTablet = new DaybookDatabase(`children-other-${count}`);
  await otherTablet.open();
});

afterEach(() => {
  vi.useRealTimers();
});

function renderChildren() {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      <main>
        <ChildrenScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

/** A girl registered here and a boy on another tablet, both under 4173 KL, then synced. */
async function clash() {
  await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
  await registerAndCheckIn(otherTablet, CODE, { ageBand: '3-5', gender: 'boy', languages: ['ar'] }, NOON + 60_000);
  await copyRecords(otherTablet, db);
}

describe('Children: a code given to two children', () => {
  it('shows both registrations; a new code for one takes their visit along, and Undo takes it back', async () => {
    await clash();
    const user = renderChildren();
    const card = await screen.findByRole('region', { name: 'Code 4173 KL was given to 2 children' });
    expect(within(card).getByText('6-8 · Girl')).toBeInTheDocument();
    expect(within(card).getByText('3-5 · Boy · Arabic')).toBeInTheDocument();
    expect(within(card).getAllByText('1 visit recorded on the tablet that registered this child')).toHaveLength(2);

    await user.click(within(card).getByRole('button', { name: /^Another child: give a new code: 3-5 · Boy · Arabic, Registered on / }));
    const notice = await screen.findByText(/^New code \d{3} [A-Z0-9]{3}\. Write it on the child’s card\.$/);
    await vi.waitFor(() => expect(screen.queryByRole('region', { name: /was given to/ })).not.toBeInTheDocument());
    const newCode = notice.textContent.match(/New code (\d{3}) ([A-Z0-9]{3})/)!.slice(1).join('');
    const present = await loadPresentChildren(db, DAY);
    expect(new Map(present.map((entry) => [entry.child.code, entry.child.gender]))).toEqual(
      new Map([
        [CODE, 'girl'],
        [newCode, 'boy'],
      ]),
    );

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await screen.findByRole('region', { name: 'Code 4173 KL was given to 2 children' })).toBeInTheDocument();
    expect((await loadPresentChildren(db, DAY)).map((entry) => entry.child.code)).toEqual([CODE]);
  });

  it('keeps them as one child with the chosen profile, and a double tap answers once', async () => {
    await clash();
    const user = renderChildren();
    const card = await screen.findByRole('region', { name: 'Code 4173 KL was given to 2 children' });
    await user.dblClick(within(card).getByRole('button', { name: /^Same child: keep this one: 3-5 · Boy · Arabic, Registered on / }));
    expect(await screen.findByText('Kept as one child: 3-5, Boy.')).toBeInTheDocument();
    expect(await db.children.get(childIdFromCode(CODE))).toMatchObject({ ageBand: '3-5', gender: 'boy', languages: ['ar'] });
    expect((await db.registrations.toArray()).filter((row) => row.resolution === 'same-child')).toHaveLength(1);
  });
});

describe('Children: finding and correcting a child', () => {
  it('finds a child by a code typed loosely, corrects the age band, with Undo', async () => {
    await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const user = renderChildren();
    await user.type(await screen.findByRole('textbox', { name: 'Child code' }), '4173 kl');
    await user.click(screen.getByRole('button', { name: 'Find' }));
    const detail = await screen.findByRole('region', { name: 'Child 4173 KL' });
    expect(within(detail).getByText(/^Registered on /)).toBeInTheDocument();
    expect(within(detail).getByRole('radio', { name: '6-8' })).toBeChecked();
    await user.click(within(detail).getByRole('radio', { name: '9-12' }));
    await user.click(within(detail).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('4173 KL corrected.')).toBeInTheDocument();
    expect((await db.children.get(childIdFromCode(CODE)))?.ageBand).toBe('9-12');
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect((await db.children.get(childIdFromCode(CODE)))?.ageBand).toBe('6-8');
  });

  it('says at the field when no child has the code, or when it is no code', async () => {
    const user = renderChildren();
    const field = await screen.findByRole('textbox', { name: 'Child code' });
    await user.type(field, '4173KL');
    await user.click(screen.getByRole('button', { name: 'Find' }));
    expect(await screen.findByText('No child has code 4173 KL on this tablet.')).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, '4173KM');
    await user.click(screen.getByRole('button', { name: 'Find' }));
    expect(await screen.findByText('That is not a code: check each character.')).toBeInTheDocument();
  });

  it('has no axe violations with a clash and a child open', async () => {
    await clash();
    const user = renderChildren();
    await screen.findByRole('region', { name: /was given to/ });
    await user.type(screen.getByRole('textbox', { name: 'Child code' }), CODE);
    await user.click(screen.getByRole('button', { name: 'Find' }));
    await screen.findByRole('region', { name: 'Child 4173 KL' });
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations.map((violation) => violation.id)).toEqual([]);
  });
});

/** Finds the child of CODE on the Children screen and opens their record. */
async function openChild(user: ReturnType<typeof userEvent.setup>, typed = CODE) {
  await user.type(await screen.findByRole('textbox', { name: 'Child code' }), typed);
  await user.click(screen.getByRole('button', { name: 'Find' }));
  return screen.findByRole('region', { name: 'Child 4173 KL' });
}

const ERASED = 'Child 4173 KL erased. The other tablets and the server erase it too when they sync.';

describe('Children: erasing a child', () => {
  it('asks a second time, saying what goes and what stays; keeping the child changes nothing', async () => {
    await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const user = renderChildren();
    const detail = await openChild(user);
    await user.click(within(detail).getByRole('button', { name: 'Erase this child' }));

    const confirm = await within(detail).findByRole('region', { name: 'Erasing child 4173 KL cannot be undone' });
    expect(within(confirm).getByRole('heading', { name: 'Erasing child 4173 KL cannot be undone' })).toHaveFocus();
    expect(within(confirm).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'the child’s code 4173 KL, age band, gender and languages',
      'every check-in and check-out of theirs',
      'every activity session they were counted in',
    ]);
    expect(within(confirm).getByText('The day figures stay as they are.')).toBeInTheDocument();
    expect(within(confirm).getByText('There is no Undo.')).toBeInTheDocument();

    await user.click(within(confirm).getByRole('button', { name: 'Keep this child' }));
    expect(await within(detail).findByRole('button', { name: 'Erase this child' })).toHaveFocus();
    expect(within(detail).queryByRole('region', { name: /cannot be undone/ })).not.toBeInTheDocument();
    expect(await db.children.get(childIdFromCode(CODE))).toBeDefined();
    expect(await db.erasures.count()).toBe(0);
    expect(await db.attendance.count()).toBe(1);
  });

  it('erases the child on the second tap: gone from this tablet, said in the notice, with no Undo', async () => {
    await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const user = renderChildren();
    const detail = await openChild(user);
    await user.click(within(detail).getByRole('button', { name: 'Erase this child' }));
    await user.click(await within(detail).findByRole('button', { name: 'Erase 4173 KL for good' }));

    expect(await within(screen.getByRole('status')).findByText(ERASED)).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Child 4173 KL' })).not.toBeInTheDocument();
    expect(within(screen.getByRole('status')).queryByRole('button', { name: 'Undo' })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Child code' })).toHaveFocus();
    expect(await db.children.count()).toBe(0);
    expect(await db.attendance.count()).toBe(0);
    expect(await db.erasures.get(childIdFromCode(CODE))).toBeDefined();
    expect((await db.outbox.toArray()).map((op) => op.table)).toEqual(['erasures']);

    // Looking the code up again finds no one.
    await user.click(screen.getByRole('button', { name: 'Find' }));
    expect(await screen.findByText('No child has code 4173 KL on this tablet.')).toBeInTheDocument();
  });

  it('takes a child whose code reached two children off the list of codes to sort out', async () => {
    await clash();
    const user = renderChildren();
    await screen.findByRole('region', { name: 'Code 4173 KL was given to 2 children' });
    const detail = await openChild(user);
    await user.click(within(detail).getByRole('button', { name: 'Erase this child' }));
    await user.click(await within(detail).findByRole('button', { name: 'Erase 4173 KL for good' }));
    expect(await within(screen.getByRole('status')).findByText(ERASED)).toBeInTheDocument();
    expect(await db.registrations.count()).toBe(0);
    await vi.waitFor(() => expect(screen.queryByRole('region', { name: /was given to/ })).not.toBeInTheDocument());
  });

  it('erases once for a double tap on the second step', async () => {
    await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const user = renderChildren();
    const detail = await openChild(user);
    await user.click(within(detail).getByRole('button', { name: 'Erase this child' }));
    await user.dblClick(await within(detail).findByRole('button', { name: 'Erase 4173 KL for good' }));
    expect(await within(screen.getByRole('status')).findByText(ERASED)).toBeInTheDocument();
    expect(await db.erasures.count()).toBe(1);
    expect((await db.outbox.toArray()).map((op) => op.table)).toEqual(['erasures']);
  });

  it('asks in French', async () => {
    await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const user = userEvent.setup();
    render(
      <I18nProvider language="fr">
        <main>
          <ChildrenScreen />
        </main>
      </I18nProvider>,
    );
    await user.type(await screen.findByRole('textbox', { name: 'Code de l’enfant' }), CODE);
    await user.click(screen.getByRole('button', { name: 'Chercher' }));
    const detail = await screen.findByRole('region', { name: 'Enfant 4173 KL' });
    await user.click(within(detail).getByRole('button', { name: 'Effacer cet enfant' }));
    const confirm = await within(detail).findByRole('region', { name: 'L’effacement de l’enfant 4173 KL est définitif' });
    expect(within(confirm).getByText('le code 4173 KL de l’enfant, sa tranche d’âge, son genre et ses langues')).toBeInTheDocument();
    expect(within(confirm).getByText('Les chiffres des journées restent tels quels.')).toBeInTheDocument();
    await user.click(within(confirm).getByRole('button', { name: 'Effacer 4173 KL définitivement' }));
    expect(
      await within(screen.getByRole('status')).findByText('Enfant 4173 KL effacé. Les autres tablettes et le serveur l’effacent aussi en se synchronisant.'),
    ).toBeInTheDocument();
  });

  it('has no axe violations while asking, nor once erased', async () => {
    await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const user = renderChildren();
    const detail = await openChild(user);
    await user.click(within(detail).getByRole('button', { name: 'Erase this child' }));
    await within(detail).findByRole('region', { name: /cannot be undone/ });
    const violations = async () => (await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } })).violations.map((violation) => violation.id);
    expect(await violations()).toEqual([]);
    await user.click(within(detail).getByRole('button', { name: 'Erase 4173 KL for good' }));
    await within(screen.getByRole('status')).findByText(ERASED);
    expect(await violations()).toEqual([]);
  });
});

describe('Children: a volunteer tablet', () => {
  it('offers nothing and says why', async () => {
    await clash();
    await enrolAs(db, 'volunteer');
    renderChildren();
    expect(await screen.findByText(/Only a lead can see and correct children’s records/)).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByText('Erase this child')).not.toBeInTheDocument();
  });
});

/** A year of a busy centre's children, as one pull page from the server brings them. */
async function yearOfChildren(count: number): Promise<string[]> {
  const hlc = formatHlc({ ms: NOON - 86_400_000, counter: 0, node: 'bbbbbbbbbbbbbbbb' });
  const codes = Array.from({ length: count }, (_, i) => issueCode(SERIES_LETTERS[i % 4]!, 1000 + Math.floor(i / 4)));
  const changes = codes.map((code, i) => {
    const fields = { code, ageBand: AGE_BANDS[i % AGE_BANDS.length]!, gender: i % 2 === 0 ? 'girl' : 'boy', languages: i % 3 === 0 ? ['ar'] : [], registeredOn: '2026-01-05', deleted: false };
    return { cursor: i + 1, table: 'children' as const, id: childIdFromCode(code), fields, hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, hlc])) };
  });
  await applyPullPage(db, { changes, nextCursor: count, hasMore: false, serverTime: NOON }, NOON);
  return codes;
}

describe('Children: the list of every child', () => {
  it('lists 3,000 children and filters them as the lead types; a row opens the child', async () => {
    const codes = await yearOfChildren(3000);
    const wanted = codes[2345]!;
    await checkIn(db, childIdFromCode(wanted), NOON);
    const user = renderChildren();
    expect(await screen.findByText('3,000 children registered. Type part of a code above to find one.')).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'All children' });
    // Only a window of rows is drawn, each placed in the whole list of 3,000.
    const drawn = within(list).getAllByRole('listitem');
    expect(drawn.length).toBeLessThan(100);
    expect(drawn[0]).toHaveAttribute('aria-setsize', '3000');

    const field = screen.getByRole('textbox', { name: 'Child code' });
    // Typed loosely, as on Today: lower case and a space.
    const typed = `${wanted.slice(0, 3)} ${wanted.slice(3).toLowerCase()}`;
    for (const [i, character] of [...typed].entries()) {
      await user.type(field, character);
      const sofar = typed.slice(0, i + 1);
      const matching = codes.filter((code) => code.includes(sofar.replace(/\s/g, '').toUpperCase())).length;
      if (matching < 3000) expect(await screen.findByText(`${matching.toLocaleString('en-GB')} of 3,000 children ${matching === 1 ? 'has' : 'have'} a code with what you typed.`)).toBeInTheDocument();
    }
    const row = await within(list).findByRole('button', { name: new RegExp(`^${formatCodeForReading(wanted)}`) });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    // Its last visit is read for the rows shown.
    expect(await within(row).findByText(/last came /)).toBeInTheDocument();

    await user.click(row);
    expect(await screen.findByRole('region', { name: `Child ${formatCodeForReading(wanted)}` })).toBeInTheDocument();
  });

  it('shows a child’s recent activity sessions in their record', async () => {
    const { child } = await registerAndCheckIn(db, CODE, { ageBand: '6-8', gender: 'girl', languages: [] }, NOON);
    const session = await startSession(db, { activity: 'art' }, NOON + 60_000);
    await addParticipants(db, session.id, [child.id], NOON + 120_000);
    const user = renderChildren();
    const detail = await openChild(user);
    const sessions = within(detail).getByRole('heading', { name: 'Recent activity sessions' }).nextElementSibling as HTMLElement;
    expect(within(sessions).getByText(/^Art, .* at 12:01$/)).toBeInTheDocument();
  });

  it('says when no child is registered yet', async () => {
    renderChildren();
    expect(await screen.findByText('No child is registered on this tablet yet.')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'All children' })).not.toBeInTheDocument();
  });
});
