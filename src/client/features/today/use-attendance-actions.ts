import { formatCodeForReading, type CodeProblem, type CodeScheme } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import { db } from '../../db/db';
import { checkIn, checkOut, undoCheckOut, voidAttendance } from '../../db/repositories/attendance';
import { lookUpCode } from '../../db/repositories/child-codes';
import type { ChildProfile } from '../../db/repositories/children';
import { useTodayMessages } from './messages';
import type { Actions } from '../../ui/actions';
import type { CommittedChange } from './use-present-now';

/**
 * Registration's code (issuing codes, the registration row) is not in the first load: Today
 * fetches it once drawn (today-screen.tsx), and the service worker keeps it for offline use.
 */
export const registration = () => import('../../db/repositories/children');

/**
 * What a volunteer does on Today, each confirmed with Undo: a child found and out is checked in,
 * found and in is checked out, not found is offered registration. A double tap on a child (a
 * tile, a suggestion, the code typed and sent twice) is one check-in or check-out.
 */
export function useAttendanceActions(options: {
  scheme: CodeScheme;
  isPresent: (childId: string) => boolean;
  actions: Actions;
  onUnknownCode: (code: string) => void;
  /** Told of each committed check-in or check-out, before its confirmation shows. */
  onCommitted: (change: CommittedChange) => void;
}) {
  const t = useTodayMessages();
  const { actions } = options;

  const toggle = async (child: Stored<'children'>) => {
    const code = formatCodeForReading(child.code ?? '');
    // Read when the tap lands, not when the write ends: a second tap of a double tap must not
    // see the child as in and check them straight back out.
    const present = options.isPresent(child.id);
    const key = `attendance:${child.id}`;
    if (present) {
      await actions.run(
        () => checkOut(db, child.id),
        (done) => {
          options.onCommitted({ kind: 'out', childId: child.id });
          return { text: t('checkedOut', { code }), undo: () => undoCheckOut(db, done) };
        },
        { key },
      );
    } else {
      await actions.run(
        () => checkIn(db, child.id),
        (event) => {
          options.onCommitted({ kind: 'in', child, at: event.at ?? Date.now(), eventId: event.id });
          return { text: t('checkedIn', { code }), undo: () => voidAttendance(db, event.id) };
        },
        { key },
      );
    }
  };

  const submitCode = async (typed: string): Promise<CodeProblem | null> => {
    const found = await lookUpCode(db, typed, options.scheme);
    if (found.status === 'invalid') return found.problem;
    if (found.status === 'unknown') {
      actions.clear();
      options.onUnknownCode(found.code);
      return null;
    }
    await toggle(found.child);
    return null;
  };

  /** `key` names the registration form: two taps on its Register are one child, the next form's a new one. */
  const register = async (code: string | null, profile: ChildProfile, key: string): Promise<boolean> => {
    const visit = await actions.run(
      async () => (await registration()).registerAndCheckIn(db, code, profile),
      (done) => {
        options.onCommitted({ kind: 'in', child: done.child, at: Date.now(), eventId: done.eventId });
        return { text: t('registeredAndCheckedIn', { code: formatCodeForReading(done.child.code ?? '') }), undo: async () => (await registration()).undoRegistration(db, done) };
      },
      { key },
    );
    return visit !== null;
  };

  return { toggle, submitCode, register };
}
