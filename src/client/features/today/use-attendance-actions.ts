import { formatCodeForReading, type CodeProblem, type CodeScheme } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import { repositories } from '../../db/db';
import type { ChildProfile } from '../../db/repositories/children';
import { useT } from '../../i18n/i18n';
import type { Actions } from '../../ui/actions';
import type { CommittedChange } from './use-present-now';

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
  const t = useT();
  const { actions } = options;

  const toggle = async (child: Stored<'children'>) => {
    const code = formatCodeForReading(child.code ?? '');
    // Read when the tap lands, not when the write ends: a second tap of a double tap must not
    // see the child as in and check them straight back out.
    const present = options.isPresent(child.id);
    const key = `attendance:${child.id}`;
    if (present) {
      await actions.run(
        () => repositories.checkOut(child.id),
        (done) => {
          options.onCommitted({ kind: 'out', childId: child.id });
          return { text: t('checkedOut', { code }), undo: () => repositories.undoCheckOut(done) };
        },
        { key },
      );
    } else {
      await actions.run(
        () => repositories.checkIn(child.id),
        (event) => {
          options.onCommitted({ kind: 'in', child, at: event.at ?? Date.now(), eventId: event.id });
          return { text: t('checkedIn', { code }), undo: () => repositories.voidAttendance(event.id) };
        },
        { key },
      );
    }
  };

  const submitCode = async (typed: string): Promise<CodeProblem | null> => {
    const found = await repositories.lookUpCode(typed, options.scheme);
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
      () => repositories.registerAndCheckIn(code, profile),
      (done) => {
        options.onCommitted({ kind: 'in', child: done.child, at: Date.now(), eventId: done.eventId });
        return { text: t('registeredAndCheckedIn', { code: formatCodeForReading(done.child.code ?? '') }), undo: () => repositories.undoRegistration(done) };
      },
      { key },
    );
    return visit !== null;
  };

  return { toggle, submitCode, register };
}
