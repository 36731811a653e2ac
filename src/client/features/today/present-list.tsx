import { formatCodeForReading } from '../../../shared/codes';
import { localTime } from '../../../shared/dates';
import { useT, type Translate } from '../../i18n/i18n';
import type { PresentChild } from '../../db/presence-hooks';

type PresentListProps = {
  present: readonly PresentChild[];
  now: number;
  timeZone: string;
  onCheckOut: (child: PresentChild) => void;
};

export function formatDuration(ms: number, t: Translate): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return minutes < 60 ? t('minutesShort', { n: minutes }) : t('hoursMinutesShort', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** The children present as big tiles; a tap checks one out (with Undo). */
export function PresentList({ present, now, timeZone, onCheckOut }: PresentListProps) {
  const t = useT();
  return (
    <section aria-labelledby="present-title" className="present">
      <h2 id="present-title">{t('presentTitle')}</h2>
      {present.length === 0 ? (
        <p className="empty">{t('presentEmpty')}</p>
      ) : (
        <ul className="tiles">
          {present.map((entry) => {
            const code = formatCodeForReading(entry.child.code ?? '');
            return (
              <li key={entry.child.id}>
                <button type="button" className="tile" onClick={() => onCheckOut(entry)}>
                  {/* The name a screen reader hears starts with the action and keeps the visible text. */}
                  <span className="visually-hidden">{t('checkOut')} </span>
                  <span className="tile-code">{code}</span>
                  <span className="tile-detail">{entry.child.ageBand}</span>
                  <span className="tile-detail">
                    {t('inSince', { time: localTime(entry.since, timeZone) })} · {formatDuration(now - entry.since, t)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
