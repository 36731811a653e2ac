import { localTime } from '../../../shared/dates';
import type { SessionView } from '../../db/repositories/sessions';
import { useSessionsMessages, type SessionsMessages } from './messages';

type SessionListProps = {
  sessions: readonly SessionView[];
  timeZone: string;
  activityLabel: (id: string | undefined) => string;
  onOpen: (view: SessionView) => void;
};

export function childrenCount(m: SessionsMessages, n: number): string {
  return m('childrenMany', { n });
}

/** "Started 10:05 · Running" or "Started 10:05 · Ended 11:30". */
export function sessionTimes(m: SessionsMessages, view: SessionView, timeZone: string): string {
  const { startedAt, endedAt } = view.session;
  const started = startedAt === undefined ? '' : m('startedAt', { time: localTime(startedAt, timeZone) });
  const state = view.state === 'running' || endedAt == null ? m('running') : m('endedAt', { time: localTime(endedAt, timeZone) });
  return started ? `${started} · ${state}` : state;
}

/** Today's sessions as big tiles, running ones first; a tap opens one. */
export function SessionList({ sessions, timeZone, activityLabel, onOpen }: SessionListProps) {
  const m = useSessionsMessages();
  return (
    <section aria-labelledby="sessions-list-title" className="sessions-list">
      <h2 id="sessions-list-title">{m('listTitle')}</h2>
      {sessions.length === 0 ? (
        <p className="empty">{m('listEmpty')}</p>
      ) : (
        <ul className="tiles session-tiles">
          {sessions.map((view) => (
            <li key={view.session.id}>
              <button type="button" className={`tile session-tile ${view.state}`} onClick={() => onOpen(view)}>
                <span className="session-activity">{activityLabel(view.session.activity)}</span>
                {view.session.place && <span className="tile-detail" dir="auto">
                    {view.session.place}
                  </span>}
                <span className="session-headcount">{childrenCount(m, view.headcount)}</span>
                <span className="tile-detail">{sessionTimes(m, view, timeZone)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
