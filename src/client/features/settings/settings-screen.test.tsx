import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/schema';
import { db } from '../../db/db';
import { enrolAs } from '../../db/testing';
import { loadDeviceRole } from '../../db/repositories/device';
import { loadSettings, saveSetting } from '../../db/repositories/settings';
import { I18nProvider } from '../../i18n/i18n';
import { SettingsScreen } from './settings-screen';

/** Renders Settings and waits for the centre's forms, which show once the tablet's role is read. */
async function renderSettings() {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      {/* The app shell puts every screen in <main>. */}
      <main>
        <SettingsScreen />
      </main>
    </I18nProvider>,
  );
  await screen.findByRole('form', { name: 'Activities' });
  return user;
}

const form = (name: string) => screen.getByRole('form', { name });
const saveIn = (name: string) => within(form(name)).getByRole('button', { name: /^Save/ });
/**
 * The confirmation's live region. Waiting inside it, not the whole page, keeps each retry cheap:
 * a failed try prints its container, and the page holds some 400 time zones.
 */
const notice = () => screen.getByRole('status');

async function nothingStored() {
  expect(await db.settings.count()).toBe(0);
  expect(await db.outbox.count()).toBe(0);
}

beforeEach(async () => {
  globalThis.localStorage.clear();
  await db.delete();
  await db.open();
});

describe('Settings: activities', () => {
  it('renames, stops offering and adds activities, saves them, and Undo puts the list back', async () => {
    const user = await renderSettings();
    const activities = form('Activities');
    const football = within(activities).getByLabelText('Name of activity 2');
    expect(football).toHaveValue('Football');
    await user.clear(football);
    await user.type(football, 'Ball games');
    await user.click(within(activities).getByRole('button', { name: /Stop offering\s*Music/ }));
    expect(within(activities).getByText('Not offered')).toBeInTheDocument();
    await user.type(within(activities).getByLabelText('New activity'), 'Théâtre{Enter}');
    expect(within(activities).getByLabelText('Name of activity 7')).toHaveValue('Théâtre');
    await user.click(saveIn('Activities'));

    expect(await within(notice()).findByText('Activities saved.')).toBeInTheDocument();
    const saved = (await loadSettings(db)).activityTypes;
    expect(saved.find((type) => type.id === 'football')).toEqual({ id: 'football', label: 'Ball games', active: true });
    expect(saved.find((type) => type.id === 'music')).toEqual({ id: 'music', label: 'Music', active: false });
    expect(saved.at(-1)).toEqual({ id: 'theatre', label: 'Théâtre', active: true });

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await within(notice()).findByText('Undone')).toBeInTheDocument();
    expect((await loadSettings(db)).activityTypes).toEqual(DEFAULT_SETTINGS.activityTypes);
    expect(await within(form('Activities')).findByDisplayValue('Football')).toBeInTheDocument();
  });

  it('offers a stopped activity again', async () => {
    await saveSetting(db, 'activityTypes', DEFAULT_SETTINGS.activityTypes.map((type) => (type.id === 'art' ? { ...type, active: false } : type)));
    const user = await renderSettings();
    await user.click(await within(form('Activities')).findByRole('button', { name: /Offer again\s*Art/ }));
    await user.click(saveIn('Activities'));
    expect(await within(notice()).findByText('Activities saved.')).toBeInTheDocument();
    expect((await loadSettings(db)).activityTypes[0]).toEqual({ id: 'art', label: 'Art', active: true });
  });

  it('adds what was typed in the new-activity field when Save is tapped', async () => {
    const user = await renderSettings();
    await user.type(within(form('Activities')).getByLabelText('New activity'), 'Dance');
    await user.click(saveIn('Activities'));
    expect(await within(notice()).findByText('Activities saved.')).toBeInTheDocument();
    expect((await loadSettings(db)).activityTypes.at(-1)).toEqual({ id: 'dance', label: 'Dance', active: true });
  });

  it('says why at the field when a name is empty or taken, and stores nothing', async () => {
    const user = await renderSettings();
    const activities = form('Activities');
    await user.clear(within(activities).getByLabelText('Name of activity 1'));
    await user.click(saveIn('Activities'));
    expect(await within(activities).findByText('Give the activity a name.')).toBeInTheDocument();
    expect(within(activities).getByLabelText('Name of activity 1')).toHaveAttribute('aria-invalid', 'true');

    await user.click(within(activities).getByRole('button', { name: 'Add' }));
    expect(within(activities).getByLabelText('New activity')).toHaveAccessibleDescription(expect.stringContaining('Give the activity a name.'));
    await user.type(within(activities).getByLabelText('New activity'), ' music ');
    await user.click(within(activities).getByRole('button', { name: 'Add' }));
    expect(within(activities).getByText('There is already an activity called Music.')).toBeInTheDocument();
    await nothingStored();
  });
});

describe('Settings: ratio limits, opening hours, time zone, child codes', () => {
  it('saves the ratio limits', async () => {
    const user = await renderSettings();
    const ratio = form('Ratio limits');
    const max = within(ratio).getByLabelText('Children per volunteer, at most');
    await user.clear(max);
    await user.type(max, '6');
    await user.click(within(ratio).getByLabelText('Children present with no volunteer is a warning'));
    await user.click(saveIn('Ratio limits'));
    expect(await within(notice()).findByText('Ratio limits saved.')).toBeInTheDocument();
    expect((await loadSettings(db)).ratioLimits).toEqual({ maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: false });
  });

  it.each(['0', '51', ''])('refuses %j children per volunteer at the field, storing nothing', async (typed) => {
    const user = await renderSettings();
    const max = within(form('Ratio limits')).getByLabelText('Children per volunteer, at most');
    await user.clear(max);
    if (typed) await user.type(max, typed);
    await user.click(saveIn('Ratio limits'));
    expect(await screen.findByText('Choose a whole number from 1 to 50.')).toBeInTheDocument();
    expect(max).toHaveAttribute('aria-invalid', 'true');
    expect(max).toHaveAccessibleDescription(expect.stringContaining('Choose a whole number from 1 to 50.'));
    await nothingStored();
  });

  it('saves the opening hours', async () => {
    const user = await renderSettings();
    const hours = form('Opening hours');
    await user.clear(within(hours).getByLabelText('Opens at'));
    await user.type(within(hours).getByLabelText('Opens at'), '10:00');
    await user.clear(within(hours).getByLabelText('Closes at'));
    await user.type(within(hours).getByLabelText('Closes at'), '17:30');
    await user.click(saveIn('Opening hours'));
    expect(await within(notice()).findByText('Opening hours saved.')).toBeInTheDocument();
    expect((await loadSettings(db)).openingHours).toEqual({ opens: '10:00', closes: '17:30' });
  });

  it('refuses opening after closing, and an empty time, at the field', async () => {
    const user = await renderSettings();
    const hours = form('Opening hours');
    await user.clear(within(hours).getByLabelText('Opens at'));
    await user.type(within(hours).getByLabelText('Opens at'), '19:00');
    await user.click(saveIn('Opening hours'));
    expect(await within(hours).findByText('The closing time must be after the opening time.')).toBeInTheDocument();
    expect(within(hours).getByLabelText('Closes at')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(within(hours).getByLabelText('Opens at'));
    await user.click(saveIn('Opening hours'));
    expect(await within(hours).findByText('Type a time like 09:30.')).toBeInTheDocument();
    expect(within(hours).getByLabelText('Opens at')).toHaveAttribute('aria-invalid', 'true');
    await nothingStored();
  });

  it('saves the time zone, warning what changing it does', async () => {
    const user = await renderSettings();
    const zone = within(form('Time zone')).getByLabelText('The centre’s time zone');
    expect(zone).toHaveValue('Europe/Paris');
    expect(zone).toHaveAccessibleDescription(expect.stringContaining('changes which day new records fall on'));
    await user.selectOptions(zone, 'Asia/Beirut');
    await user.click(saveIn('Time zone'));
    expect(await within(notice()).findByText('Time zone saved: Asia/Beirut.')).toBeInTheDocument();
    expect((await loadSettings(db)).timeZone).toBe('Asia/Beirut');
  });

  it('saves the child-code scheme', async () => {
    const user = await renderSettings();
    const codes = form('Child codes');
    expect(within(codes).getByRole('radio', { name: 'Codes issued by the app' })).toBeChecked();
    await user.click(within(codes).getByRole('radio', { name: 'Pre-numbered wristbands, typed in' }));
    await user.click(saveIn('Child codes'));
    expect(await within(notice()).findByText('Child codes saved.')).toBeInTheDocument();
    expect((await loadSettings(db)).codeScheme).toBe('wristband');
  });

  it('saves how long records are kept, saying what it means, and Undo puts it back', async () => {
    const user = await renderSettings();
    const retention = form('Retention period');
    const months = within(retention).getByLabelText('Keep records for (months)');
    expect(months).toHaveValue(13);
    expect(months).toHaveAccessibleDescription(
      'Check-ins, sessions, shifts and day closes older than this are deleted from every tablet and the server, by themselves. Day figures stay. A whole number from 1 to 120.',
    );
    await user.clear(months);
    await user.type(months, '24');
    await user.click(saveIn('Retention period'));
    expect(await within(notice()).findByText('Records are now kept for 24 months.')).toBeInTheDocument();
    expect((await loadSettings(db)).retentionMonths).toBe(24);
    expect((await db.outbox.toArray()).map((op) => [op.table, op.id])).toEqual([['settings', 'retentionMonths']]);

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await within(notice()).findByText('Undone')).toBeInTheDocument();
    expect((await loadSettings(db)).retentionMonths).toBe(13);
    expect(await within(form('Retention period')).findByDisplayValue('13')).toBeInTheDocument();
  });

  it.each([
    ['1', 'Records are now kept for 1 month.'],
    ['120', 'Records are now kept for 120 months.'],
  ])('accepts %s, an end of the range of months', async (typed, confirmation) => {
    const user = await renderSettings();
    const months = within(form('Retention period')).getByLabelText('Keep records for (months)');
    await user.clear(months);
    await user.type(months, typed);
    await user.click(saveIn('Retention period'));
    expect(await within(notice()).findByText(confirmation)).toBeInTheDocument();
    expect((await loadSettings(db)).retentionMonths).toBe(Number(typed));
  });

  it.each(['0', '121', '12.5', '-3', ''])('refuses %j months at the field, storing nothing', async (typed) => {
    const user = await renderSettings();
    const months = within(form('Retention period')).getByLabelText('Keep records for (months)');
    await user.clear(months);
    if (typed) await user.type(months, typed);
    await user.click(saveIn('Retention period'));
    expect(await within(form('Retention period')).findByText('Choose a whole number of months from 1 to 120.')).toBeInTheDocument();
    expect(months).toHaveAttribute('aria-invalid', 'true');
    expect(months).toHaveAccessibleDescription(expect.stringContaining('Choose a whole number of months from 1 to 120.'));
    await nothingStored();
    // Typing again takes the error away.
    await user.type(months, '1');
    expect(within(form('Retention period')).queryByText('Choose a whole number of months from 1 to 120.')).not.toBeInTheDocument();
  });

  it('speaks French about how long records are kept', async () => {
    const user = userEvent.setup();
    render(
      <I18nProvider language="fr">
        <main>
          <SettingsScreen />
        </main>
      </I18nProvider>,
    );
    const retention = await screen.findByRole('form', { name: 'Durée de conservation' });
    const months = within(retention).getByLabelText('Conserver les données pendant (en mois)');
    expect(months).toHaveAccessibleDescription(expect.stringContaining('sont effacés automatiquement de toutes les tablettes et du serveur. Les chiffres des journées restent.'));
    await user.clear(months);
    await user.type(months, '0');
    await user.click(within(retention).getByRole('button', { name: /^Enregistrer/ }));
    expect(await within(retention).findByText('Choisissez un nombre entier de mois, de 1 à 120.')).toBeInTheDocument();
  });

  it('shows a setting synced from another tablet', async () => {
    await renderSettings();
    await saveSetting(db, 'ratioLimits', { maxChildrenPerVolunteer: 12, requireVolunteerWhenChildrenPresent: true });
    expect(await within(form('Ratio limits')).findByDisplayValue('12')).toBeInTheDocument();
  });
});

describe('Settings: this tablet', () => {
  it('switches the language at once, re-rendering in French, and Undo switches back', async () => {
    const user = await renderSettings();
    await user.click(screen.getByRole('radio', { name: 'Français' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Réglages' })).toBeInTheDocument();
    expect(await within(notice()).findByText('Cette tablette parle maintenant français.')).toBeInTheDocument();
    expect(screen.getByRole('form', { name: 'Horaires d’ouverture' })).toBeInTheDocument();
    expect(globalThis.localStorage.getItem('daybook.language')).toBe('fr');

    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
  });

  it('says a tablet that was never enrolled is its own lead, with no switch to change it', async () => {
    await renderSettings();
    const role = await screen.findByRole('region', { name: 'Who uses this tablet' });
    expect(within(role).getByText(/works on its own, so it is its own lead/)).toBeInTheDocument();
    expect(within(role).queryByRole('radio')).not.toBeInTheDocument();
  });

  it('says an enrolled tablet is a volunteer’s by its code, and how a lead changes that', async () => {
    await enrolAs(db, 'volunteer');
    await renderSettings();
    const role = await screen.findByRole('region', { name: 'Who uses this tablet' });
    expect(within(role).getByText(/This is a volunteer’s tablet/)).toBeInTheDocument();
    expect(within(role).getByText(/connect it again with a code of the other kind/)).toBeInTheDocument();
    expect(within(role).queryByRole('radio')).not.toBeInTheDocument();
    expect(await loadDeviceRole(db)).toBe('volunteer');
  });
});

describe('Settings: a volunteer device', () => {
  it('shows the centre settings read-only with the sentence saying a lead can change them', async () => {
    await enrolAs(db, 'volunteer');
    await renderSettings();
    expect(await screen.findByText(/Only a lead can change the centre’s settings/)).toBeInTheDocument();
    for (const name of ['Activities', 'Ratio limits', 'Opening hours', 'Time zone', 'Child codes', 'Retention period']) {
      expect(within(form(name)).queryByRole('button', { name: /^Save/ })).not.toBeInTheDocument();
    }
    expect(within(form('Activities')).getByLabelText('Name of activity 1')).toBeDisabled();
    expect(within(form('Time zone')).getByLabelText('The centre’s time zone')).toBeDisabled();
    expect(within(form('Child codes')).getByRole('radio', { name: 'Pre-numbered wristbands, typed in' })).toBeDisabled();
    // The lead's choice, and what it means, are there to read.
    expect(within(form('Retention period')).getByLabelText('Keep records for (months)')).toBeDisabled();
    expect(within(form('Retention period')).getByLabelText('Keep records for (months)')).toHaveValue(13);
    expect(within(form('Retention period')).getByText(/are deleted from every tablet and the server, by themselves/)).toBeInTheDocument();
    // This tablet's own settings stay the volunteer's to change.
    expect(screen.getByRole('radio', { name: 'Français' })).toBeEnabled();
  });
});

async function axeViolations(): Promise<string[]> {
  // Colour contrast needs a layout engine, which jsdom lacks; the e2e axe run in Chromium covers it.
  // Only violations are read: listing every passing node as well is most of axe's time here.
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

// axe walks every node, the time zone's ~400 options too: seconds in jsdom, more on a busy CI.
const AXE_TIMEOUT = 20_000;

describe('Settings: accessibility', () => {
  it('has no axe violations for a lead, with field errors and a confirmation showing', async () => {
    const user = await renderSettings();
    await user.clear(within(form('Activities')).getByLabelText('Name of activity 1'));
    await user.click(saveIn('Activities'));
    await user.clear(within(form('Ratio limits')).getByLabelText('Children per volunteer, at most'));
    await user.click(saveIn('Ratio limits'));
    await user.clear(within(form('Retention period')).getByLabelText('Keep records for (months)'));
    await user.click(saveIn('Retention period'));
    await within(form('Retention period')).findByText('Choose a whole number of months from 1 to 120.');
    await user.click(within(form('Child codes')).getByRole('radio', { name: 'Pre-numbered wristbands, typed in' }));
    await user.click(saveIn('Child codes'));
    await within(notice()).findByText('Child codes saved.');
    expect(await axeViolations()).toEqual([]);
  }, AXE_TIMEOUT);

  it('has no axe violations on a volunteer device', async () => {
    await enrolAs(db, 'volunteer');
    await renderSettings();
    await screen.findByText(/Only a lead can change the centre’s settings/);
    expect(await axeViolations()).toEqual([]);
  }, AXE_TIMEOUT);
});
