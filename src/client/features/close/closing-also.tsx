import { useId } from 'react';
import type { OnDutyVolunteer } from '../../db/repositories/presence';
import type { SessionView } from '../../db/repositories/sessions';
import { useCloseMessages } from './messages';

type ClosingAlsoProps = {
  onDuty: readonly OnDutyVolunteer[];
  sessions: readonly SessionView[];
  activityLabel: (id: string | undefined) => string;
};

/** What closing does besides checking the children out: said before the lead taps, not after. */
export function ClosingAlso({ onDuty, sessions, activityLabel }: ClosingAlsoProps) {
  const m = useCloseMessages();
  const titleId = useId();
  const running = sessions.filter((entry) => entry.state === 'running');
  if (onDuty.length === 0 && running.length === 0) return null;
  return (
    <section className="panel closing-also" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('alsoTitle')}</h2>
      <ul>
        {onDuty.length > 0 && <li>{m('alsoSignsOff', { names: onDuty.map((entry) => entry.volunteer.displayName ?? '').join(', ') })}</li>}
        {running.length > 0 && <li>{m('alsoEnds', { activities: running.map((entry) => activityLabel(entry.session.activity)).join(', ') })}</li>}
      </ul>
    </section>
  );
}
