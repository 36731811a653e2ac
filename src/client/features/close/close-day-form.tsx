import { useId, useState, type FormEvent } from 'react';
import { atLocalTime } from '../../../shared/dates';
import type { Stored } from '../../db/core/database';
import { DAY_CLOSE_NOTES_MAX, type CheckOutTimeProblem } from '../../db/repositories/day-close';
import { ChoiceGroup } from '../../ui/choice-group';
import { TextCount } from '../../ui/text-count';
import { useCloseMessages, type CloseMessages } from './messages';

export type CloseRequest = { checkOutAt: number; closedBy: string; notes: string };

type CloseDayFormProps = {
  day: string;
  isToday: boolean;
  /** 'HH:mm': now for today, the closing time for an earlier day. */
  defaultTime: string;
  timeZone: string;
  volunteers: readonly Stored<'volunteers'>[];
  /** Closes the day; resolves to a problem with the time to show at its field, or null. */
  onClose: (request: CloseRequest) => Promise<CheckOutTimeProblem | null>;
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function timeMessage(problem: CheckOutTimeProblem, m: CloseMessages): string {
  switch (problem) {
    case 'not-a-time':
      return m('timeEmpty');
    case 'other-day':
      return m('timeOtherDay');
    case 'future':
      return m('timeFuture');
    case 'before-check-in':
      return m('timeBeforeCheckIn');
    case 'before-sign-on':
      return m('timeBeforeSignOn');
  }
}

/**
 * The instant a typed minute names. The minute we are in means now: a child who came in at 17:30:20
 * is then checked out after their check-in, not refused until 17:31 (which would be in the future).
 */
export function checkOutInstant(day: string, time: string, timeZone: string, now: number): number {
  const minute = atLocalTime(day, time, timeZone);
  return now >= minute && now < minute + 60_000 ? now : minute;
}

/** The lead's sign-off: one time for every child still in, who signs, notes, one big button. */
export function CloseDayForm({ day, isToday, defaultTime, timeZone, volunteers, onClose }: CloseDayFormProps) {
  const m = useCloseMessages();
  const ids = { title: useId(), time: useId(), notes: useId() };
  const [time, setTime] = useState(defaultTime);
  const [closedBy, setClosedBy] = useState<string | null>(null);
  const [notes, setNotes] = useState('');
  const [timeProblem, setTimeProblem] = useState<CheckOutTimeProblem | null>(null);
  const [signOffMissing, setSignOffMissing] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const badTime = HHMM.test(time) ? null : 'not-a-time';
    setTimeProblem(badTime);
    setSignOffMissing(closedBy === null);
    if (badTime || closedBy === null || busy) return;
    setBusy(true);
    try {
      setTimeProblem(await onClose({ checkOutAt: checkOutInstant(day, time, timeZone, Date.now()), closedBy, notes }));
    } finally {
      setBusy(false);
    }
  };

  const timeError = timeProblem ? timeMessage(timeProblem, m) : null;
  return (
    <form className="panel close-day-form" aria-labelledby={ids.title} onSubmit={(event) => void submit(event)} noValidate>
      <h2 id={ids.title}>{m('signOffTitle')}</h2>
      <div className="field">
        <label htmlFor={ids.time}>{m('checkOutAt')}</label>
        <p id={`${ids.time}-hint`} className="hint">
          {isToday ? m('checkOutAtHintToday') : m('checkOutAtHintEarlier')}
        </p>
        <input
          id={ids.time}
          type="time"
          className="time-input"
          value={time}
          onChange={(event) => {
            setTime(event.target.value);
            setTimeProblem(null);
          }}
          required
          aria-invalid={timeError ? true : undefined}
          aria-describedby={timeError ? `${ids.time}-hint ${ids.time}-error` : `${ids.time}-hint`}
        />
        {timeError && (
          <p id={`${ids.time}-error`} className="field-error">
            {timeError}
          </p>
        )}
      </div>
      {volunteers.length === 0 ? (
        <p className="field-error">{m('signOffNone')}</p>
      ) : (
        <ChoiceGroup
          legend={m('signOffLegend')}
          choices={volunteers.map((volunteer) => ({ value: volunteer.id, label: volunteer.displayName ?? '' }))}
          value={closedBy}
          onChange={(id) => {
            setClosedBy(id);
            setSignOffMissing(false);
          }}
          error={signOffMissing ? m('chooseSignOff') : undefined}
        />
      )}
      <div className="field">
        <label htmlFor={ids.notes}>{m('notesLabel')}</label>
        <p id={`${ids.notes}-hint`} className="hint">
          {m('notesHint')}
        </p>
        <textarea
          id={ids.notes}
          className="notes-input"
          dir="auto"
          value={notes}
          onChange={(event) => setNotes(event.target.value)}
          maxLength={DAY_CLOSE_NOTES_MAX}
          rows={3}
          aria-describedby={`${ids.notes}-hint ${ids.notes}-count`}
        />
        <TextCount id={`${ids.notes}-count`} length={notes.length} max={DAY_CLOSE_NOTES_MAX} />
      </div>
      <div className="actions">
        <button type="submit" className="button primary close-button" disabled={busy || volunteers.length === 0}>
          {m('closeButton')}
        </button>
      </div>
    </form>
  );
}
