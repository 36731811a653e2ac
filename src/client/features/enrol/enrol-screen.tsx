import { useState } from 'react';
import type { Enrolment } from '../../db/core/database';
import { requestSync } from '../../sync/runtime';
import { useSyncStatus } from '../../sync/status';
import { CurrentEnrolment } from './current-enrolment';
import { readEnrolLink } from '../../ui/enrol-link';
import { EnrolForm } from './enrol-form';
import { useEnrolMessages } from './messages';
import './enrol.css';

/**
 * Connecting the tablet to its centre's server (address `/enrol`, also opened from a QR code with
 * `?server=...&code=...`). A tablet never enrolled works on its own; once enrolled, the screen
 * shows where it syncs, and a lead can enrol it again, which is what a revoked tablet needs.
 */
export function EnrolScreen() {
  const m = useEnrolMessages();
  const status = useSyncStatus();
  // A link with a code (a lead's QR code, scanned by the camera app) is the lead's say-so: any
  // tablet opened with one gets the form, a volunteer's too, which is how a lead moves a tablet
  // to the other role (sync-protocol.md, Authority: the code decides the role, never the tablet).
  const [reEnrolling, setReEnrolling] = useState(() => readEnrolLink(globalThis.location?.search ?? '').code !== null);
  const [done, setDone] = useState<Enrolment | null>(null);
  const { enrolment } = status;
  const refused = status.state === 'needs-enrolment';
  const showForm = status.ready && (enrolment === null || refused || reEnrolling);

  // The code has done its job (or was turned down): it should not stay in the address bar or the history.
  const forgetLink = () => {
    if (globalThis.location?.search) globalThis.history.replaceState(null, '', globalThis.location.pathname);
  };
  const enrolled = (next: Enrolment) => {
    setDone(next);
    setReEnrolling(false);
    forgetLink();
    requestSync();
  };
  const cancel = () => {
    setReEnrolling(false);
    forgetLink();
  };

  return (
    <div className="enrol">
      <h1>{m('title')}</h1>
      <div className="enrol-done" role="status">
        {done && <p className="notice">{m('enrolled', { centre: done.centre.name, role: done.role === 'lead' ? m('roleLeadWord') : m('roleVolunteerWord') })}</p>}
      </div>
      {status.ready && enrolment === null && <p className="enrol-intro">{m('intro')}</p>}
      {enrolment && <CurrentEnrolment enrolment={enrolment} />}
      {refused && <p className="enrol-refused">{m('refused')}</p>}
      {showForm && <EnrolForm onEnrolled={enrolled} onCancel={reEnrolling ? cancel : undefined} />}
      {!showForm && enrolment?.role === 'lead' && (
        <button type="button" className="button" onClick={() => setReEnrolling(true)}>
          {m('enrolAgain')}
        </button>
      )}
    </div>
  );
}
