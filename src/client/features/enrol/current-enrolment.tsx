import { useId } from 'react';
import type { Enrolment } from '../../db/core/database';
import { useEnrolMessages } from './messages';

/** Which centre and server this tablet syncs with, and as what. */
export function CurrentEnrolment({ enrolment }: { enrolment: Enrolment }) {
  const m = useEnrolMessages();
  const titleId = useId();
  return (
    <section className="panel current-enrolment" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('currentTitle')}</h2>
      <dl className="enrolment-facts">
        <div>
          <dt>{m('centre')}</dt>
          <dd>{enrolment.centre.name}</dd>
        </div>
        <div>
          <dt>{m('role')}</dt>
          <dd>{enrolment.role === 'lead' ? m('roleLead') : m('roleVolunteer')}</dd>
        </div>
        <div>
          <dt>{m('server')}</dt>
          <dd className="enrolment-server">{enrolment.serverUrl}</dd>
        </div>
      </dl>
    </section>
  );
}
