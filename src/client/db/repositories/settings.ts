import { describeIssues, readSettings, settingSchemas, type CentreSettings, type SettingKey, type SettingValue } from '../../../shared/schema';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { loadDeviceRole } from './device';

/** The centre's settings, defaults filled in. Works inside or outside a transaction. */
export async function loadSettings(database: DaybookDatabase): Promise<CentreSettings> {
  return readSettings(await database.settings.toArray());
}

/**
 * Saves one centre setting after checking it with the key's schema. Only a lead may change the
 * centre's settings: they change what every tablet does (and the server refuses a volunteer's).
 */
export function saveSetting<K extends SettingKey>(database: DaybookDatabase, key: K, value: SettingValue<K>, now = Date.now()): Promise<Stored<'settings'>> {
  return inWriteTransaction(database, async () => {
    // hasOwn, not `in`: 'toString' is not a setting.
    if (!Object.hasOwn(settingSchemas, key)) throw new InvalidWriteError('invalid', `key: "${String(key)}" is not a setting`);
    if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', `${key}: only a lead can change the centre's settings`);
    const parsed = settingSchemas[key].safeParse(value);
    if (!parsed.success) throw new InvalidWriteError('invalid', describeIssues(parsed.error, key));
    if (key === 'activityTypes') await assertNoUsedActivityTypeDropped(database, parsed.data as SettingValue<'activityTypes'>);
    return writeInTransaction(database, 'settings', key, { value: parsed.data, deleted: false }, { create: true, now });
  });
}

/**
 * Sessions name their activity by id: a type that sessions use is never removed, only
 * deactivated, so no session loses its name. (Removing one is only Undo of adding it.)
 */
async function assertNoUsedActivityTypeDropped(database: DaybookDatabase, next: SettingValue<'activityTypes'>): Promise<void> {
  const kept = new Set(next.map((type) => type.id));
  const { activityTypes } = await loadSettings(database);
  const dropped = new Set(activityTypes.map((type) => type.id).filter((id) => !kept.has(id)));
  if (dropped.size === 0) return;
  // No index on activity: a full scan, but only when a type is being removed, which is rare.
  const used = await database.sessions.filter((session) => !session.deleted && session.activity !== undefined && dropped.has(session.activity)).first();
  if (used?.activity !== undefined) {
    throw new InvalidWriteError('activity-in-use', `activityTypes: "${used.activity}" is used by sessions and cannot be removed; deactivate it instead`);
  }
}

/**
 * The id of a new activity type, from its label: lower case, dashes, no accents ("Free play" ->
 * "free-play"). A label with no latin letters or digits (written in Arabic script, say) becomes
 * "activity"; an id already taken gets a number ("art-2"), since a label may have been renamed.
 */
export function activityIdFromLabel(label: string, taken: Iterable<string>): string {
  const base =
    label
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      // 32 leaves room for "-NN" within the schema's 40 characters.
      .slice(0, 32)
      .replace(/-+$/, '') || 'activity';
  const ids = new Set(taken);
  if (!ids.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!ids.has(id)) return id;
  }
}
