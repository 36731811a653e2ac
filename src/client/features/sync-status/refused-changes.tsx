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
      <summary>{total === 1 ? m('refusedOne') : m('refusedMany', { n: total })}</summary>
      <div className="sync-refused-body">
        <p className="hint">{m('refusedHint')}</p>
        <ul className="sync-refused-list">
          {rejections.map((rejection) => (
            <li key={rejection.seq}>
              <span className="sync-refused-what">{m(TABLE_LABELS[rejection.table])}</span>{' '}
              <span className="sync-refused-why">{rejection.code === 'CLOCK_AHEAD' ? m('clockAhead') : rejection.message}</span>
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
