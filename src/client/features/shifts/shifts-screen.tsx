import { useMemo } from 'react';
import { centreDay } from '../../../shared/dates';
import { compareByDisplayName } from '../../../shared/shifts';
import { useCentreSettings, useNow } from '../../db/hooks/settings';
import { useOnDuty } from '../../db/hooks/presence';
import { useVolunteers } from '../../db/hooks/volunteers';
import { ActionNotice, useActions } from '../../ui/actions';
import { useDayWriteAccess } from '../../ui/lead-lock';
import { AddVolunteer } from './add-volunteer';
import { EditVolunteers } from './edit-volunteers';
import { useShiftsMessages } from './messages';
import { OnDutyList } from './on-duty-list';
import { useShiftActions } from './use-shift-actions';
import { VolunteerTiles } from './volunteer-tiles';
import './shifts.css';

/** Volunteers sign themselves on and off with one tap on their name; a newcomer adds their name in seconds. */
export function ShiftsScreen() {
  const m = useShiftsMessages();
  const { timeZone } = useCentreSettings();
  const now = useNow();
  const day = centreDay(now, timeZone);
  const volunteers = useVolunteers();
  const onDuty = useOnDuty(day);
  const access = useDayWriteAccess(day);
  const actions = useActions();
  const shiftActions = useShiftActions(m, actions);

  const dutyById = useMemo(() => new Map((onDuty ?? []).map((entry) => [entry.volunteer.id, entry])), [onDuty]);
  // Someone taken off the list on another tablet while on duty keeps a tile until signed off:
  // nobody may count towards the ratio with no way to sign them off.
  const tiles = useMemo(() => {
    const listed = volunteers ?? [];
    const ids = new Set(listed.map((volunteer) => volunteer.id));
    const unlisted = (onDuty ?? []).map((entry) => entry.volunteer).filter((volunteer) => !ids.has(volunteer.id));
    return [...listed, ...unlisted].sort(compareByDisplayName);
  }, [volunteers, onDuty]);
  const readOnly = access === 'read-only';

  return (
    <div className="shifts">
      <h1 className="visually-hidden">{m('title')}</h1>
      <section className="headcount" aria-label={m('onDutyCount')}>
        <p className="count">
          <span className="count-number">{onDuty?.length ?? 0}</span> <span className="count-label">{m('onDutyCount')}</span>
        </p>
      </section>
      <ActionNotice actions={actions} />
      {(access === 'read-only' || access === 'closed-lead') && (
        <p className="day-closed-note">{access === 'read-only' ? m('dayClosed') : m('dayClosedLead')}</p>
      )}
      <VolunteerTiles
        volunteers={tiles}
        onDuty={dutyById}
        timeZone={timeZone}
        readOnly={readOnly}
        loading={volunteers === undefined || onDuty === undefined}
        onTap={(volunteer, duty) => void shiftActions.tap(volunteer, duty)}
      />
      <OnDutyList onDuty={onDuty ?? []} now={now} timeZone={timeZone} />
      <AddVolunteer onAdd={shiftActions.add} />
      <EditVolunteers volunteers={volunteers ?? []} onRename={shiftActions.rename} onRemove={shiftActions.remove} />
    </div>
  );
}
