import { useMemo, useState } from 'react';
import type { Stored } from '../../db/core/database';
import { useCentreDay, useCentreSettings } from '../../db/hooks/settings';
import { usePresentChildren } from '../../db/hooks/presence';
import { useSessionsOfDay } from '../../db/hooks/sessions';
import type { SessionView } from '../../db/repositories/sessions';
import { ActionNotice, useActions } from '../../ui/actions';
import { useDayWriteAccess } from '../../ui/lead-lock';
import { AddParticipants, type Candidate } from './add-participants';
import { useSessionsMessages } from './messages';
import { SessionDetail } from './session-detail';
import { SessionList } from './session-list';
import './sessions.css';
import { StartSession } from './start-session';
import { useSessionActions } from './use-session-actions';
import { useActivityLabel } from '../../ui/activity-label';

type View = { kind: 'list' } | { kind: 'start' } | { kind: 'session'; id: string } | { kind: 'add'; id: string };

/** Today's activity sessions: start one, add the children who take part, see who is in, end it. */
export function SessionsScreen() {
  const m = useSessionsMessages();
  const settings = useCentreSettings();
  const day = useCentreDay();
  const sessions = useSessionsOfDay(day);
  const present = usePresentChildren(day);
  const access = useDayWriteAccess(day);
  const actions = useActions();
  const [view, setView] = useState<View>({ kind: 'list' });

  // Every type, active or not, so a session of a type switched off since still shows its label.
  const activityLabel = useActivityLabel(settings.activityTypes);
  const sessionActions = useSessionActions({ actions, activityLabel });
  const writable = access !== 'read-only';
  const toList = () => setView({ kind: 'list' });

  const open = view.kind === 'session' || view.kind === 'add' ? sessions?.find((entry) => entry.session.id === view.id) : undefined;

  // The running session each child is in, to mark the children who would move on Add.
  const candidates = useMemo((): Candidate[] => {
    if (!open) return [];
    const runningIn = new Map<string, SessionView>();
    for (const entry of sessions ?? []) if (entry.state === 'running') for (const child of entry.participants) runningIn.set(child.id, entry);
    return (present ?? [])
      .filter(({ child }) => runningIn.get(child.id)?.session.id !== open.session.id)
      .map(({ child }) => {
        const elsewhere = runningIn.get(child.id);
        return { child, elsewhere: elsewhere && activityLabel(elsewhere.session.activity) };
      })
      .sort((a, b) => (a.child.code ?? '').localeCompare(b.child.code ?? ''));
  }, [open, sessions, present, activityLabel]);

  const start = async (input: { activity: string; place?: string }) => {
    const session = await sessionActions.start(input, toList);
    if (session) setView({ kind: 'session', id: session.id });
  };

  const add = async (session: Stored<'sessions'>, children: Stored<'children'>[]) => {
    if (await sessionActions.add(session, children)) setView({ kind: 'session', id: session.id });
  };

  const body = () => {
    if (view.kind === 'start' && writable) {
      return <StartSession activityTypes={settings.activityTypes} onStart={start} onCancel={toList} />;
    }
    if (open && view.kind === 'add' && writable && open.state === 'running') {
      return (
        <AddParticipants
          activity={activityLabel(open.session.activity)}
          candidates={candidates}
          onAdd={(children) => add(open.session, children)}
          onCancel={() => setView({ kind: 'session', id: open.session.id })}
        />
      );
    }
    if (open) {
      return (
        <SessionDetail
          view={open}
          timeZone={settings.timeZone}
          activityLabel={activityLabel}
          writable={writable}
          onAdd={() => setView({ kind: 'add', id: open.session.id })}
          onRemove={(child) => void sessionActions.remove(open.session, child)}
          onEnd={() => void sessionActions.end(open.session)}
          onBack={toList}
        />
      );
    }
    return (
      <>
        {writable && (
          <div className="actions sessions-start">
            <button type="button" className="button primary" onClick={() => setView({ kind: 'start' })}>
              {m('startSession')}
            </button>
          </div>
        )}
        <SessionList
          sessions={sessions ?? []}
          timeZone={settings.timeZone}
          activityLabel={activityLabel}
          onOpen={(entry) => setView({ kind: 'session', id: entry.session.id })}
        />
      </>
    );
  };

  return (
    <div className="sessions">
      <h1 className="visually-hidden">{m('title')}</h1>
      {(access === 'read-only' || access === 'closed-lead') && (
        <p className={`day-closed ${access}`}>{access === 'read-only' ? m('dayClosed') : m('dayClosedLead')}</p>
      )}
      <ActionNotice actions={actions} />
      {body()}
    </div>
  );
}
