import { formatCodeForReading } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import type { SessionView } from '../../db/repositories/sessions';
import { useSessionsMessages } from './messages';
import { childrenCount, sessionTimes } from './session-list';
import { useFocusHeading } from './use-focus-heading';

type SessionDetailProps = {
  view: SessionView;
  timeZone: string;
  activityLabel: (id: string | undefined) => string;
  /** False on a closed day for a volunteer: the session is shown, not changed. */
  writable: boolean;
  onAdd: () => void;
  onRemove: (child: Stored<'children'>) => void;
  onEnd: () => void;
  onBack: () => void;
};

/** One session: who is in it (a tap takes a child out), adding children, ending it. */
export function SessionDetail({ view, timeZone, activityLabel, writable, onAdd, onRemove, onEnd, onBack }: SessionDetailProps) {
  const m = useSessionsMessages();
  const heading = useFocusHeading<HTMLHeadingElement>();
  const changeable = writable && view.state === 'running';
  return (
    <section className="panel session-detail" aria-labelledby="session-title">
      <h2 id="session-title" ref={heading} tabIndex={-1}>
        {activityLabel(view.session.activity)}
      </h2>
      {view.session.place && <p className="session-place" dir="auto">
          {view.session.place}
        </p>}
      <p className="session-meta">{sessionTimes(m, view, timeZone)}</p>
      <p className="session-headcount big">{childrenCount(m, view.headcount)}</p>
      <div className="actions">
        {changeable && (
          <>
            <button type="button" className="button primary" onClick={onAdd}>
              {m('addChildren')}
            </button>
            <button type="button" className="button" onClick={onEnd}>
              {m('endSession')}
            </button>
          </>
        )}
        <button type="button" className="button" onClick={onBack}>
          {m('allSessions')}
        </button>
      </div>
      <h3 id="participants-title">{view.state === 'running' ? m('participantsTitle') : m('participantsTitleEnded')}</h3>
      {view.participants.length === 0 ? (
        <p className="empty">{m('participantsEmpty')}</p>
      ) : (
        <ul className="tiles" aria-labelledby="participants-title">
          {view.participants.map((child) => {
            const code = formatCodeForReading(child.code ?? '');
            return (
              <li key={child.id}>
                {changeable ? (
                  <button type="button" className="tile" onClick={() => onRemove(child)}>
                    {/* Heard as "Take out 4173 K7"; the tile shows the code. */}
                    <span className="visually-hidden">{m('remove')}</span>{' '}
                    <span className="tile-code">{code}</span>
                  </button>
                ) : (
                  <div className="tile static">
                    <span className="tile-code">{code}</span>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
