import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatCodeForReading, issueCode } from '../../../shared/codes';
import { atLocalTime } from '../../../shared/dates';
import { checkIn } from '../../db/repositories/attendance';
import { registerChild } from '../../db/repositories/children';
import { closeDay } from '../../db/repositories/day-close';
import { applyPullPage } from '../../sync/apply-page';
import { db } from '../../db/db';
import { enrolAs } from '../../db/testing';
import { loadPresentChildren } from '../../db/repositories/presence';
import { writeRecord } from '../../db/core/write';
import { I18nProvider } from '../../i18n/i18n';
import { CloseDayScreen } from './close-day-screen';

const TZ = 'Europe/Paris';
const TODAY = '2026-11-24';
const YESTERDAY = '2026-11-23';
const at = (hhmm: string, day = TODAY) => atLocalTime(day, hhmm, TZ);
const profile = { ageBand: '3-5', gender: 'boy', languages: [] } as const;
const code = (serial: number) => formatCodeForReading(issueCode('K', serial));

beforeEach(async () => {
  // Only Date is faked: the screen's clock reads 17:30 in Dunkirk, while timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at('17:30'));
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
});

async function volunteer(id: string, displayName: string, onDutyDay?: string): Promise<void> {
  await writeRecord(db, 'volunteers', id, { displayName, active: true, deleted: false }, { create: true, now: at('08:00', YESTERDAY) });
  if (onDutyDay) {
    await writeRecord(db, 'shifts', `shift-${id}`, { volunteerId: id, day: onDutyDay, kind: 'on', at: at('09:00', onDutyDay), deleted: false }, { create: true, now: at('09:00', onDutyDay) });
  }
}

async function childIn(serial: number, hhmm: string, day = TODAY): Promise<string> {
  const { child } = await registerChild(db, issueCode('K', serial), profile, at(hhmm, day));
  await checkIn(db, child.id, at(hhmm, day));
  return child.id;
}

function renderClose(language: 'en' | 'fr' = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      {/* The app shell puts every screen in <main>. */}
      <main>
        <CloseDayScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

const stillIn = () => screen.findByRole('region', { name: 'Still checked in' });
const timeField = () => screen.getByLabelText('Check them all out at');

describe('Close the day: a lead closes', () => {
  it('checks everyone out at a chosen time, signs off with notes, and shows the day as closed', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await volunteer('v-jo', 'Jo');
    const a = await childIn(4100, '10:00');
    const b = await childIn(4101, '11:15');
    const user = renderClose();

    expect(await within(await stillIn()).findByText(code(4100))).toBeInTheDocument();
    expect(within(await stillIn()).getByText(code(4101))).toBeInTheDocument();
    expect(within(await stillIn()).getByText('in since 11:15')).toBeInTheDocument();
    expect(within(await stillIn()).getByText('Children still checked in: 2')).toBeInTheDocument();
    expect(await screen.findByLabelText('Check them all out at')).toHaveValue('17:30');

    await user.clear(timeField());
    await user.type(timeField(), '17:00');
    const signOff = screen.getByRole('group', { name: 'Who signs off' });
    expect(within(signOff).getAllByRole('radio').map((radio) => radio.closest('label')?.textContent)).toEqual(['Amira', 'Jo']);
    await user.click(within(signOff).getByRole('radio', { name: 'Amira' }));
    await user.type(screen.getByLabelText('Notes (no names)'), 'Quiet day, rain.');
    await user.click(screen.getByRole('button', { name: 'Close the day' }));

    expect(await screen.findByText('Day closed at 17:00: 2 children checked out, 1 volunteer signed off.')).toBeInTheDocument();
    const closed = await screen.findByRole('region', { name: 'This day is closed' });
    expect(within(closed).getByText('Closed at 17:30 by Amira.')).toBeInTheDocument();
    expect(within(closed).getByText('Quiet day, rain.')).toBeInTheDocument();
    expect(within(closed).getByRole('button', { name: 'Reopen the day' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Close the day' })).not.toBeInTheDocument();

    expect(await loadPresentChildren(db, TODAY)).toEqual([]);
    const outs = (await db.attendance.toArray()).filter((event) => event.kind === 'out');
    expect(outs.map((event) => [event.childId, event.at]).sort()).toEqual([[a, at('17:00')], [b, at('17:00')]].sort());
    expect(await db.dayCloses.get(`day-${TODAY}`)).toMatchObject({ closedBy: 'v-amira', notes: 'Quiet day, rain.', closedAt: at('17:30') });
  });

  it('says beforehand that closing also signs off who is on duty and ends running sessions, and does it', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await writeRecord(db, 'sessions', 'session-art', { day: TODAY, activity: 'art', startedAt: at('14:00'), endedAt: null, deleted: false }, { create: true, now: at('14:00') });
    const user = renderClose();
    const also = await screen.findByRole('region', { name: 'Closing also' });
    expect(await within(also).findByText('Signs off the volunteers still on duty: Amira.')).toBeInTheDocument();
    expect(await within(also).findByText('Ends the sessions still running: Art.')).toBeInTheDocument();
    await user.click(await screen.findByRole('radio', { name: 'Amira' }));
    await user.click(screen.getByRole('button', { name: 'Close the day' }));
    expect(await screen.findByText('Day closed at 17:30: 1 volunteer signed off, 1 session ended.')).toBeInTheDocument();
    expect(await db.sessions.get('session-art')).toMatchObject({ endedAt: at('17:30') });
  });

  it('Undo of a close reopens the day and brings the children back', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await childIn(4100, '10:00');
    const user = renderClose();
    await user.click(await screen.findByRole('radio', { name: 'Amira' }));
    await user.click(screen.getByRole('button', { name: 'Close the day' }));
    expect(await screen.findByText('Day closed at 17:30: 1 child checked out, 1 volunteer signed off.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await within(await screen.findByRole('region', { name: 'Still checked in' })).findByText(code(4100))).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Close the day' })).toBeInTheDocument();
    expect(await db.dayCloses.get(`day-${TODAY}`)).toMatchObject({ deleted: true });
  });

  it.each([
    ['a time still to come', '18:00', 'That time has not come yet.'],
    ['a time before a child still here came in', '10:30', 'A child still here came in after that time. Choose a later time.'],
  ])('refuses %s with a message at the time field, storing nothing', async (_case, typed, message) => {
    await volunteer('v-amira', 'Amira', TODAY);
    await childIn(4100, '11:00');
    const before = await db.outbox.count();
    const user = renderClose();
    await user.click(await screen.findByRole('radio', { name: 'Amira' }));
    await user.clear(timeField());
    await user.type(timeField(), typed);
    await user.click(screen.getByRole('button', { name: 'Close the day' }));

    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(timeField()).toHaveAttribute('aria-invalid', 'true');
    expect(timeField()).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(await db.outbox.count()).toBe(before);
    expect(await db.dayCloses.count()).toBe(0);
  });

  it('asks for a time and for who signs off instead of closing half a day', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await childIn(4100, '11:00');
    const user = renderClose();
    await user.clear(await screen.findByLabelText('Check them all out at'));
    await user.click(screen.getByRole('button', { name: 'Close the day' }));
    expect(await screen.findByText('Type a time like 18:00.')).toBeInTheDocument();
    expect(screen.getByText('Choose who signs the day off.')).toBeInTheDocument();
    expect(await db.dayCloses.count()).toBe(0);
  });

  it('reads the minute we are in as now, so a child who came in during it is checked out after', async () => {
    vi.setSystemTime(at('17:30') + 40_000);
    await volunteer('v-amira', 'Amira', TODAY);
    const { child } = await registerChild(db, issueCode('K', 4100), profile, at('17:30') + 20_000);
    await checkIn(db, child.id, at('17:30') + 20_000);
    const user = renderClose();
    await user.click(await screen.findByRole('radio', { name: 'Amira' }));
    expect(timeField()).toHaveValue('17:30');
    await user.click(screen.getByRole('button', { name: 'Close the day' }));
    expect(await screen.findByText('Day closed at 17:30: 1 child checked out, 1 volunteer signed off.')).toBeInTheDocument();
    const out = (await db.attendance.toArray()).find((event) => event.kind === 'out');
    expect(out?.at).toBe(at('17:30') + 40_000);
  });

  it('says to add a volunteer first when there is nobody to sign off', async () => {
    renderClose();
    expect(await screen.findByText('There are no volunteers yet. Add yourself in Shifts first.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Close the day' })).toBeDisabled();
  });

  it('closes an earlier day left open, at the closing time by default', async () => {
    await volunteer('v-amira', 'Amira');
    const left = await childIn(4100, '16:00', YESTERDAY);
    const user = renderClose();
    await user.click(await screen.findByRole('radio', { name: 'Monday 23 November' }));
    expect(await screen.findByText('Monday 23 November', { selector: 'p' })).toBeInTheDocument();
    expect(await within(await stillIn()).findByText(code(4100))).toBeInTheDocument();
    expect(await screen.findByLabelText('Check them all out at')).toHaveValue('18:00');

    await user.click(screen.getByRole('radio', { name: 'Amira' }));
    await user.click(screen.getByRole('button', { name: 'Close the day' }));
    expect(await screen.findByText('Day closed at 18:00: 1 child checked out.')).toBeInTheDocument();
    expect(await screen.findByText('Closed on Tuesday 24 November at 17:30 by Amira.')).toBeInTheDocument();
    const out = (await db.attendance.toArray()).find((event) => event.kind === 'out');
    expect(out).toMatchObject({ childId: left, day: YESTERDAY, at: at('18:00', YESTERDAY) });
  });
});

describe('Close the day: a closed day', () => {
  it('a lead reopens it, and Undo closes it again', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await closeDay(db, { day: TODAY, checkOutAt: at('17:00'), closedBy: 'v-amira', notes: 'All fine' }, at('17:05'));
    const user = renderClose();
    expect(await screen.findByText('Closed at 17:05 by Amira.')).toBeInTheDocument();
    expect(screen.getByText('All fine')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Reopen the day' }));
    expect(await screen.findByText('Day reopened.')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Close the day' })).toBeInTheDocument();
    expect(await db.dayCloses.get(`day-${TODAY}`)).toMatchObject({ deleted: true });

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await screen.findByText('Closed at 17:05 by Amira.')).toBeInTheDocument();
  });
});

describe('Close the day: a volunteer device', () => {
  it('sees an open day read-only, with the sentence saying only a lead can close it', async () => {
    await enrolAs(db, 'volunteer');
    await volunteer('v-amira', 'Amira', TODAY);
    await childIn(4100, '10:00');
    renderClose();
    expect(await screen.findByText('Only a lead can close or reopen a day.')).toBeInTheDocument();
    expect(await within(await stillIn()).findByText(code(4100))).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Close the day' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Check them all out at')).not.toBeInTheDocument();
  });

  it('sees a closed day without Reopen', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await closeDay(db, { day: TODAY, checkOutAt: at('17:00'), closedBy: 'v-amira' }, at('17:05'));
    await enrolAs(db, 'volunteer');
    renderClose();
    expect(await screen.findByText('Only a lead can close or reopen a day.')).toBeInTheDocument();
    expect(await screen.findByText('Closed at 17:05 by Amira.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reopen the day' })).not.toBeInTheDocument();
  });
});

describe('Close the day: in French', () => {
  it('speaks French', async () => {
    await enrolAs(db, 'volunteer');
    renderClose('fr');
    expect(await screen.findByRole('heading', { level: 1, name: 'Clôturer la journée' })).toBeInTheDocument();
    expect(await screen.findByText('Seul un responsable peut clôturer ou rouvrir une journée.')).toBeInTheDocument();
    expect(screen.getByText('Aujourd’hui, mardi 24 novembre')).toBeInTheDocument();
  });
});

async function axeViolations(): Promise<string[]> {
  // Colour contrast needs a layout engine, which jsdom lacks; the e2e axe run in Chromium covers it.
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe('Close the day: accessibility', () => {
  it('has no axe violations with the day picker, tiles and field errors showing', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await childIn(4100, '10:00');
    await childIn(4101, '16:00', YESTERDAY);
    const user = renderClose();
    await screen.findByRole('radio', { name: 'Monday 23 November' });
    await user.clear(await screen.findByLabelText('Check them all out at'));
    await user.click(screen.getByRole('button', { name: 'Close the day' }));
    await screen.findByText('Choose who signs the day off.');
    expect(await axeViolations()).toEqual([]);
  });

  it('has no axe violations on a closed day', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    await closeDay(db, { day: TODAY, checkOutAt: at('17:00'), closedBy: 'v-amira', notes: 'All fine' }, at('17:05'));
    renderClose();
    await screen.findByText('Closed at 17:05 by Amira.');
    expect(await axeViolations()).toEqual([]);
  });
});

describe('Close the day: changes that arrive after closing', () => {
  it('lists them for the lead, with the child still in, and the lead can clear the list', async () => {
    await volunteer('v-amira', 'Amira', TODAY);
    const code4100 = issueCode('K', 4100);
    await registerChild(db, code4100, profile, at('09:00'));
    await closeDay(db, { day: TODAY, checkOutAt: at('17:00'), closedBy: 'v-amira' }, at('17:10'));
    // A tablet that had been offline checked the child in at 16:45: it reaches this tablet now.
    const hlc = `${at('16:45')}-0000-bbbbbbbbbbbbbbbb`;
    const fields = { childId: `child-${code4100}`, day: TODAY, kind: 'in', at: at('16:45'), deleted: false };
    await applyPullPage(db, { changes: [{ cursor: 9, table: 'attendance', id: 'late-1', fields, hlcs: Object.fromEntries(Object.keys(fields).map((key) => [key, hlc])) }], nextCursor: 9, hasMore: false, serverTime: at('17:30') }, at('17:30'));

    const user = renderClose();
    const late = await screen.findByRole('region', { name: 'Arrived after closing' });
    expect(within(late).getByText('1 check-in arrived after closing.')).toBeInTheDocument();
    expect(within(late).getByText(`${code(4100)} checked in at 16:45`)).toBeInTheDocument();
    const stillHere = await screen.findByRole('region', { name: 'Still checked in on this closed day' });
    expect(within(stillHere).getByText(code(4100))).toBeInTheDocument();

    await user.click(within(late).getByRole('button', { name: 'Clear this list' }));
    await vi.waitFor(() => expect(screen.queryByRole('region', { name: 'Arrived after closing' })).not.toBeInTheDocument());
    expect(await db.attendance.get('late-1')).toMatchObject({ kind: 'in', deleted: false });
  });
});

