import { isValidTimeZone } from '../dates';
import { z } from './common';
import { TEXT_LIMITS } from './limits';
import { activityId } from './tables';

/**
 * Centre settings: one `settings` record per key, its `value` checked by the key's schema.
 * A value that fails its schema (an older or newer app wrote it) falls back to the default,
 * so a bad setting never stops a volunteer from working.
 */
const clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time like 09:30' }));

export const settingSchemas = {
  activityTypes: z
    .array(z.object({ id: activityId, label: z.string().check(z.trim(), z.minLength(1), z.maxLength(TEXT_LIMITS.activityLabel)), active: z._default(z.boolean(), true) }))
    .check(
      z.minLength(1),
      z.maxLength(40),
      // Sessions name their activity by id: two types with one id would merge their counts.
      z.refine((types) => new Set(types.map((type) => type.id)).size === types.length, { message: 'activity type ids must be unique' }),
    ),
  ratioLimits: z.object({
    maxChildrenPerVolunteer: z.int().check(z.minimum(1), z.maximum(50)),
    requireVolunteerWhenChildrenPresent: z.boolean(),
  }),
  openingHours: z
    .object({ opens: clock, closes: clock })
    .check(z.refine((hours) => hours.opens < hours.closes, { message: 'must open before it closes', path: ['closes'] })),
  retentionMonths: z.int().check(z.minimum(1), z.maximum(120)),
  // An unknown zone would make every day computation fail: better the default than a broken app.
  timeZone: z.string().check(z.minLength(1), z.maxLength(64), z.refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' })),
  codeScheme: z.enum(['issued', 'wristband']),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingSchemas)[K]>;
export type CentreSettings = { [K in SettingKey]: SettingValue<K> };

export const DEFAULT_SETTINGS: CentreSettings = {
  activityTypes: [
    { id: 'art', label: 'Art', active: true },
    { id: 'football', label: 'Football', active: true },
    { id: 'music', label: 'Music', active: true },
    { id: 'reading', label: 'Reading', active: true },
    { id: 'games', label: 'Games', active: true },
    { id: 'free-play', label: 'Free play', active: true },
  ],
  ratioLimits: { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true },
  openingHours: { opens: '09:00', closes: '18:00' },
  retentionMonths: 13,
  timeZone: 'Europe/Paris',
  codeScheme: 'issued',
};

export const SETTING_KEYS = Object.keys(settingSchemas) as SettingKey[];

/** Reads settings records (id = key) into a full settings object, defaults where absent or invalid. */
export function readSettings(records: ReadonlyArray<{ id: string; value?: unknown; deleted?: boolean }>): CentreSettings {
  // A copy, so a caller that edits what it got (a settings form) cannot change the defaults.
  const settings: Record<string, unknown> = structuredClone(DEFAULT_SETTINGS);
  for (const record of records) {
    // hasOwn, not `in`: a record with the id 'toString' or '__proto__' must be ignored, not crash.
    if (record.deleted || !Object.hasOwn(settingSchemas, record.id)) continue;
    const parsed = settingSchemas[record.id as SettingKey].safeParse(record.value);
    if (parsed.success) settings[record.id] = parsed.data;
  }
  return settings as CentreSettings;
}
