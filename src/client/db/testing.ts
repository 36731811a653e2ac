import type { Role } from '../../shared/schema';
import { applyPullPage } from '../sync/apply-page';
import { SYNCED_TABLES, type DaybookDatabase } from './core/database';
import { toReplica } from './core/replica';
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

/**
 * For tests: everything `from` holds reaches `to`, as one pull page from a server holding it
 * would bring it. Two local databases become two tablets that have synced, without a server.
 */
export async function copyRecords(from: DaybookDatabase, to: DaybookDatabase): Promise<void> {
  const changes = [];
  let cursor = 0;
  for (const table of SYNCED_TABLES) {
    for (const row of await from.table(table).toArray()) {
      const { fields, hlcs } = toReplica(row as never);
      changes.push({ cursor: ++cursor, table, id: (row as { id: string }).id, fields, hlcs });
    }
  }
  await applyPullPage(to, { changes, nextCursor: cursor, hasMore: false, serverTime: Date.now() }, Date.now());
}
