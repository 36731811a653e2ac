import type { Role } from '../../shared/schema';
import type { DaybookDatabase } from './core/database';
import { storeEnrolment } from './repositories/sync-state';

/**
 * For tests: makes `database` a tablet enrolled with a code of `role`, as enrolment would
 * (sync-protocol.md, Authority: a tablet's role is the role of the code it enrolled with).
 */
export function enrolAs(database: DaybookDatabase, role: Role, centreId = 'centre-1'): Promise<void> {
  return storeEnrolment(database, {
    serverUrl: 'http://localhost:8080',
    token: `token-${role}`,
    deviceId: `device-${role}`,
    centre: { id: centreId, name: 'Test centre', timeZone: 'Europe/Paris' },
    role,
    codeSeries: null,
    enrolledAt: Date.UTC(2026, 10, 1),
  });
}
