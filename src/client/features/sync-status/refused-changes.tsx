import type { TableName } from '../../../shared/schema';
import type { RejectedChange } from '../../db/core/database';
import { db } from '../../db/db';
import { clearRejections } from '../../db/repositories/sync-state';
import { useSyncStatusMessages, type SyncStatusMessages } from './messages';

type MessageKey = Parameters<SyncStatusMessages>[0];

const TABLE_LABELS: Record<TableName, MessageKey> = {
  children: 'tableChildren',
  attendance: 'tableAttendance',
  sessions: 'tableSessions',
  participations: 'tableParticipations',
  volunteers: 'tableVolunteers',
  shifts: 'tableShifts',
  dayCloses: 'tableDayCloses',
  settings: 'tableSettings',
  erasures: 'tableErasures',
  registrations: 'tableRegistrations',
};

/**
 * A refusal's reason in the tablet's language: the server's own message is a developer's
 * English (it names a field), so it is never what a volunteer reads.
 */
function reasonOf(code: string, m: SyncStatusMessages): string {
  switch (code) {
    case 'CLOCK_AHEAD':
      return m('clockAhead');
    case 'LEAD_ONLY':
      return m('leadOnlyRefused');
    case 'INVALID_OP':
      return m('invalidRefused');
    case 'ERASED':
      return m('erasedRefused');
    default:
      return m('otherRefused', { code });
  }
}

type RefusedChangesProps = { rejections: readonly RejectedChange[]; total: number };

/**
 * The changes the server refused, each with its reason, behind a disclosure so the header stays
 * small. A reason the app knows is said in the tablet's language; others in the server's words.
 */
export function RefusedChanges({ rejections, total }: RefusedChangesProps) {
  const m = useSyncStatusMessages();
  if (total === 0) return null;
  return (
    <details className="sync-refused">
      <summary>{m('refusedMany', { n: total })}</summary>
      <div className="sync-refused-body">
        <p className="hint">{m('refusedHint')}</p>
        <ul className="sync-refused-list">
          {rejections.map((rejection) => (
            <li key={rejection.seq}>
              <span className="sync-refused-what">{m(TABLE_LABELS[rejection.table])}</span>{' '}
              <span className="sync-refused-why">{reasonOf(rejection.code, m)}</span>
            </li>
          ))}
        </ul>
        {total > rejections.length && <p className="hint">{m('refusedMore', { n: total - rejections.length })}</p>}
        <button type="button" className="button" onClick={() => void clearRejections(db)}>
          {m('clearRefused')}
        </button>
      </div>
    </details>
  );
}
