import type { ComponentType, ReactNode } from 'react';
import { centreDay, localTime } from '../../../shared/dates';
import { useCentreSettings, useNow } from '../../db/hooks/settings';
import { useI18n } from '../../i18n/i18n';
import { formatDayMonth, formatWhile } from '../../ui/format-day';
import { useSyncStatus, type SyncState } from '../../sync/status';
import { useSyncStatusMessages, type SyncStatusMessages } from './messages';
import { RefusedChanges } from './refused-changes';
import './sync-status.css';

/** The app's in-place link; a plain link (a full page load) when none is given. */
export type LinkComponent = ComponentType<{ to: string; className?: string; children: ReactNode }>;

function PlainLink({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  return (
    <a href={to} className={className}>
      {children}
    </a>
  );
}

export const ENROL_PATH = '/enrol';

/** Each state's words and a mark. The mark is decoration: the words carry the meaning. */
const STATES: Record<SyncState, { text: Parameters<SyncStatusMessages>[0]; mark: string; tone: 'calm' | 'busy' | 'warn' }> = {
  'local-only': { text: 'localOnly', mark: '○', tone: 'calm' },
  synced: { text: 'synced', mark: '✓', tone: 'calm' },
  syncing: { text: 'syncing', mark: '↻', tone: 'busy' },
  offline: { text: 'offline', mark: '○', tone: 'busy' },
  error: { text: 'error', mark: '!', tone: 'warn' },
  'needs-enrolment': { text: 'needsEnrolment', mark: '!', tone: 'warn' },
  'needs-update': { text: 'needsUpdate', mark: '!', tone: 'warn' },
};

/**
 * Sync at a glance, on every screen (product.md): online or not, changes waiting, the last
 * successful sync, what to do when the server refuses the tablet, storage trouble, and the
 * changes the server refused with their reasons.
 */
export function SyncStatusBar({ link: Link = PlainLink }: { link?: LinkComponent }) {
  const m = useSyncStatusMessages();
  const status = useSyncStatus();
  const shown = STATES[status.state];
  const enrolled = status.enrolment !== null;
  return (
    <section className="sync-status" aria-label={m('label')}>
      {/* The live region is always there, so a screen reader hears each change of state. */}
      <p className={`sync-state ${shown.tone}`} role="status">
        {status.ready && (
          <>
            <span className="sync-mark" aria-hidden="true">
              {shown.mark}
            </span>
            {m(shown.text)}
          </>
        )}
      </p>
      {status.ready && status.state === 'local-only' && (
        <Link to={ENROL_PATH} className="sync-link">
          {m('connect')}
        </Link>
      )}
      {status.state === 'needs-enrolment' && (
        <Link to={ENROL_PATH} className="sync-link">
          {m('enrolAgain')}
        </Link>
      )}
      {enrolled && (
        <span className="sync-fact">{status.waiting === 0 ? m('allSent') : m('waitingMany', { n: status.waiting })}</span>
      )}
      {enrolled && <LastSync at={status.lastSyncedAt} />}
      {status.waitingTooLong && status.oldestWaitingAt !== null && <WaitingTooLong since={status.oldestWaitingAt} />}
      {/* After the state it follows: a warning drawn first would be pushed along the row by it. */}
      {status.ready && status.storage.persisted === false && <SyncNote summary={m('storageRefusedShort')} detail={m('storageRefused')} />}
      {status.ready && status.storage.short && <SyncNote summary={m('storageShortShort')} detail={m('storageShort')} />}
      {/* The server sent changes for tables this version does not know: they are kept until the update. */}
      {status.ready && status.updateWaiting && <SyncNote summary={m('updateWaitingShort')} detail={m('updateWaiting')} />}
      {/* A server of another version refused changes made here: they are kept, and sent again after its update. */}
      {status.ready && status.serverUpdateWaiting && <SyncNote summary={m('serverUpdateWaitingShort')} detail={m('serverUpdateWaiting')} />}
      <RefusedChanges rejections={status.rejections} total={status.rejectionCount} />
    </section>
  );
}

/**
 * A warning as a short pill that opens to its sentence: the status row is one line tall, so it
 * never grows (and pushes the screen down) when a warning arrives after the first frame.
 */
function SyncNote({ summary, detail, urgent = false }: { summary: string; detail: string; urgent?: boolean }) {
  return (
    <details className={urgent ? 'sync-note urgent' : 'sync-note'}>
      <summary>{summary}</summary>
      <p className="sync-popover">{detail}</p>
    </details>
  );
}

/**
 * The oldest change has waited too long (sync/status.ts): how long, and what a volunteer can do
 * about it, in words (the pill's colour only repeats them). Minutes, then hours, then days.
 */
function WaitingTooLong({ since }: { since: number }) {
  const m = useSyncStatusMessages();
  const { language } = useI18n();
  const minutes = Math.max(0, Math.floor((useNow() - since) / 60_000));
  const [unit, count] = minutes < 120 ? (['minute', minutes] as const) : minutes < 48 * 60 ? (['hour', Math.floor(minutes / 60)] as const) : (['day', Math.floor(minutes / 1440)] as const);
  const age = formatWhile(count, unit, language);
  return <SyncNote summary={m('waitingTooLongShort', { age })} detail={m('waitingTooLong', { age })} urgent />;
}

/** "Last sync 14:05" on the centre's clock, with the date when it was not today. */
function LastSync({ at }: { at: number | null }) {
  const m = useSyncStatusMessages();
  const { language } = useI18n();
  const { timeZone } = useCentreSettings();
  const now = useNow();
  if (at === null) return <span className="sync-fact">{m('neverSynced')}</span>;
  const time = localTime(at, timeZone);
  if (centreDay(at, timeZone) === centreDay(now, timeZone)) return <span className="sync-fact">{m('lastSync', { time })}</span>;
  const day = formatDayMonth(centreDay(at, timeZone), language);
  return <span className="sync-fact">{m('lastSyncDay', { day, time })}</span>;
}
