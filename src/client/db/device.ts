import { useLiveQuery } from 'dexie-react-hooks';
import type { Role } from '../../shared/schema';
import { db } from './db';
import type { MetaRow } from './database';

/**
 * A device that was never enrolled works on its own, as its centre's only device, so it acts
 * as the lead; enrolment (or the lead, in Settings) sets the role it was given.
 */
export const DEFAULT_ROLE: Role = 'lead';

export async function loadDeviceRole(): Promise<Role> {
  const row = await db.meta.get('role');
  return row?.key === 'role' ? row.role : DEFAULT_ROLE;
}

/** Local to this device, never synced: the server knows each device's role from its token. */
export async function setDeviceRole(role: Role): Promise<void> {
  await db.meta.put({ key: 'role', role } satisfies MetaRow);
}

export function useDeviceRole(): Role {
  return useLiveQuery(loadDeviceRole, [], DEFAULT_ROLE);
}
