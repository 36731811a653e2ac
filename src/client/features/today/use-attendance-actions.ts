import { formatCodeForReading, type CodeProblem, type CodeScheme } from '../../../shared/codes';
import { checkIn, checkOut, undoCheckOut, voidAttendance } from '../../db/attendance';
import { lookUpCode, registerAndCheckIn, undoRegistration, type ChildProfile } from '../../db/children';
import type { Stored } from '../../db/database';
import { useT } from '../../i18n/i18n';
import type { useNotice } from '../../ui/notice';
import type { CommittedChange } from './use-present-now';

type Notices = ReturnType<typeof useNotice>;

/**
 * What a volunteer does on Today, each confirmed with Undo: a child found and out is checked in,
 * found and in is checked out, not found is offered registration.
 */
export function useAttendanceActions(options: {
  scheme: CodeScheme;
  isPresent: (childId: string) => boolean;
  notices: Notices;
  onUnknownCode: (code: string) => void;
  /** Told of each committed check-in or check-out, before its confirmation shows. */
  onCommitted: (change: CommittedChange) => void;
}) {
  const t = useT();
  const { show, showError } = options.notices;

  const failed = (error: unknown) => showError(t('writeFailed', { reason: error instanceof Error ? error.message : String(error) }));

  const toggle = async (child: Stored<'children'>) => {
    const present = options.isPresent(child.id);
    try {
      const code = formatCodeForReading(child.code ?? '');
      if (present) {
        const done = await checkOut(child.id);
        options.onCommitted({ kind: 'out', childId: child.id });
        show(t('checkedOut', { code }), () => undoCheckOut(done));
      } else {
        const event = await checkIn(child.id);
        options.onCommitted({ kind: 'in', child, at: event.at ?? Date.now(), eventId: event.id });
        show(t('checkedIn', { code }), () => voidAttendance(event.id).then(() => undefined));
      }
    } catch (error) {
      failed(error);
    }
  };

  const submitCode = async (typed: string): Promise<CodeProblem | null> => {
    const found = await lookUpCode(typed, options.scheme);
    if (found.status === 'invalid') return found.problem;
    if (found.status === 'unknown') {
      options.notices.clear();
      options.onUnknownCode(found.code);
      return null;
    }
    await toggle(found.child);
    return null;
  };

  const register = async (code: string | null, profile: ChildProfile): Promise<boolean> => {
    try {
      const visit = await registerAndCheckIn(code, profile);
      options.onCommitted({ kind: 'in', child: visit.child, at: Date.now(), eventId: visit.eventId });
      show(t('registeredAndCheckedIn', { code: formatCodeForReading(visit.child.code ?? '') }), () => undoRegistration(visit));
      return true;
    } catch (error) {
      failed(error);
      return false;
    }
  };

  const undo = async (run: (() => Promise<void>) | undefined) => {
    try {
      await run?.();
      show(t('undone'));
    } catch (error) {
      failed(error);
    }
  };

  return { toggle, submitCode, register, undo };
}
