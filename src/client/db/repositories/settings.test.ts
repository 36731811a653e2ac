import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type SettingKey } from '../../../shared/schema';
import { db } from '../db';
import { enrolAs } from '../testing';
import { startSession } from './sessions';
import { activityIdFromLabel, loadSettings, saveSetting } from './settings';
import { InvalidWriteError } from '../core/write';

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
    const record = await saveSetting(db, key, value as never, T0);
    expect(record).toMatchObject({ id: key, value, deleted: false });
    expect(await db.outbox.toArray()).toEqual([expect.objectContaining({ table: 'settings', id: key, fields: { value, deleted: false } })]);
    expect((await loadSettings(db))[key]).toEqual(value);
  });

  it('changes a setting saved before, keeping one record per key', async () => {
    await saveSetting(db, 'ratioLimits', { maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: true }, T0);
    await saveSetting(db, 'ratioLimits', { maxChildrenPerVolunteer: 10, requireVolunteerWhenChildrenPresent: true }, T0 + 1000);
    expect(await db.settings.count()).toBe(1);
    expect((await loadSettings(db)).ratioLimits.maxChildrenPerVolunteer).toBe(10);
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
    const attempt = saveSetting(db, key, value as never, T0);
    await expect(attempt).rejects.toThrow(InvalidWriteError);
    await expect(saveSetting(db, key, value as never, T0)).rejects.toThrow(new RegExp(`^${named.replace(/\./g, '\\.')}: `));
    expect(await counts()).toEqual({ settings: 0, outbox: 0 });
  });

  it('never removes an activity type that sessions use: deactivating is how it goes away', async () => {
    await startSession(db, { activity: 'art' }, T0);
    const before = await counts();
    const withoutArt = DEFAULT_SETTINGS.activityTypes.filter((type) => type.id !== 'art');
    await expect(saveSetting(db, 'activityTypes', withoutArt, T0)).rejects.toThrow(/^activityTypes: "art" is used by sessions/);
    expect(await counts()).toEqual(before);
    const artOff = DEFAULT_SETTINGS.activityTypes.map((type) => (type.id === 'art' ? { ...type, active: false } : type));
    await saveSetting(db, 'activityTypes', artOff, T0);
    expect((await loadSettings(db)).activityTypes.find((type) => type.id === 'art')).toEqual({ id: 'art', label: 'Art', active: false });
  });

  it('removes a type no session uses (Undo of adding it)', async () => {
    const withDance = [...DEFAULT_SETTINGS.activityTypes, { id: 'dance', label: 'Dance', active: true }];
    await saveSetting(db, 'activityTypes', withDance, T0);
    await saveSetting(db, 'activityTypes', DEFAULT_SETTINGS.activityTypes, T0 + 1);
    expect((await loadSettings(db)).activityTypes).toEqual(DEFAULT_SETTINGS.activityTypes);
  });

  it('refuses an unknown key', async () => {
    await expect(saveSetting(db, 'toString' as SettingKey, 1, T0)).rejects.toThrow(/^key: /);
    expect(await counts()).toEqual({ settings: 0, outbox: 0 });
  });

  it('lets only a lead change the centre settings', async () => {
    await enrolAs(db, 'volunteer');
    await expect(saveSetting(db, 'codeScheme', 'wristband', T0)).rejects.toThrow(InvalidWriteError);
    await expect(saveSetting(db, 'codeScheme', 'wristband', T0)).rejects.toThrow(/^codeScheme: only a lead/);
    expect(await counts()).toEqual({ settings: 0, outbox: 0 });
    await enrolAs(db, 'lead');
    await expect(saveSetting(db, 'codeScheme', 'wristband', T0)).resolves.toMatchObject({ value: 'wristband' });
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
