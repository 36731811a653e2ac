import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { timeFromNow } from '../../../shared/time-in-words';
import type { Device } from '../../../shared/schema';
import { useNow } from '../../db/hooks/settings';
import { useI18n } from '../../i18n/i18n';
import type { LeadApi, LeadProblem } from './lead-api';
import type { LinkComponent } from '../../ui/plain-link';
import { LeadProblemMessage } from './lead-problem';
import { useTabletsMessages } from './messages';
import { RevokeTablet } from './revoke-tablet';

type TabletListProps = {
  api: LeadApi;
  /** This tablet's own id on the server: marked, and never offered for revoking. */
  ownDeviceId: string;
  /** Changes when the list may have changed elsewhere (a code was closed): read it again. */
  reloadKey: number;
  link: LinkComponent;
  onRevoked: (name: string) => void;
};

type ListState = { status: 'reading' } | { status: 'read'; tablets: Device[] } | { status: 'failed'; problem: LeadProblem };

/** This tablet first, then the others by when they were last seen, the revoked ones last. */
export function inListOrder(tablets: readonly Device[], ownDeviceId: string): Device[] {
  const rank = (tablet: Device) => (tablet.id === ownDeviceId ? 0 : tablet.revoked ? 2 : 1);
  return [...tablets].sort((a, b) => rank(a) - rank(b) || (b.lastSeenAt ?? -1) - (a.lastSeenAt ?? -1) || a.name.localeCompare(b.name));
}

/**
 * The centre's tablets as the server lists them, read each time the screen opens: nothing is
 * kept on the tablet, so an old list can never pass for the server's.
 */
export function TabletList({ api, ownDeviceId, reloadKey, link, onRevoked }: TabletListProps) {
  const m = useTabletsMessages();
  const titleId = useId();
  const [state, setState] = useState<ListState>({ status: 'reading' });
  const [readings, setReadings] = useState(0);
  const latest = useRef(0);
  const now = useNow(30_000);

  const read = useCallback(async () => {
    // Only the last request's answer counts: an earlier, slower one must not overwrite it.
    const request = ++latest.current;
    const answer = await api.listTablets();
    if (request !== latest.current) return;
    setState(answer.ok ? { status: 'read', tablets: answer.value } : { status: 'failed', problem: answer.problem });
  }, [api]);

  useEffect(() => {
    void read();
    // A request still out when the list goes away is answered to nobody.
    return () => {
      latest.current += 1;
    };
  }, [read, reloadKey, readings]);

  const readAgain = () => {
    setState({ status: 'reading' });
    setReadings((n) => n + 1);
  };

  const revoke = async (tablet: Device): Promise<LeadProblem | null> => {
    const answer = await api.revokeTablet(tablet.id);
    if (!answer.ok) {
      // Revoked or forgotten elsewhere meanwhile: the list as the server has it now says so.
      if (answer.problem === 'no-such-tablet') void read();
      return answer.problem;
    }
    setState((current) => (current.status === 'read' ? { status: 'read', tablets: current.tablets.map((t) => (t.id === tablet.id ? { ...t, revoked: true } : t)) } : current));
    onRevoked(tablet.name);
    void read();
    return null;
  };

  return (
    <section className="panel tablet-list" aria-labelledby={titleId} aria-busy={state.status === 'reading'}>
      <h2 id={titleId}>{m('listTitle')}</h2>
      {state.status === 'reading' && <p className="hint">{m('reading')}</p>}
      {state.status === 'failed' && <LeadProblemMessage problem={state.problem} link={link} onRetry={readAgain} />}
      {state.status === 'read' &&
        (state.tablets.length === 0 ? (
          <p>{m('noTablets')}</p>
        ) : (
          <ul className="tablets">
            {inListOrder(state.tablets, ownDeviceId).map((tablet) => (
              <TabletRow key={tablet.id} tablet={tablet} own={tablet.id === ownDeviceId} now={now} link={link} onRevoke={() => revoke(tablet)} />
            ))}
          </ul>
        ))}
      {state.status === 'read' && (
        <div className="actions">
          <button type="button" className="button" onClick={readAgain}>
            {m('readAgain')}
          </button>
        </div>
      )}
    </section>
  );
}

type TabletRowProps = { tablet: Device; own: boolean; now: number; link: LinkComponent; onRevoke: () => Promise<LeadProblem | null> };

function TabletRow({ tablet, own, now, link, onRevoke }: TabletRowProps) {
  const m = useTabletsMessages();
  const { language } = useI18n();
  // The server's clock stamped it: a tablet whose clock runs behind must not read "in 2 minutes".
  const seen = tablet.lastSeenAt === null ? m('neverSeen') : m('lastSeen', { when: timeFromNow(Math.min(tablet.lastSeenAt, now), now, language) });
  return (
    <li className={`tablet${tablet.revoked ? ' revoked' : ''}`}>
      <div className="tablet-facts">
        <h3 className="tablet-name">{tablet.name}</h3>
        <p className="tablet-tags">
          <span className="tablet-tag">{tablet.role === 'lead' ? m('roleLeadTablet') : m('roleVolunteerTablet')}</span>
          {own && <span className="tablet-tag own">{m('thisTablet')}</span>}
          {tablet.revoked && <span className="tablet-tag revoked">{m('revoked')}</span>}
        </p>
        <p className="tablet-seen">{seen}</p>
        {tablet.revoked && <p className="hint">{m('revokedHint')}</p>}
      </div>
      {!own && !tablet.revoked && <RevokeTablet name={tablet.name} onRevoke={onRevoke} link={link} />}
    </li>
  );
}
