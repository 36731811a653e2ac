import { useId } from 'react';
import { localTime } from '../../../shared/dates';
import type { Stored } from '../../db/core/database';
import type { OnDutyVolunteer } from '../../db/repositories/presence';
import { useShiftsMessages } from './messages';

type VolunteerTilesProps = {
  volunteers: readonly Stored<'volunteers'>[];
  onDuty: ReadonlyMap<string, OnDutyVolunteer>;
  timeZone: string;
  /** A closed day on a volunteer's tablet: the tiles show who is on duty but do nothing. */
  readOnly: boolean;
  /** The list is still being read: say nothing rather than "no volunteers yet". */
  loading: boolean;
  onTap: (volunteer: Stored<'volunteers'>, duty: OnDutyVolunteer | undefined) => void;
};

/** One big tile per volunteer: a tap signs them on, or off when they are on duty. */
export function VolunteerTiles({ volunteers, onDuty, timeZone, readOnly, loading, onTap }: VolunteerTilesProps) {
  const m = useShiftsMessages();
  const titleId = useId();
  return (
    <section className="volunteer-tiles" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('tapYourName')}</h2>
      {volunteers.length === 0 ? (
        !loading && <p className="empty">{m('noVolunteers')}</p>
      ) : (
        <>
          <p className="hint">
            {m('tapYourNameHint')}
          </p>
          <ul className="tiles">
            {volunteers.map((volunteer) => {
              const duty = onDuty.get(volunteer.id);
              return (
                <li key={volunteer.id}>
                  <button
                    type="button"
                    className={duty ? 'tile duty-tile on-duty' : 'tile duty-tile'}
                    disabled={readOnly}
                    onClick={() => onTap(volunteer, duty)}
                  >
                    {/* The name a screen reader hears starts with what the tap does and keeps the visible text. */}
                    <span className="visually-hidden">{duty ? m('signOff') : m('signOn')}</span>{' '}
                    <span className="volunteer-name" dir="auto">
                      {volunteer.displayName}
                    </span>{' '}
                    <span className="tile-detail duty-state">{duty ? m('onDutySince', { time: localTime(duty.since, timeZone) }) : m('offDuty')}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
