import { useState } from 'react';
import { centreDay, localTime } from '../../../shared/dates';
import { db } from '../../db/db';
import { CheckOutTimeError, type CheckOutTimeProblem, type DayClosing, clearLateArrivals, closeDay, reopenDay, undoCloseDay, undoReopenDay } from '../../db/repositories/day-close';
import { useDeviceRole } from '../../db/hooks/access';
import { useCentreSettings, useNow } from '../../db/hooks/settings';
import { useOnDuty, usePresentChildren } from '../../db/hooks/presence';
import { useSessionsOfDay } from '../../db/hooks/sessions';
import { useI18n } from '../../i18n/i18n';
import { ActionNotice, useActions } from '../../ui/actions';
import { LeadGate } from '../../ui/lead-gate';
import { ClosedDay } from './closed-day';
import { ClosingAlso } from './closing-also';
import { LateArrivals } from './late-arrivals';
import { CloseDayForm, type CloseRequest } from './close-day-form';
import { DayPicker } from './day-picker';
import { formatDay } from '../../ui/format-day';
import { useCloseMessages } from './messages';
import { StillCheckedIn } from './still-checked-in';
import { useClosedDay, useDaysToClose, useLateArrivals, useSignOffVolunteers } from '../../db/hooks/day-close';
import './close.css';
import { useActivityLabel } from '../../ui/activity-label';

/** /close: the lead checks out every child still in, signs the day off, and can reopen it. */
export function CloseDayScreen() {
  const m = useCloseMessages();
  const { language } = useI18n();
  const settings = useCentreSettings();
  const { timeZone } = settings;
  const now = useNow();
  const today = centreDay(now, timeZone);
  const role = useDeviceRole();
  const isLead = role === 'lead';
  const [chosen, setChosen] = useState<string | null>(null);
  const day = chosen ?? today;
  const closed = useClosedDay(day);
  const present = usePresentChildren(day);
  const onDuty = useOnDuty(day);
  const late = useLateArrivals(day);
  const sessions = useSessionsOfDay(day);
  const activityLabel = useActivityLabel(settings.activityTypes);
  const volunteers = useSignOffVolunteers(day);
  const earlier = useDaysToClose(today);
  const actions = useActions();

  // The chosen day stays a choice once closed, so the lead can still see it and reopen it.
  const days = [...new Set([today, ...(chosen ? [chosen] : []), ...(earlier ?? [])])].sort().reverse();
  /** "Day closed at 18:00: 2 children checked out, 1 volunteer signed off." Only what happened. */
  const closedNotice = (closing: DayClosing, time: string) => {
    const count = (n: number, key: Parameters<typeof m>[0]) => (n === 0 ? [] : [m(key, { n })]);
    const what = [...count(closing.checkedOut.length, 'childrenOut'), ...count(closing.signedOff.length, 'volunteersOff'), ...count(closing.endedSessions.length, 'sessionsEnded')];
    return what.length === 0 ? m('closedNoticeEmpty', { time }) : m('closedNotice', { time, what: what.join(', ') });
  };

  const close = async (request: CloseRequest): Promise<CheckOutTimeProblem | null> => {
    let timeProblem: CheckOutTimeProblem | null = null;
    await actions.run(
      () => closeDay(db, { day, ...request }),
      (closing) => ({
        text: closedNotice(closing, localTime(request.checkOutAt, timeZone)),
        undo: () => undoCloseDay(db, closing),
      }),
      {
        key: `close:${day}`,
        // A time that cannot be used is said at the time field.
        atField: (error) => {
          if (error instanceof CheckOutTimeError) timeProblem = error.timeProblem;
          return timeProblem !== null;
        },
      },
    );
    return timeProblem;
  };

  const reopen = () =>
    void actions.run(
      () => reopenDay(db, day),
      () => ({ text: m('reopenedNotice'), undo: () => undoReopenDay(db, day) }),
      { key: `reopen:${day}` },
    );

  return (
    <div className="close-day">
      <h1>{m('title')}</h1>
      <p className="close-day-date">{day === today ? `${m('today')}, ${formatDay(day, language)}` : formatDay(day, language)}</p>
      <ActionNotice actions={actions} />
      <LeadGate>
        {days.length > 1 && <DayPicker days={days} today={today} value={day} onChange={setChosen} />}
        {role === 'volunteer' && <p className="lead-only">{m('leadOnly')}</p>}
        {closed === undefined || role === undefined ? null : closed ? (
          <>
            <ClosedDay closed={closed} timeZone={timeZone} onReopen={isLead ? reopen : null} />
            <LateArrivals arrivals={late ?? []} timeZone={timeZone} activityLabel={activityLabel} onClear={isLead ? () => void clearLateArrivals(db, day) : null} />
            {present && present.length > 0 && <StillCheckedIn present={present} timeZone={timeZone} title={m('stillInClosed')} />}
          </>
        ) : (
          <>
            <StillCheckedIn present={present ?? []} timeZone={timeZone} />
            <ClosingAlso onDuty={onDuty ?? []} sessions={sessions ?? []} activityLabel={activityLabel} />
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
      </LeadGate>
    </div>
  );
}
