import { useMemo, useState } from 'react';
import type { Enrolment } from '../../db/core/database';
import { useDeviceRole } from '../../db/hooks/access';
import { useEnrolment } from '../../db/hooks/enrolment';
import { useCentreSettings } from '../../db/hooks/settings';
import { requestSync } from '../../sync/runtime';
import { ActionNotice, useActions } from '../../ui/actions';
import { ENROL_PATH } from '../../ui/enrol-link';
import { LeadGate } from '../../ui/lead-gate';
import { AddTablet } from './add-tablet';
import { leadApi, type LeadAnswer, type LeadApi } from './lead-api';
import { PlainLink, type LinkComponent } from '../../ui/plain-link';
import { useTabletsMessages } from './messages';
import { TabletList } from './tablet-list';
import { useBrowserOnline } from './use-online';
import './tablets.css';

/**
 * /tablets (lead): add a tablet with a code it scans, see the centre's tablets, revoke a lost
 * one. The one screen that needs the server: offline it says so, and shows nothing it has not
 * just read from the server.
 */
export function TabletsScreen({ link = PlainLink }: { link?: LinkComponent }) {
  const m = useTabletsMessages();
  const role = useDeviceRole();
  const enrolment = useEnrolment();
  const Link = link;

  // Until the role and the enrolment are read, nothing: neither a lead's forms nor a volunteer's note.
  if (role === undefined || enrolment === undefined) return null;
  return (
    <div className="tablets-screen">
      <h1>{m('title')}</h1>
      {role !== 'lead' ? (
        <p className="lead-only">{m('leadOnly')}</p>
      ) : enrolment === null ? (
        <>
          <p>{m('notEnrolled')}</p>
          <Link to={ENROL_PATH} className="button primary">
            {m('connect')}
          </Link>
        </>
      ) : (
        <LeadGate>
          <ServerTablets enrolment={enrolment} link={link} />
        </LeadGate>
      )}
    </div>
  );
}

/**
 * A refusal of this tablet's token is the sync's business too: a sync now meets the same 401
 * and the whole app, not only this screen, asks for a new enrolment (its changes kept).
 */
function syncOnRefusal(api: LeadApi): LeadApi {
  const watch = <A extends LeadAnswer<unknown>>(answer: A): A => {
    const said: LeadAnswer<unknown> = answer;
    if (!said.ok && said.problem === 'not-accepted') requestSync();
    return answer;
  };
  return {
    mintCode: async (request) => watch(await api.mintCode(request)),
    listTablets: async () => watch(await api.listTablets()),
    revokeTablet: async (id) => watch(await api.revokeTablet(id)),
  };
}

function ServerTablets({ enrolment, link }: { enrolment: Enrolment; link: LinkComponent }) {
  const m = useTabletsMessages();
  const online = useBrowserOnline();
  const { timeZone } = useCentreSettings();
  const actions = useActions();
  const [reloadKey, setReloadKey] = useState(0);
  const { serverUrl, token, deviceId } = enrolment;
  const api = useMemo(() => syncOnRefusal(leadApi({ serverUrl, token })), [serverUrl, token]);

  return (
    <>
      <ActionNotice actions={actions} />
      {!online && (
        <p className="tablets-offline" role="status">
          {m('offline')}
        </p>
      )}
      <AddTablet api={api} online={online} serverUrl={serverUrl} timeZone={timeZone} link={link} onCodeClosed={() => setReloadKey((n) => n + 1)} />
      {/* Read again each time the tablet comes back online: what it showed before may be stale. */}
      {online && <TabletList api={api} ownDeviceId={deviceId} reloadKey={reloadKey} link={link} onRevoked={(name) => actions.say({ text: m('revokedNotice', { name }) })} />}
    </>
  );
}
