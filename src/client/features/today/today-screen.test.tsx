import { render, screen, waitForElementToBeRemoved, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { db } from '../../db/db';
import { checkIn } from '../../db/repositories/attendance';
import { registerChild } from '../../db/repositories/children';
import { enrolAs } from '../../db/testing';
import { writeRecord } from '../../db/core/write';
import { centreDay } from '../../../shared/dates';
import { dayCloseId, uuidv7 } from '../../../shared/ids';
import { I18nProvider } from '../../i18n/i18n';
import { DOUBLE_TAP_MS } from '../../ui/actions';
import { TodayScreen } from './today-screen';

const profile = { ageBand: '3-5', gender: 'boy', languages: [] } as const;

function renderToday() {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      <TodayScreen />
    </I18nProvider>,
  );
  return user;
}

const codeField = () => screen.getByRole('textbox', { name: 'Child code' });
/** A headcount figure by its label: the <dd> of the <dt> that names it. */
const figure = (label: string) => within(screen.getByRole('region', { name: 'Headcount' })).getByText(label).nextElementSibling;
const presentList = () => screen.getByRole('region', { name: 'Children here now' });

beforeEach(async () => {
  // Only the date: a tap on the same child within a second is a double tap, so a test that
  // checks one child in and then out moves the clock on, as a volunteer's pause would.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 24, 11, 0, 0) });
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A volunteer's pause between two taps on the same child: longer than a double tap. */
const pause = () => vi.setSystemTime(Date.now() + DOUBLE_TAP_MS + 1);

describe('Today: checking children in and out', () => {
  it('checks a registered child in by code, then out by the same code', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const user = renderToday();

    await user.type(codeField(), code.toLowerCase());
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText('4173 K' + code[5] + ' checked in')).toBeInTheDocument();
    expect(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ })).toBeInTheDocument();
    // One child: the label says so ("Child in", never "1 Children in").
    expect(figure('Child in')).toHaveTextContent('1');

    pause();
    await user.type(codeField(), code);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(/^\d{4} \w+ checked out$/)).toBeInTheDocument();
    expect(await within(presentList()).findByText('No children checked in yet.')).toBeInTheDocument();
  });

  it('forgives spaces, dashes and look-alike letters in a typed code', async () => {
    await registerChild(db, issueCode('K', 4100), profile);
    const user = renderToday();
    const code = issueCode('K', 4100);
    await user.type(codeField(), `41-O0 ${code.slice(4)}`);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(/^\d{4} \w+ checked in$/)).toBeInTheDocument();
  });

  it('checks a child out with one tap on their tile, and Undo brings them back', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const user = renderToday();
    await user.type(codeField(), code);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(/^\d{4} \w+ checked in$/)).toBeInTheDocument();

    pause();
    await user.click(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ }));
    expect(await screen.findByText(/^\d{4} \w+ checked out$/)).toBeInTheDocument();
    expect(await within(presentList()).findByText('No children checked in yet.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ })).toBeInTheDocument();
  });
});

describe('Today: a double tap is one action', () => {
  const events = async () => (await db.attendance.toArray()).filter((event) => !event.deleted).map((event) => event.kind);

  it('on "Check in or out": one check-in, and Undo leaves the child out with nothing counted', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const user = renderToday();
    await user.type(codeField(), code);
    await user.dblClick(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(/^\d{4} \w+ checked in$/)).toBeInTheDocument();
    expect(await events()).toEqual(['in']);

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await events()).toEqual([]);
    expect(await within(presentList()).findByText('No children checked in yet.')).toBeInTheDocument();
  });

  it('on a tile: one check-out, not out and straight back in', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), profile);
    await checkIn(db, child.id);
    pause();
    const user = renderToday();
    await user.dblClick(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ }));
    expect(await screen.findByText(/^\d{4} \w+ checked out$/)).toBeInTheDocument();
    expect(await events()).toEqual(['in', 'out']);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await events()).toEqual(['in']);
  });

  it('on a tile tapped again just after its confirmation: still one check-out', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), profile);
    await checkIn(db, child.id);
    pause();
    const user = renderToday();
    const tileButton = await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ });
    await user.click(tileButton);
    expect(await screen.findByText(/^\d{4} \w+ checked out$/)).toBeInTheDocument();
    // The same finger, a moment later, on the code typed again: within a second, so ignored.
    await user.type(codeField(), issueCode('K', 4173));
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    // The field empties once the code has been looked up and the tap set aside.
    await vi.waitFor(() => expect(codeField()).toHaveValue(''));
    expect(await events()).toEqual(['in', 'out']);
  });

  it('on Undo: undoes once', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const user = renderToday();
    await user.type(codeField(), code);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(/checked in$/)).toBeInTheDocument();
    const outboxBefore = await db.outbox.count();
    await user.dblClick(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await db.outbox.count()).toBe(outboxBefore + 1);
  });
});

describe('Today: registering a child', () => {
  it('registers an unknown typed code in three taps (age, gender, register) and checks the child in', async () => {
    const code = issueCode('K', 5000);
    const user = renderToday();
    await user.type(codeField(), code);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));

    const form = await screen.findByRole('form', { name: 'Register a child' });
    await user.click(within(form).getByRole('radio', { name: '6-8' }));
    await user.click(within(form).getByRole('radio', { name: 'Girl' }));
    await user.click(within(form).getByRole('button', { name: 'Register and check in' }));

    expect(await screen.findByText(/registered and checked in/)).toBeInTheDocument();
    const child = await db.children.get(`child-${code}`);
    expect(child).toMatchObject({ code, ageBand: '6-8', gender: 'girl', languages: [] });
    expect(await within(presentList()).findByRole('button', { name: /Check out\s*5000 K/ })).toBeInTheDocument();
  });

  it('issues a new code for a new child, and Undo takes back both the registration and the visit', async () => {
    const user = renderToday();
    await user.click(screen.getByRole('button', { name: 'New child' }));
    const form = await screen.findByRole('form', { name: 'Register a child' });
    await user.click(within(form).getByRole('radio', { name: '0-2' }));
    await user.click(within(form).getByRole('radio', { name: 'Not said' }));
    await user.click(within(form).getByRole('checkbox', { name: /Arabic/ }));
    await user.click(within(form).getByRole('button', { name: 'Register and check in' }));

    expect(await screen.findByText(/registered and checked in/)).toBeInTheDocument();
    const [child] = await db.children.toArray();
    expect(child).toMatchObject({ ageBand: '0-2', gender: 'unspecified', languages: ['ar'], deleted: false });
    expect(child!.code).toMatch(/^\d{3}[A-Z][0-9A-Z]{2}$/);

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect((await db.children.get(child!.id))?.deleted).toBe(true);
    expect(await within(presentList()).findByText('No children checked in yet.')).toBeInTheDocument();
  });

  it('asks for the missing answers at their fields instead of registering half a child', async () => {
    const user = renderToday();
    await user.click(screen.getByRole('button', { name: 'New child' }));
    const form = await screen.findByRole('form', { name: 'Register a child' });
    await user.click(within(form).getByRole('button', { name: 'Register and check in' }));
    expect(within(form).getByText('Choose an age.')).toBeInTheDocument();
    expect(within(form).getByText('Choose a gender.')).toBeInTheDocument();
    expect(await db.children.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('Today: bad input', () => {
  it.each([
    ['an empty code', '', "Type the child's code."],
    ['a code with symbols', '41#73', 'A code uses only digits and letters.'],
    ['a code that is too long', '1234567', 'That code is too long.'],
    ['a wrong check character', () => swapLast(issueCode('K', 4173)), 'This code has a typo: check each character.'],
    ['two swapped digits', () => swapFirstTwo(issueCode('K', 4173)), 'This code has a typo: check each character.'],
  ] as const)('%s gets a clear message at the field and stores nothing', async (_case, typed, message) => {
    const user = renderToday();
    const text = typeof typed === 'function' ? typed() : typed;
    if (text) await user.type(codeField(), text);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(codeField()).toHaveAttribute('aria-invalid', 'true');
    expect(codeField()).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(screen.queryByRole('form', { name: 'Register a child' })).not.toBeInTheDocument();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.children.count()).toBe(0);
  });
});

function swapLast(code: string): string {
  const last = code[5] === '0' ? '1' : '0';
  return code.slice(0, 5) + last;
}

function swapFirstTwo(code: string): string {
  // 4173K? -> 1473K?: a swapped pair the check character must catch.
  return code[1]! + code[0]! + code.slice(2);
}

describe('Today: keypad and suggestions', () => {
  it('types a code on the keypad and checks the child in', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const user = renderToday();
    const keypad = screen.getByRole('group', { name: 'Keypad' });
    for (const digit of code.slice(0, 4)) await user.click(within(keypad).getByRole('button', { name: digit }));
    await user.click(within(keypad).getByRole('button', { name: 'ABC' }));
    for (const letter of code.slice(4)) await user.click(within(keypad).getByRole('button', { name: letter }));
    expect(codeField()).toHaveValue(code);
    await user.click(within(keypad).getByRole('button', { name: /Delete/ }));
    expect(codeField()).toHaveValue(code.slice(0, 5));
    await user.click(within(keypad).getByRole('button', { name: code[5]! }));
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(/^\d{4} \w+ checked in$/)).toBeInTheDocument();
  });

  it('suggests registered children as the code is typed; one tap checks the suggested child in, another out', async () => {
    await registerChild(db, issueCode('K', 4173), profile);
    await registerChild(db, issueCode('K', 4174), profile);
    await registerChild(db, issueCode('K', 5100), profile);
    const user = renderToday();
    await user.type(codeField(), '417');
    const suggestions = await screen.findByRole('region', { name: 'Matching children' });
    expect(within(suggestions).getAllByRole('button')).toHaveLength(2);
    await user.click(within(suggestions).getByRole('button', { name: /4174 K.*check in/ }));
    expect(await screen.findByText(/4174 K. checked in/)).toBeInTheDocument();
    expect(codeField()).toHaveValue('');

    pause();
    await user.type(codeField(), '4174');
    await user.click(await screen.findByRole('button', { name: /4174 K.*check out/ }));
    expect(await screen.findByText(/4174 K. checked out/)).toBeInTheDocument();
  });
});

describe('Today: the headcount', () => {
  async function volunteerOnDuty(name: string) {
    const id = uuidv7();
    await writeRecord(db, 'volunteers', id, { displayName: name, active: true }, { create: true });
    const now = Date.now();
    await writeRecord(db, 'shifts', uuidv7(), { volunteerId: id, day: centreDay(now, 'Europe/Paris'), kind: 'on', at: now }, { create: true });
  }

  it('warns when children are present and no volunteer is on duty', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), profile);
    await checkIn(db, child.id);
    renderToday();
    expect(await screen.findByRole('alert')).toHaveTextContent('no volunteer is on duty');
    expect(screen.getByRole('region', { name: 'Headcount' })).toHaveClass('warning');
  });

  it('shows children, volunteers on duty and the ratio, and warns past the limit', async () => {
    await volunteerOnDuty('Amira');
    for (let serial = 4100; serial < 4109; serial++) {
      const { child } = await registerChild(db, issueCode('K', serial), profile);
      await checkIn(db, child.id);
    }
    renderToday();
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many children: at most 8 per volunteer, so 8 for those on duty. 1 over.');
    expect(figure('Children in')).toHaveTextContent('9');
    expect(figure('Volunteer on duty')).toHaveTextContent('1');
    expect(figure('Children per volunteer')).toHaveTextContent('9');

    await volunteerOnDuty('Jo');
    await waitForElementToBeRemoved(() => screen.queryByRole('alert'));
    expect(figure('Children per volunteer')).toHaveTextContent('4.5');
    expect(screen.getByRole('region', { name: 'Headcount' })).not.toHaveClass('warning');
  });
});

describe('Today: a closed day', () => {
  async function closeToday() {
    const day = centreDay(Date.now(), 'Europe/Paris');
    await writeRecord(db, 'dayCloses', dayCloseId(day), { day, closedAt: Date.now(), closedBy: 'v1', notes: '' }, { create: true });
  }

  it('is read-only on a volunteer device: the code field and tiles do nothing', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), profile);
    await checkIn(db, child.id);
    await closeToday();
    await enrolAs(db, 'volunteer');
    renderToday();
    expect(await screen.findByText('This day is closed. Only a lead can change it.')).toBeInTheDocument();
    expect(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ })).toBeDisabled();
    expect(codeField()).toBeDisabled();
  });

  it('stays correctable on a lead device', async () => {
    const { child } = await registerChild(db, issueCode('K', 4173), profile);
    await checkIn(db, child.id);
    await closeToday();
    const user = renderToday();
    expect(await screen.findByText('This day is closed. As a lead you can still correct it.')).toBeInTheDocument();
    await user.click(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ }));
    expect(await screen.findByText(/^\d{4} \w+ checked out$/)).toBeInTheDocument();
  });
});
