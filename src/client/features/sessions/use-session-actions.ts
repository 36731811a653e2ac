import { formatCodeForReading } from '../../../shared/codes';
import type { Stored } from '../../db/database';
import { DayClosedError } from '../../db/day-guard';
import {
  addParticipants,
  endSession,
  removeParticipant,
  startSession,
  undoSessionChange,
  undoStartSession,
  type SessionStart,
} from '../../db/sessions';
import type { useNotice } from '../../ui/notice';
import { useSessionsMessages } from './messages';

type Notices = ReturnType<typeof useNotice>;

const codeOf = (child: Stored<'children'>) => formatCodeForReading(child.code ?? '');

/**
 * What a volunteer does on the Sessions screen. Each action is confirmed in large text with an
 * Undo that puts back exactly what it changed. Each resolves to whether it was saved.
 */
export function useSessionActions(options: { notices: Notices; activityLabel: (id: string | undefined) => string }) {
  const m = useSessionsMessages();
  const { show, showError } = options.notices;
  const { activityLabel } = options;

  const failed = (error: unknown) => {
    showError(error instanceof DayClosedError ? m('dayClosed') : m('writeFailed', { reason: error instanceof Error ? error.message : String(error) }));
    return false;
  };

  const start = async (input: SessionStart, onUndone: () => void): Promise<Stored<'sessions'> | null> => {
    try {
      const session = await startSession(input);
      show(m('started', { activity: activityLabel(session.activity) }), async () => {
        await undoStartSession(session.id);
        onUndone();
      });
      return session;
    } catch (error) {
      failed(error);
      return null;
    }
  };

  const add = async (session: Stored<'sessions'>, children: readonly Stored<'children'>[]): Promise<boolean> => {
    const activity = activityLabel(session.activity);
    try {
      const result = await addParticipants(session.id, children.map((child) => child.id));
      const { added, moved } = result;
      const only = added.length === 1 ? children.find((child) => child.id === added[0]) : undefined;
      const text =
        added.length === 0
          ? m('alreadyIn', { activity })
          : only
            ? m(moved.length > 0 ? 'movedOne' : 'addedOne', { code: codeOf(only), activity })
            : moved.length > 0
              ? m('addedManyMoved', { n: added.length, moved: new Set(moved.map((move) => move.childId)).size, activity })
              : m('addedMany', { n: added.length, activity });
      show(text, result.change.before.length > 0 ? () => undoSessionChange(result.change) : undefined);
      return true;
    } catch (error) {
      return failed(error);
    }
  };

  const remove = async (session: Stored<'sessions'>, child: Stored<'children'>): Promise<boolean> => {
    try {
      const change = await removeParticipant(session.id, child.id);
      show(m('removed', { code: codeOf(child), activity: activityLabel(session.activity) }), () => undoSessionChange(change));
      return true;
    } catch (error) {
      return failed(error);
    }
  };

  const end = async (session: Stored<'sessions'>): Promise<boolean> => {
    try {
      const change = await endSession(session.id);
      show(m('ended', { activity: activityLabel(session.activity) }), () => undoSessionChange(change));
      return true;
    } catch (error) {
      return failed(error);
    }
  };

  const undo = async (run: (() => Promise<void>) | undefined) => {
    try {
      await run?.();
      show(m('undone'));
    } catch (error) {
      failed(error);
    }
  };

  return { start, add, remove, end, undo };
}
