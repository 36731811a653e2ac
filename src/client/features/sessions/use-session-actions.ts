import { formatCodeForReading } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import { db } from '../../db/db';
import { addParticipants, endSession, removeParticipant, startSession, undoSessionChange, undoStartSession } from '../../db/repositories/sessions';
import type { SessionStart } from '../../db/repositories/sessions';
import type { Actions } from '../../ui/actions';
import { useSessionsMessages } from './messages';

const codeOf = (child: Stored<'children'>) => formatCodeForReading(child.code ?? '');

/**
 * What a volunteer does on the Sessions screen, through the shared actions: each confirmed in
 * large text with an Undo that puts back exactly what it changed, a double tap done once. Each
 * resolves to whether it was saved.
 */
export function useSessionActions(options: { actions: Actions; activityLabel: (id: string | undefined) => string }) {
  const m = useSessionsMessages();
  const { actions, activityLabel } = options;

  const start = (input: SessionStart, onUndone: () => void): Promise<Stored<'sessions'> | null> =>
    actions.run(
      () => startSession(db, input),
      (session) => ({
        text: m('started', { activity: activityLabel(session.activity) }),
        undo: async () => {
          await undoStartSession(db, session.id);
          onUndone();
        },
      }),
      { key: `start:${input.activity}` },
    );

  const add = async (session: Stored<'sessions'>, children: readonly Stored<'children'>[]): Promise<boolean> => {
    const activity = activityLabel(session.activity);
    const result = await actions.run(
      () => addParticipants(db, session.id, children.map((child) => child.id)),
      ({ added, moved, change }) => {
        const only = added.length === 1 ? children.find((child) => child.id === added[0]) : undefined;
        const text =
          added.length === 0
            ? m('alreadyIn', { activity })
            : only
              ? m(moved.length > 0 ? 'movedOne' : 'addedOne', { code: codeOf(only), activity })
              : moved.length > 0
                ? m('addedManyMoved', { n: added.length, moved: new Set(moved.map((move) => move.childId)).size, activity })
                : m('addedMany', { n: added.length, activity });
        return { text, undo: change.before.length > 0 ? () => undoSessionChange(db, change) : undefined };
      },
      // The same children on the same session: a double tap on Add; other children, a new add.
      { key: `add:${session.id}:${children.map((child) => child.id).sort().join(',')}` },
    );
    return result !== null;
  };

  const remove = async (session: Stored<'sessions'>, child: Stored<'children'>): Promise<boolean> => {
    const change = await actions.run(
      () => removeParticipant(db, session.id, child.id),
      (done) => ({ text: m('removed', { code: codeOf(child), activity: activityLabel(session.activity) }), undo: () => undoSessionChange(db, done) }),
      { key: `participant:${session.id}:${child.id}` },
    );
    return change !== null;
  };

  const end = async (session: Stored<'sessions'>): Promise<boolean> => {
    const change = await actions.run(
      () => endSession(db, session.id),
      (done) => ({ text: m('ended', { activity: activityLabel(session.activity) }), undo: () => undoSessionChange(db, done) }),
      { key: `end:${session.id}` },
    );
    return change !== null;
  };

  return { start, add, remove, end };
}
