import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SETTING_KEYS, readSettings, settingSchemas, type SettingKey } from './settings';

describe('DEFAULT_SETTINGS', () => {
  it.each(SETTING_KEYS)('has a default %s that its own schema accepts', (key) => {
    expect(settingSchemas[key].safeParse(DEFAULT_SETTINGS[key]).success).toBe(true);
  });

  it('matches product.md: 8 children per volunteer, Europe/Paris, 13 months', () => {
    expect(DEFAULT_SETTINGS.ratioLimits).toEqual({ maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true });
    expect(DEFAULT_SETTINGS.timeZone).toBe('Europe/Paris');
    expect(DEFAULT_SETTINGS.retentionMonths).toBe(13);
  });
});

describe('readSettings', () => {
  it('gives the defaults when there are no records', () => {
    expect(readSettings([])).toEqual(DEFAULT_SETTINGS);
  });

  it.each([
    ['timeZone', 'Asia/Amman'],
    ['retentionMonths', 24],
    ['codeScheme', 'wristband'],
    ['openingHours', { opens: '10:00', closes: '17:30' }],
    ['ratioLimits', { maxChildrenPerVolunteer: 5, requireVolunteerWhenChildrenPresent: false }],
    ['activityTypes', [{ id: 'art', label: 'Art', active: false }]],
  ] as Array<[SettingKey, unknown]>)('takes a valid %s', (key, value) => {
    expect(readSettings([{ id: key, value }])[key]).toEqual(value);
  });

  it('fills in an activity type left active by default', () => {
    expect(readSettings([{ id: 'activityTypes', value: [{ id: 'chess', label: 'Chess' }] }]).activityTypes).toEqual([{ id: 'chess', label: 'Chess', active: true }]);
  });

  it.each([
    ['timeZone', 'Nowhere/City'],
    ['timeZone', ''],
    ['timeZone', 1],
    ['retentionMonths', 0],
    ['retentionMonths', 13.5],
    ['retentionMonths', '13'],
    ['codeScheme', 'barcode'],
    ['openingHours', { opens: '9:00', closes: '18:00' }],
    ['openingHours', { opens: '18:00', closes: '09:00' }],
    ['openingHours', null],
    ['ratioLimits', { maxChildrenPerVolunteer: 0, requireVolunteerWhenChildrenPresent: true }],
    ['ratioLimits', { maxChildrenPerVolunteer: 8 }],
    ['activityTypes', []],
    ['activityTypes', [{ id: 'Art Class', label: 'Art' }]],
    ['activityTypes', [{ id: 'art', label: '' }]],
    ['activityTypes', [{ id: 'art', label: 'Art' }, { id: 'art', label: 'Painting' }]],
    ['activityTypes', undefined],
  ] as Array<[SettingKey, unknown]>)('falls back to the default %s for %j', (key, value) => {
    expect(readSettings([{ id: key, value }])[key]).toEqual(DEFAULT_SETTINGS[key]);
  });

  it('ignores a deleted setting', () => {
    expect(readSettings([{ id: 'retentionMonths', value: 24, deleted: true }]).retentionMonths).toBe(13);
  });

  it.each(['unknownKey', 'toString', 'constructor', 'hasOwnProperty', '__proto__'])('ignores a record with the id %j', (id) => {
    expect(readSettings([{ id, value: 1 }])).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps the good settings when one is bad', () => {
    const settings = readSettings([
      { id: 'retentionMonths', value: 6 },
      { id: 'timeZone', value: 'Mars/Olympus' },
    ]);
    expect([settings.retentionMonths, settings.timeZone]).toEqual([6, 'Europe/Paris']);
  });

  it('returns a copy: editing it leaves the defaults alone', () => {
    const settings = readSettings([]);
    settings.activityTypes.push({ id: 'chess', label: 'Chess', active: true });
    settings.ratioLimits.maxChildrenPerVolunteer = 2;
    expect(DEFAULT_SETTINGS.activityTypes).toHaveLength(6);
    expect(DEFAULT_SETTINGS.ratioLimits.maxChildrenPerVolunteer).toBe(8);
  });
});
