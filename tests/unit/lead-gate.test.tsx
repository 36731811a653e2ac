import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueCode } from '../../src/shared/codes';
import { dayCloseId } from '../../src/shared/ids';
import { writeRecord } from '../../src/client/db/core/write';
import { db } from '../../src/client/db/db';
import { registerAndCheckIn } from '../../src/client/db/repositories/children';
import { setLeadPin } from '../../src/client/db/repositories/lead-pin';
import { enrolAs } from '../../src/client/db/testing';
import { CloseDayScreen } from '../../src/client/features/close/close-day-screen';
import { SettingsScreen } from '../../src/client/features/settings/settings-screen';
import { TodayScreen } from '../../src/client/features/today/today-screen';
import { I18nProvider } from '../../src/client/i18n/i18n';
import { IDLE_MS, leadLock } from '../../src/client/ui/lead-lock';

const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOON });
  leadLock.lock();
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
});

function renderIn(screenElement: React.ReactNode) {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      <main>{screenElement}</main>
    </I18nProvider>,
  );
  return user;
}

describe("lead screens behind the lead's PIN", () => {
  it('ask for the PIN on a lead’s tablet, refuse a wrong one, and open on the right one', async () => {
    await setLeadPin(db, '2468');
    const user = renderIn(<CloseDayScreen />);
    const gate = await screen.findByRole('form', { name: 'Lead’s PIN' });
    expect(screen.queryByRole('button', { name: 'Close the day' })).not.toBeInTheDocument();
    await user.type(within(gate).getByLabelText('PIN'), '1111');
    await user.click(within(gate).getByRole('button', { name: 'Unlock' }));
    expect(await within(gate).findByText('That PIN is not right.')).toBeInTheDocument();
    await user.type(within(gate).getByLabelText('PIN'), '2468');
    await user.click(within(gate).getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('button', { name: 'Close the day' })).toBeInTheDocument();
  });

  it('lock again once the tablet has been idle for a few minutes, not while it is in use', async () => {
    await setLeadPin(db, '2468');
    leadLock.unlock();
    const user = renderIn(<SettingsScreen />);
    expect(await screen.findByRole('form', { name: 'Ratio limits' })).toBeInTheDocument();
    // Used every minute: it stays open.
    for (let i = 0; i < 8; i++) {
      vi.setSystemTime(Date.now() + 60_000);
      await user.click(screen.getByRole('heading', { level: 1 }));
    }
    expect(screen.getByRole('form', { name: 'Ratio limits' })).toBeInTheDocument();
    // Left alone: the next touch finds it locked.
    vi.setSystemTime(Date.now() + IDLE_MS);
    await user.click(screen.getByRole('heading', { level: 1 }));
    expect(await screen.findByRole('form', { name: 'Lead’s PIN' })).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Ratio limits' })).not.toBeInTheDocument();
    // One PIN form on the page, though two parts of Settings are a lead's.
    expect(screen.getAllByRole('form', { name: 'Lead’s PIN' })).toHaveLength(1);
  });

  it('let a lead with no PIN in at once, and a lead sets one in Settings', async () => {
    const user = renderIn(<SettingsScreen />);
    // Looked for in the tablet's part of Settings: each retry over the whole page, its ~400 time
    // zones included, takes long enough on a busy machine to miss the wait.
    const section = await within(screen.getByRole('region', { name: 'This tablet' })).findByRole('form', { name: 'Lead’s PIN' });
    await user.type(within(section).getByLabelText('PIN (4 to 8 digits)'), '2468');
    await user.type(within(section).getByLabelText('The same PIN again'), '2467');
    await user.click(within(section).getByRole('button', { name: 'Set the PIN' }));
    expect(await within(section).findByText('The two PINs are not the same.')).toBeInTheDocument();
    await user.clear(within(section).getByLabelText('The same PIN again'));
    await user.type(within(section).getByLabelText('The same PIN again'), '2468');
    await user.click(within(section).getByRole('button', { name: 'Set the PIN' }));
    // Waited for in its live region: retrying over the whole Settings page (400 time zones) is slow.
    expect(await within(screen.getByRole('status')).findByText('PIN set. It is asked for after a few minutes without use.')).toBeInTheDocument();
    expect((await db.meta.get('leadPin'))?.key).toBe('leadPin');
  });

  it('keep a closed day read-only on Today while the lead’s tablet is locked', async () => {
    await setLeadPin(db, '2468');
    await registerAndCheckIn(db, issueCode('K', 4173), { ageBand: '6-8', gender: 'girl', languages: [] }, NOON - 3_600_000);
    await writeRecord(db, 'dayCloses', dayCloseId('2026-11-24'), { day: '2026-11-24', closedAt: NOON, closedBy: 'v1', notes: '' }, { create: true, now: NOON });
    renderIn(<TodayScreen />);
    expect(await screen.findByText('This day is closed. Only a lead can change it.')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: /Check out\s*4173 K/ })).toBeDisabled();
  });

  it('show a volunteer’s tablet no PIN form: it has no lead actions to guard', async () => {
    await setLeadPin(db, '2468');
    await enrolAs(db, 'volunteer', 'centre-1');
    renderIn(<CloseDayScreen />);
    expect(await screen.findByText('Only a lead can close or reopen a day.')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Lead’s PIN' })).not.toBeInTheDocument();
  });
});
