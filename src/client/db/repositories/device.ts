import type { Role } from '../../../shared/schema';
import type { DaybookDatabase } from '../core/database';
import { loadEnrolment } from './sync-state';

/**
 * sync-protocol.md, Authority: a device's role is the role of the code it enrolled with, and
 * nothing on the tablet can change it. A tablet that was never enrolled works alone, as its
 * centre's only device, so it is its own lead.
 */
export const UNENROLLED_ROLE: Role = 'lead';

export async function loadDeviceRole(database: DaybookDatabase): Promise<Role> {
  return (await loadEnrolment(database))?.role ?? UNENROLLED_ROLE;
}
