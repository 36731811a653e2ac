import type { Role } from '../../../shared/schema';
import type { DaybookDatabase } from '../core/database';

/**
 * sync-protocol.md, Authority: a device's role is the role of the code it enrolled with, and
 * nothing on the tablet can change it. A tablet that was never enrolled works alone, as its
 * centre's only device, so it is its own lead.
 */
export const UNENROLLED_ROLE: Role = 'lead';

export async function loadDeviceRole(database: DaybookDatabase): Promise<Role> {
  // The enrolment row read here, not through sync-state.ts: Today's first load needs the role only.
  const row = await database.meta.get('enrolment');
  return row?.key === 'enrolment' ? row.role : UNENROLLED_ROLE;
}

/** Whether this tablet has a lead PIN (lead-pin.ts sets and checks it; this stays in the first load). */
export async function hasLeadPin(database: DaybookDatabase): Promise<boolean> {
  return (await database.meta.get('leadPin'))?.key === 'leadPin';
}
