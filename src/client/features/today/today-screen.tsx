import { useEffect, useState } from 'react';
import { formatCodeForReading, type CodeProblem } from '../../../shared/codes';
import { checkIn, checkOut, voidAttendance } from '../../db/attendance';
import { lookUpCode, registerAndCheckIn, undoRegistration, type ChildProfile } from '../../db/children';
import { useCentreSettings, useNow } from '../../db/hooks';
import { centreDay } from '../../../shared/dates';
import { useT } from '../../i18n/i18n';
import { NoticeBar, useNotice, type Notice } from '../../ui/notice';
import { FindChild } from './find-child';
import { PresentList } from './present-list';
import { RegisterChild } from './register-child';
import { usePresentChildren, type PresentChild } from '../../db/presence-hooks';

type Registering = { code: string | null } | null;

let markedUsable = false;

/** The volunteer's home screen: who is here, and checking children in and out. */
export function TodayScreen() {
  const t = useT();
  const settings = useCentreSettings();
  const now = useNow();
  const day = centreDay(now, settings.timeZone);
  const present = usePresentChildren(day);
  const [registering, setRegistering] = useState<Registering>(null);
  const { notice, show, showError, clear } = useNotice();

  useEffect(() => {
    // The benchmark's "Today is usable" moment: the present list has been read and drawn.
    if (present && !markedUsable) {
      markedUsable = true;
      performance.mark('daybook:today-usable');
    }
  }, [present]);

  const failed = (error: unknown) => showError(t('writeFailed', { reason: error instanceof Error ? error.message : String(error) }));

  const submitCode = async (typed: string): Promise<CodeProblem | null> => {
    const found = await lookUpCode(typed, settings.codeScheme);
    if (found.status === 'invalid') return found.problem;
    if (found.status === 'unknown') {
      clear();
      setRegistering({ code: found.code });
      return null;
    }
    setRegistering(null);
    const isPresent = present?.some((entry) => entry.child.id === found.child.id) ?? false;
    try {
      const code = formatCodeForReading(found.code);
      const event = isPresent ? await checkOut(found.child.id) : await checkIn(found.child.id);
      show(t(isPresent ? 'checkedOut' : 'checkedIn', { code }), () => voidAttendance(event.id).then(() => undefined));
    } catch (error) {
      failed(error);
    }
    return null;
  };

  const register = async (profile: ChildProfile) => {
    try {
      const visit = await registerAndCheckIn(registering?.code ?? null, profile);
      setRegistering(null);
      show(t('registeredAndCheckedIn', { code: formatCodeForReading(visit.child.code ?? '') }), () => undoRegistration(visit));
    } catch (error) {
      failed(error);
    }
  };

  const checkOutTile = async (entry: PresentChild) => {
    try {
      const event = await checkOut(entry.child.id);
      show(t('checkedOut', { code: formatCodeForReading(entry.child.code ?? '') }), () => voidAttendance(event.id).then(() => undefined));
    } catch (error) {
      failed(error);
    }
  };

  const undo = async (undone: Notice) => {
    try {
      await undone.undo?.();
      show(t('undone'));
    } catch (error) {
      failed(error);
    }
  };

  return (
    <div className="today">
      <h1 className="visually-hidden">{t('todayTitle')}</h1>
      <section className="headcount" aria-label={t('childrenIn')}>
        <p className="count">
          <span className="count-number">{present?.length ?? 0}</span> <span className="count-label">{t('childrenIn')}</span>
        </p>
      </section>
      <NoticeBar notice={notice} undoLabel={t('undo')} onUndo={(n) => void undo(n)} />
      {registering ? (
        <RegisterChild code={registering.code} onRegister={register} onCancel={() => setRegistering(null)} />
      ) : (
        <FindChild
          onSubmitCode={submitCode}
          onNewChild={() => {
            clear();
            setRegistering({ code: null });
          }}
        />
      )}
      <PresentList present={present ?? []} now={now} timeZone={settings.timeZone} onCheckOut={(entry) => void checkOutTile(entry)} />
    </div>
  );
}
