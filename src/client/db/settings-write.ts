import { describeIssues, settingSchemas, type Role, type SettingKey, type SettingValue } from '../../shared/schema';
import { db } from './db';
import type { Stored } from './database';
import { loadDeviceRole, setDeviceRole } from './device';
import { loadSettings } from './settings';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from './write';

/**
 * Writes of the centre's settings (synced, one `settings` record per key) and of this device's
 * own role (local, never synced). Reads stay in settings.ts.
 */

/**
 * Saves one centre setting after checking it with the key's schema. Only a lead may change the
 * centre's settings: they change what every tablet does.
 */
export function saveSetting<K extends SettingKey>(key: K, value: SettingValue<K>, now = Date.now()): Promise<Stored<'settings'>> {
  return inWriteTransaction(async () => {
    // hasOwn, not `in`: 'toString' is not a setting.
    if (!Object.hasOwn(settingSchemas, key)) throw new InvalidWriteError(`key: "${String(key)}" is not a setting`);
    if ((await loadDeviceRole()) !== 'lead') throw new InvalidWriteError(`${key}: only a lead can change the centre's settings`);
    const parsed = settingSchemas[key].safeParse(value);
    if (!parsed.success) throw new InvalidWriteError(describeIssues(parsed.error, key));
    if (key === 'activityTypes') await assertNoUsedActivityTypeDropped(parsed.data as SettingValue<'activityTypes'>);
    return writeInTransaction('settings', key, { value: parsed.data, deleted: false }, { create: true, now });
  });
}

/**
 * Sessions name their activity by id: a type that sessions use is never removed, only
 * deactivated, so no session loses its name. (Removing one is only Undo of adding it.)
 */
async function assertNoUsedActivityTypeDropped(next: SettingValue<'activityTypes'>): Promise<void> {
  const kept = new Set(next.map((type) => type.id));
  const { activityTypes } = await loadSettings();
  const dropped = new Set(activityTypes.map((type) => type.id).filter((id) => !kept.has(id)));
  if (dropped.size === 0) return;
  // No index on activity: a full scan, but only when a type is being removed, which is rare.
  const used = await db.sessions.filter((session) => !session.deleted && session.activity !== undefined && dropped.has(session.activity)).first();
  if (used?.activity !== undefined) {
    throw new InvalidWriteError(`activityTypes: "${used.activity}" is used by sessions and cannot be removed; deactivate it instead`);
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

/**
 * Whether this device may make itself a lead. A device that was never enrolled is its centre's
 * only device, so it may. TODO(sync: enrolment): once a device is enrolled its role comes from the
 * server with its token, and this must answer false for an enrolled volunteer device.
 */
export function canSwitchToLead(): Promise<boolean> {
  return Promise.resolve(true);
}

/** Sets this device's role. Becoming a volunteer is always allowed; becoming a lead, see above. */
export async function changeDeviceRole(role: Role): Promise<void> {
  if (role === 'lead' && !(await canSwitchToLead())) throw new InvalidWriteError('role: an enrolled volunteer device cannot make itself a lead');
  await setDeviceRole(role);
}
