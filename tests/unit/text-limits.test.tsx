import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../src/shared/schema';
import { opFieldsSchema, recordSchema } from '../../src/shared/schema/tables';
import { enrolRequest } from '../../src/shared/schema/wire';
import { db } from '../../src/client/db/db';
import { addVolunteer } from '../../src/client/db/repositories/volunteers';
import { CloseDayScreen } from '../../src/client/features/close/close-day-screen';
import { EnrolScreen } from '../../src/client/features/enrol/enrol-screen';
import { SessionsScreen } from '../../src/client/features/sessions/sessions-screen';
import { SettingsScreen } from '../../src/client/features/settings/settings-screen';
import { ShiftsScreen } from '../../src/client/features/shifts/shifts-screen';
import { I18nProvider } from '../../src/client/i18n/i18n';

/**
 * Every free-text field takes exactly what its schema allows (product.md: bad input gets a clear
 * error): typing past the limit stops at the limit, and that much text passes the schema.
 */

beforeEach(async () => {
  await db.delete();
  await db.open();
});

function renderIn(node: ReactNode) {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      <main>{node}</main>
    </I18nProvider>,
  );
  return user;
}

const long = (n: number) => 'a'.repeat(n + 15);

describe('text fields hold what their checks allow', () => {
  it('a volunteer’s name: at most 40 characters, and 40 pass the check', async () => {
    const user = renderIn(<ShiftsScreen />);
    const field = await screen.findByRole('textbox', { name: 'First name or nickname' });
    await user.type(field, long(TEXT_LIMITS.volunteerName));
    expect(field).toHaveValue('a'.repeat(TEXT_LIMITS.volunteerName));
    expect(opFieldsSchema('volunteers').safeParse({ displayName: 'a'.repeat(TEXT_LIMITS.volunteerName) }).success).toBe(true);
    expect(opFieldsSchema('volunteers').safeParse({ displayName: 'a'.repeat(TEXT_LIMITS.volunteerName + 1) }).success).toBe(false);
  });

  it('a tablet’s name and an enrolment code: at most what the enrol request takes', async () => {
    const user = renderIn(<EnrolScreen />);
    const name = await screen.findByRole('textbox', { name: 'Name of this tablet' });
    await user.type(name, long(TEXT_LIMITS.deviceName));
    expect(name).toHaveValue('a'.repeat(TEXT_LIMITS.deviceName));
    const code = screen.getByRole('textbox', { name: 'Enrolment code' });
    expect(code).toHaveAttribute('maxLength', String(TEXT_LIMITS.enrolmentCode));
    expect(enrolRequest.safeParse({ code: 'x'.repeat(TEXT_LIMITS.enrolmentCode), deviceName: 'a'.repeat(TEXT_LIMITS.deviceName) }).success).toBe(true);
    expect(enrolRequest.safeParse({ code: 'x', deviceName: 'a'.repeat(TEXT_LIMITS.deviceName + 1) }).success).toBe(false);
  });

  it('a session’s place: at most 60 characters', async () => {
    const user = renderIn(<SessionsScreen />);
    await user.click(await screen.findByRole('button', { name: 'Start a session' }));
    const place = screen.getByRole('textbox', { name: 'Place (optional, no names)' });
    await user.type(place, long(TEXT_LIMITS.place));
    expect(place).toHaveValue('a'.repeat(TEXT_LIMITS.place));
  });

  it('the day’s notes: at most 500 characters, with a counter that says when the field is full', async () => {
    const lead = await addVolunteer(db, 'Amira');
    expect(lead.id).toBeTruthy();
    const user = renderIn(<CloseDayScreen />);
    const notes = await screen.findByLabelText('Notes (no names)');
    expect(notes).toHaveAccessibleDescription(expect.stringContaining('0 of 500 characters'));
    await user.click(notes);
    await user.paste('n'.repeat(TEXT_LIMITS.notes + 40));
    expect(notes).toHaveValue('n'.repeat(TEXT_LIMITS.notes));
    expect(screen.getByText('500 of 500 characters: that is the most')).toBeInTheDocument();
    const close = { id: 'day-2026-11-24', day: '2026-11-24', closedAt: Date.UTC(2026, 10, 24), closedBy: lead.id, notes: 'n'.repeat(TEXT_LIMITS.notes) };
    expect(recordSchema('dayCloses').safeParse(close).success).toBe(true);
  });

  it('an activity’s name: at most 40 characters', async () => {
    const user = renderIn(<SettingsScreen />);
    const activities = await screen.findByRole('form', { name: 'Activities' });
    const field = within(activities).getByLabelText('New activity');
    await user.type(field, long(TEXT_LIMITS.activityLabel));
    expect(field).toHaveValue('a'.repeat(TEXT_LIMITS.activityLabel));
  });
});
