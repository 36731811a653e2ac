import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dayCloseId } from '../../../shared/ids';
import { db } from '../../db/db';
import { enrolAs } from '../../db/testing';
import { signOn } from '../../db/repositories/shifts';
import { addVolunteer } from '../../db/repositories/volunteers';
import { writeRecord } from '../../db/core/write';
import { I18nProvider } from '../../i18n/i18n';
import type { Language } from '../../i18n/i18n';
import { ShiftsScreen } from './shifts-screen';

// 11:00 in Paris (UTC+1 in November); only Date is frozen, so timers and IndexedDB run as usual.
const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const DAY = '2026-11-24';
const MINUTE = 60_000;

function renderShifts(language: Language = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      {/* The app shell puts every screen in <main>. */}
      <main>
        <ShiftsScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

const tiles = () => screen.getByRole('region', { name: 'Tap your name' });
const onDutyList = () => screen.getByRole('region', { name: 'On duty now' });
const headcount = () => screen.getByRole('region', { name: 'Volunteers on duty' });
const addForm = () => screen.getByRole('form', { name: 'New volunteer' });
const editList = () => screen.findByRole('region', { name: 'Edit the list' });
const tile = (action: 'Sign on' | 'Sign off', name: string) => within(tiles()).findByRole('button', { name: new RegExp(`^${action}\\s+${name}\\s`) });

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Shifts: adding a volunteer', () => {
  it('adds a name with one field and one button; Undo takes it back', async () => {
    const user = renderShifts();
    expect(await within(tiles()).findByText('No volunteers yet. Add your first name or nickname below.')).toBeInTheDocument();

    await user.type(within(addForm()).getByRole('textbox', { name: 'First name or nickname' }), '  Sam ');
    await user.click(within(addForm()).getByRole('button', { name: 'Add' }));

    expect(await screen.findByText('Sam is on the list')).toBeInTheDocument();
    expect(await tile('Sign on', 'Sam')).toHaveTextContent('Off duty');
    expect(within(addForm()).getByRole('textbox', { name: 'First name or nickname' })).toHaveValue('');
    const [sam] = await db.volunteers.toArray();
    expect(sam).toMatchObject({ displayName: 'Sam', active: true, deleted: false });

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await within(tiles()).findByText(/No volunteers yet/)).toBeInTheDocument();
    expect(await db.volunteers.get(sam!.id)).toMatchObject({ deleted: true });
  });

  it.each([
    ['an empty name', '', 'Type a first name or nickname.'],
    ['the name of a volunteer already on the list', 'amira', '“Amira” is already on the list. Add a letter to tell them apart, like “Amira B.”.'],
  ])('says what is wrong with %s at the field, and stores nothing', async (_case, typed, message) => {
    await addVolunteer(db, 'Amira', NOW - MINUTE);
    const opsBefore = await db.outbox.count();
    const user = renderShifts();
    await tile('Sign on', 'Amira');
    const field = within(addForm()).getByRole('textbox', { name: 'First name or nickname' });
    if (typed) await user.type(field, typed);
    await user.click(within(addForm()).getByRole('button', { name: 'Add' }));

    expect(await within(addForm()).findByText(message)).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(field).toHaveValue(typed);
    expect(await db.volunteers.count()).toBe(1);
    expect(await db.outbox.count()).toBe(opsBefore);
  });
});

describe('Shifts: signing on and off', () => {
  it('shows a name typed in any script in its own direction, on the tile and in the on-duty list', async () => {
    await addVolunteer(db, 'أمينة', NOW - 60 * MINUTE);
    const user = renderShifts();
    expect(within(addForm()).getByRole('textbox', { name: 'First name or nickname' })).toHaveAttribute('dir', 'auto');
    await user.click(await tile('Sign on', 'أمينة'));
    expect(await screen.findByText('أمينة signed on')).toBeInTheDocument();
    for (const name of [...tiles().querySelectorAll('.volunteer-name'), ...onDutyList().querySelectorAll('.on-duty-name')]) expect(name).toHaveAttribute('dir', 'auto');
    expect(onDutyList().querySelectorAll('.on-duty-name')).toHaveLength(1);
  });

  it('signs a volunteer on with one tap on their name; Undo signs them back off', async () => {
    await addVolunteer(db, 'Amira', NOW - 60 * MINUTE);
    const user = renderShifts();
    expect(await within(onDutyList()).findByText('Nobody is on duty.')).toBeInTheDocument();

    await user.click(await tile('Sign on', 'Amira'));
    expect(await screen.findByText('Amira signed on')).toBeInTheDocument();
    expect(await tile('Sign off', 'Amira')).toHaveTextContent('On duty since 11:00');
    expect(headcount()).toHaveTextContent('1');
    expect(within(onDutyList()).getByRole('listitem')).toHaveTextContent('Amira since 11:00 · 0 min');

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await tile('Sign on', 'Amira')).toHaveTextContent('Off duty');
    expect(headcount()).toHaveTextContent('0');
    expect(await db.shifts.toArray()).toMatchObject([{ kind: 'on', deleted: true }]);
  });

  it('reads a double tap on a name as one tap: signed on once, not on and straight off', async () => {
    await addVolunteer(db, 'Amira', NOW - 60 * MINUTE);
    const user = renderShifts();
    await user.dblClick(await tile('Sign on', 'Amira'));
    expect(await screen.findByText('Amira signed on')).toBeInTheDocument();
    expect(await tile('Sign off', 'Amira')).toBeInTheDocument();
    expect(await db.shifts.toArray()).toMatchObject([{ kind: 'on', deleted: false }]);
  });

  it('ignores a second tap on a name that comes just after the first one’s confirmation', async () => {
    await addVolunteer(db, 'Amira', NOW - 60 * MINUTE);
    const user = renderShifts();
    await user.click(await tile('Sign on', 'Amira'));
    expect(await screen.findByText('Amira signed on')).toBeInTheDocument();
    await user.click(await tile('Sign off', 'Amira'));
    expect(await db.shifts.toArray()).toMatchObject([{ kind: 'on', deleted: false }]);
    // A second later it is a new tap.
    vi.setSystemTime(Date.now() + 1_001);
    await user.click(await tile('Sign off', 'Amira'));
    expect(await screen.findByText('Amira signed off')).toBeInTheDocument();
    expect((await db.shifts.toArray()).map((event) => event.kind).sort()).toEqual(['off', 'on']);
  });

  it('signs an on-duty volunteer off with one tap; Undo puts them back on duty since their sign-on', async () => {
    const amira = await addVolunteer(db, 'Amira', NOW - 120 * MINUTE);
    await signOn(db, amira.id, NOW - 75 * MINUTE);
    const user = renderShifts();

    await user.click(await tile('Sign off', 'Amira'));
    expect(await screen.findByText('Amira signed off')).toBeInTheDocument();
    expect(await within(onDutyList()).findByText('Nobody is on duty.')).toBeInTheDocument();
    expect(headcount()).toHaveTextContent('0');

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await tile('Sign off', 'Amira')).toHaveTextContent('On duty since 09:45');
    expect(headcount()).toHaveTextContent('1');
  });

  it('lists who is on duty, longest first, since when in centre time and for how long', async () => {
    const amira = await addVolunteer(db, 'Amira', NOW - 300 * MINUTE);
    const sam = await addVolunteer(db, 'Sam', NOW - 300 * MINUTE);
    await addVolunteer(db, 'Lou', NOW - 300 * MINUTE);
    await signOn(db, sam.id, NOW - 20 * MINUTE);
    await signOn(db, amira.id, NOW - 125 * MINUTE);
    renderShifts();

    expect(await within(onDutyList()).findAllByRole('listitem')).toHaveLength(2);
    const rows = within(onDutyList()).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent)).toEqual(['Amira since 08:55 · 2 h 5 min', 'Sam since 10:40 · 20 min']);
    expect(headcount()).toHaveTextContent('2');
    // The tiles stay in name order, whoever is on duty.
    await tile('Sign on', 'Lou');
    expect(within(tiles()).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Sign off Amira On duty since 08:55',
      'Sign on Lou Off duty',
      'Sign off Sam On duty since 10:40',
    ]);
  });
});

describe('Shifts: editing the list', () => {
  it('renames a volunteer from the edit list; Undo restores the old name', async () => {
    await addVolunteer(db, 'Sam', NOW - MINUTE);
    const user = renderShifts();
    await user.click(await within(await editList()).findByRole('button', { name: 'Edit Sam' }));

    const form = screen.getByRole('form', { name: 'Edit Sam' });
    const field = within(form).getByRole('textbox', { name: 'First name or nickname' });
    expect(field).toHaveValue('Sam');
    await user.clear(field);
    await user.type(field, 'Sam B.');
    await user.click(within(form).getByRole('button', { name: 'Save name' }));

    expect(await screen.findByText('Sam is now Sam B.')).toBeInTheDocument();
    expect(await tile('Sign on', 'Sam B\\.')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: /^Edit Sam/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await within(await editList()).findByRole('button', { name: 'Edit Sam' })).toBeInTheDocument();
  });

  it('refuses a rename to a name already on the list, at the field', async () => {
    await addVolunteer(db, 'Sam', NOW - MINUTE);
    await addVolunteer(db, 'Amira', NOW - MINUTE);
    const user = renderShifts();
    await user.click(await within(await editList()).findByRole('button', { name: 'Edit Sam' }));
    const form = screen.getByRole('form', { name: 'Edit Sam' });
    const field = within(form).getByRole('textbox', { name: 'First name or nickname' });
    await user.clear(field);
    await user.type(field, 'AMIRA');
    await user.click(within(form).getByRole('button', { name: 'Save name' }));
    expect(await within(form).findByText(/“Amira” is already on the list/)).toBeInTheDocument();
    expect((await db.volunteers.toArray()).map((volunteer) => volunteer.displayName).sort()).toEqual(['Amira', 'Sam']);
  });

  it('takes a volunteer off the list, but never by a tap on their tile; Undo brings them back', async () => {
    await addVolunteer(db, 'Lou', NOW - MINUTE);
    const user = renderShifts();
    await user.click(await within(await editList()).findByRole('button', { name: 'Edit Lou' }));
    await user.click(screen.getByRole('button', { name: 'Remove from the list' }));

    expect(await screen.findByText('Lou is no longer on the list')).toBeInTheDocument();
    expect(await within(tiles()).findByText(/No volunteers yet/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await tile('Sign on', 'Lou')).toBeInTheDocument();
  });

  it('signs off a volunteer taken off the list while on duty; Undo puts them back on duty', async () => {
    const lou = await addVolunteer(db, 'Lou', NOW - 60 * MINUTE);
    await signOn(db, lou.id, NOW - 30 * MINUTE);
    const user = renderShifts();
    await tile('Sign off', 'Lou');
    await user.click(await within(await editList()).findByRole('button', { name: 'Edit Lou' }));
    await user.click(screen.getByRole('button', { name: 'Remove from the list' }));

    expect(await screen.findByText('Lou signed off and is no longer on the list')).toBeInTheDocument();
    expect(await within(onDutyList()).findByText('Nobody is on duty.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await tile('Sign off', 'Lou')).toHaveTextContent('On duty since 10:30');
  });
});

describe('Shifts: a closed day', () => {
  async function closeToday() {
    await writeRecord(db, 'dayCloses', dayCloseId(DAY), { day: DAY, closedAt: NOW, closedBy: 'lead-1', notes: '' }, { create: true, now: NOW });
  }

  it('is read-only on a volunteer tablet: the tiles show who was on duty but do nothing', async () => {
    const amira = await addVolunteer(db, 'Amira', NOW - 60 * MINUTE);
    await signOn(db, amira.id, NOW - 30 * MINUTE);
    await closeToday();
    await enrolAs(db, 'volunteer');
    const user = renderShifts();

    expect(await screen.findByText('Today is closed. Only a lead can sign volunteers on or off.')).toBeInTheDocument();
    const amiraTile = await tile('Sign off', 'Amira');
    expect(amiraTile).toBeDisabled();
    await user.click(amiraTile);
    expect(await db.shifts.count()).toBe(1);
    expect(headcount()).toHaveTextContent('1');
  });

  it('stays writable on a lead tablet', async () => {
    await addVolunteer(db, 'Amira', NOW - 60 * MINUTE);
    await closeToday();
    await enrolAs(db, 'lead');
    const user = renderShifts();

    expect(await screen.findByText('Today is closed. As a lead, you can still change it.')).toBeInTheDocument();
    await user.click(await tile('Sign on', 'Amira'));
    expect(await screen.findByText('Amira signed on')).toBeInTheDocument();
  });
});

describe('Shifts: in French', () => {
  it('speaks French, tiles and confirmations included', async () => {
    await addVolunteer(db, 'Amira', NOW - MINUTE);
    const user = renderShifts('fr');
    const frTiles = screen.getByRole('region', { name: 'Touchez votre prénom' });
    await user.click(await within(frTiles).findByRole('button', { name: /^Arrivée\s+Amira\s/ }));
    expect(await screen.findByText('Arrivée notée : Amira')).toBeInTheDocument();
    expect(await within(frTiles).findByRole('button', { name: /^Départ\s+Amira\s+En service depuis 11:00/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Annuler' })).toBeInTheDocument();
  });
});

describe('Shifts: accessibility', () => {
  it('has no axe violations with tiles, the on-duty list, a field error and the edit form open', async () => {
    const amira = await addVolunteer(db, 'Amira', NOW - 60 * MINUTE);
    await addVolunteer(db, 'Sam', NOW - 60 * MINUTE);
    await signOn(db, amira.id, NOW - 30 * MINUTE);
    const user = renderShifts();
    await user.click(within(addForm()).getByRole('button', { name: 'Add' }));
    await user.click(await within(await editList()).findByRole('button', { name: 'Edit Sam' }));
    await screen.findByRole('form', { name: 'Edit Sam' });

    // Colour contrast needs a layout engine, which jsdom lacks; the e2e axe run in Chromium covers it.
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
