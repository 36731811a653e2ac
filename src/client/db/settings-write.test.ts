import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type SettingKey } from '../../shared/schema';
import { db } from './db';
import { loadDeviceRole, setDeviceRole } from './device';
import { startSession } from './sessions';
import { loadSettings } from './settings';
import { activityIdFromLabel, canSwitchToLead, changeDeviceRole, saveSetting } from './settings-write';
import { InvalidWriteError } from './write';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

beforeEach(async () => {
  await db.delete();
  await db.open();
});

async function counts() {
  return { settings: await db.settings.count(), outbox: await db.outbox.count() };
}

describe('saveSetting', () => {
  it.each([
    ['activityTypes', [...DEFAULT_SETTINGS.activityTypes, { id: 'dance', label: 'Dance', active: true }]],
    ['ratioLimits', { maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: false }],
    ['openingHours', { opens: '10:00', closes: '17:30' }],
    ['retentionMonths', 24],
    ['timeZone', 'Asia/Beirut'],
    ['codeScheme', 'wristband'],
  ] as const)('stores %s as one settings record with its outbox op', async (key, value) => {
    const record = await saveSetting(key, value as never, T0);
    expect(record).toMatchObject({ id: key, value, deleted: false });
    expect(await db.outbox.toArray()).toEqual([expect.objectContaining({ table: 'settings', id: key, fields: { value, deleted: false } })]);
    expect((await loadSettings())[key]).toEqual(value);
  });

  it('changes a setting saved before, keeping one record per key', async () => {
    await saveSetting('ratioLimits', { maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: true }, T0);
    await saveSetting('ratioLimits', { maxChildrenPerVolunteer: 10, requireVolunteerWhenChildrenPresent: true }, T0 + 1000);
    expect(await db.settings.count()).toBe(1);
    expect((await loadSettings()).ratioLimits.maxChildrenPerVolunteer).toBe(10);
  });

  it.each([
    ['ratioLimits', { maxChildrenPerVolunteer: 0, requireVolunteerWhenChildrenPresent: true }, 'ratioLimits.maxChildrenPerVolunteer'],
    ['ratioLimits', { maxChildrenPerVolunteer: 51, requireVolunteerWhenChildrenPresent: true }, 'ratioLimits.maxChildrenPerVolunteer'],
    ['ratioLimits', { maxChildrenPerVolunteer: 2.5, requireVolunteerWhenChildrenPresent: true }, 'ratioLimits.maxChildrenPerVolunteer'],
    ['openingHours', { opens: '18:00', closes: '09:00' }, 'openingHours.closes'],
    ['openingHours', { opens: '9:00', closes: '18:00' }, 'openingHours.opens'],
    ['activityTypes', [...DEFAULT_SETTINGS.activityTypes, { id: 'dance', label: '  ', active: true }], 'activityTypes.6.label'],
    ['activityTypes', [...DEFAULT_SETTINGS.activityTypes, { id: 'Dance!', label: 'Dance', active: true }], 'activityTypes.6.id'],
    ['activityTypes', [...DEFAULT_SETTINGS.activityTypes, { id: 'art', label: 'Art again', active: true }], 'activityTypes'],
    ['retentionMonths', 0, 'retentionMonths'],
    ['timeZone', 'Mars/Olympus', 'timeZone'],
    ['codeScheme', 'stickers', 'codeScheme'],
  ] as const)('refuses a bad %s, naming %s, and stores nothing', async (key, value, named) => {
    const attempt = saveSetting(key, value as never, T0);
    await expect(attempt).rejects.toThrow(InvalidWriteError);
    await expect(saveSetting(key, value as never, T0)).rejects.toThrow(new RegExp(`^${named.replace(/\./g, '\\.')}: `));
    expect(await counts()).toEqual({ settings: 0, outbox: 0 });
  });

  it('never removes an activity type that sessions use: deactivating is how it goes away', async () => {
    await startSession({ activity: 'art' }, T0);
    const before = await counts();
    const withoutArt = DEFAULT_SETTINGS.activityTypes.filter((type) => type.id !== 'art');
    await expect(saveSetting('activityTypes', withoutArt, T0)).rejects.toThrow(/^activityTypes: "art" is used by sessions/);
    expect(await counts()).toEqual(before);
    const artOff = DEFAULT_SETTINGS.activityTypes.map((type) => (type.id === 'art' ? { ...type, active: false } : type));
    await saveSetting('activityTypes', artOff, T0);
    expect((await loadSettings()).activityTypes.find((type) => type.id === 'art')).toEqual({ id: 'art', label: 'Art', active: false });
  });

  it('removes a type no session uses (Undo of adding it)', async () => {
    const withDance = [...DEFAULT_SETTINGS.activityTypes, { id: 'dance', label: 'Dance', active: true }];
    await saveSetting('activityTypes', withDance, T0);
    await saveSetting('activityTypes', DEFAULT_SETTINGS.activityTypes, T0 + 1);
    expect((await loadSettings()).activityTypes).toEqual(DEFAULT_SETTINGS.activityTypes);
  });

  it('refuses an unknown key', async () => {
    await expect(saveSetting('toString' as SettingKey, 1, T0)).rejects.toThrow(/^key: /);
    expect(await counts()).toEqual({ settings: 0, outbox: 0 });
  });

  it('lets only a lead change the centre settings', async () => {
    await setDeviceRole('volunteer');
    await expect(saveSetting('codeScheme', 'wristband', T0)).rejects.toThrow(InvalidWriteError);
    await expect(saveSetting('codeScheme', 'wristband', T0)).rejects.toThrow(/^codeScheme: only a lead/);
    expect(await counts()).toEqual({ settings: 0, outbox: 0 });
    await setDeviceRole('lead');
    await expect(saveSetting('codeScheme', 'wristband', T0)).resolves.toMatchObject({ value: 'wristband' });
  });
});

describe('activityIdFromLabel', () => {
  it.each([
    ['Football', [], 'football'],
    ['Free play', [], 'free-play'],
    ['  Arts & Crafts!  ', [], 'arts-crafts'],
    ['Théâtre', [], 'theatre'],
    ['Café-Lecture', [], 'cafe-lecture'],
    ['Lego 2', [], 'lego-2'],
    ['رسم', [], 'activity'],
    ['رسم', ['activity'], 'activity-2'],
    ['Art', ['art'], 'art-2'],
    ['Art', ['art', 'art-2'], 'art-3'],
    ['A very long activity name that goes on and on', [], 'a-very-long-activity-name-that-g'],
    ['Ball -- games', [], 'ball-games'],
  ] as const)('%s (taken: %j) -> %s', (label, taken, id) => {
    expect(activityIdFromLabel(label, taken)).toBe(id);
    expect(id).toMatch(/^[a-z0-9][a-z0-9-]{0,39}$/);
  });
});

describe('the device role', () => {
  it('switches to volunteer at once, and back to lead while the device is not enrolled', async () => {
    await changeDeviceRole('volunteer');
    expect(await loadDeviceRole()).toBe('volunteer');
    expect(await canSwitchToLead()).toBe(true);
    await changeDeviceRole('lead');
    expect(await loadDeviceRole()).toBe('lead');
    // Local to the device: nothing for the outbox.
    expect(await db.outbox.count()).toBe(0);
  });
});
