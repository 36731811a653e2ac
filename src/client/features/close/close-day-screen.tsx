import { useState } from 'react';
import { centreDay, localTime } from '../../../shared/dates';
import { CheckOutTimeError, closeDay, reopenDay, undoCloseDay, undoReopenDay, type CheckOutTimeProblem } from '../../db/day-close';
import { useDeviceRole } from '../../db/device';
import { useCentreSettings, useNow } from '../../db/hooks';
import { usePresentChildren } from '../../db/presence-hooks';
import { useI18n } from '../../i18n/i18n';
import { NoticeBar, useNotice, type Notice } from '../../ui/notice';
import { ClosedDay } from './closed-day';
import { CloseDayForm, type CloseRequest } from './close-day-form';
import { DayPicker } from './day-picker';
import { formatDay } from '../../ui/format-day';
import { useCloseMessages } from './messages';
import { StillCheckedIn } from './still-checked-in';
import { useClosedDay, useDaysToClose, useSignOffVolunteers } from './use-close-day';
import './close.css';

/** /close: the lead checks out every child still in, signs the day off, and can reopen it. */
export function CloseDayScreen() {
  const m = useCloseMessages();
  const { language } = useI18n();
  const settings = useCentreSettings();
  const { timeZone } = settings;
  const now = useNow();
  const today = centreDay(now, timeZone);
  const isLead = useDeviceRole() === 'lead';
  const [chosen, setChosen] = useState<string | null>(null);
  const day = chosen ?? today;
  const closed = useClosedDay(day);
  const present = usePresentChildren(day);
  const volunteers = useSignOffVolunteers(day);
  const earlier = useDaysToClose(today);
  const { notice, show, showError } = useNotice();

  // The chosen day stays a choice once closed, so the lead can still see it and reopen it.
  const days = [...new Set([today, ...(chosen ? [chosen] : []), ...(earlier ?? [])])].sort().reverse();
  const failed = (error: unknown) => showError(m('writeFailed', { reason: error instanceof Error ? error.message : String(error) }));

  const close = async (request: CloseRequest): Promise<CheckOutTimeProblem | null> => {
    try {
      const closing = await closeDay({ day, ...request });
      show(m('closedNotice', { time: localTime(request.checkOutAt, timeZone), n: closing.checkedOut.length }), () => undoCloseDay(closing));
    } catch (error) {
      if (error instanceof CheckOutTimeError) return error.problem;
      failed(error);
    }
    return null;
  };

  const reopen = async () => {
    try {
      await reopenDay(day);
      show(m('reopenedNotice'), () => undoReopenDay(day).then(() => undefined));
    } catch (error) {
      failed(error);
    }
  };

  const undo = async (undone: Notice) => {
    try {
      await undone.undo?.();
      show(m('undone'));
    } catch (error) {
      failed(error);
    }
  };

  return (
    <div className="close-day">
      <h1>{m('title')}</h1>
      <p className="close-day-date">{day === today ? `${m('today')}, ${formatDay(day, language)}` : formatDay(day, language)}</p>
      <NoticeBar notice={notice} undoLabel={m('undo')} onUndo={(n) => void undo(n)} />
      {days.length > 1 && <DayPicker days={days} today={today} value={day} onChange={setChosen} />}
      {!isLead && <p className="lead-only">{m('leadOnly')}</p>}
      {closed === undefined ? null : closed ? (
        <ClosedDay closed={closed} timeZone={timeZone} onReopen={isLead ? () => void reopen() : null} />
      ) : (
        <>
          <StillCheckedIn present={present ?? []} timeZone={timeZone} />
          {isLead && volunteers && (
            <CloseDayForm
              key={day}
              day={day}
              isToday={day === today}
              defaultTime={day === today ? localTime(now, timeZone) : settings.openingHours.closes}
              timeZone={timeZone}
              volunteers={volunteers}
              onClose={close}
            />
          )}
        </>
      )}
    </div>
  );
}
