import { memo } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import { localTime } from '../../../shared/dates';
import type { PresentChild } from '../../db/repositories/presence';
import { useTodayMessages, type TodayMessages } from './messages';

type PresentListProps = {
  present: readonly PresentChild[];
  now: number;
  timeZone: string;
  /** A closed day is read-only for a volunteer: the tiles show, but do nothing. */
  disabled?: boolean;
  /** Must be stable (the same function across renders), or every tile redraws on every change. */
  onCheckOut: (child: PresentChild) => void;
};

export function formatDuration(ms: number, t: TodayMessages): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return minutes < 60 ? t('minutesShort', { n: minutes }) : t('hoursMinutesShort', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** The children present as big tiles; a tap checks one out (with Undo). */
export function PresentList({ present, now, timeZone, disabled = false, onCheckOut }: PresentListProps) {
  const t = useTodayMessages();
  return (
    <section aria-labelledby="present-title" className="present">
      <h2 id="present-title">{t('presentTitle')}</h2>
      {present.length === 0 ? (
        <p className="empty">{t('presentEmpty')}</p>
      ) : (
        <ul className="tiles">
          {present.map((entry) => (
            <li key={entry.child.id}>
              <PresentTile
                entry={entry}
                minutesIn={Math.floor((now - entry.since) / 60_000)}
                timeZone={timeZone}
                disabled={disabled}
                onCheckOut={onCheckOut}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type PresentTileProps = {
  entry: PresentChild;
  minutesIn: number;
  timeZone: string;
  disabled: boolean;
  onCheckOut: (child: PresentChild) => void;
};

/**
 * One tile. Memoised on what it shows, because every check-in re-reads the list as new objects:
 * with 80 children in, redrawing them all costs a cheap tablet tens of milliseconds per tap.
 */
const PresentTile = memo(
  function PresentTile({ entry, minutesIn, timeZone, disabled, onCheckOut }: PresentTileProps) {
    const t = useTodayMessages();
    const code = formatCodeForReading(entry.child.code ?? '');
    return (
      <button type="button" className="tile" disabled={disabled} onClick={() => onCheckOut(entry)}>
        {/* The name a screen reader hears starts with the action and keeps the visible text. */}
        <span className="visually-hidden">{t('checkOut')} </span>
        <span className="tile-code">{code}</span>
        <span className="tile-detail">{entry.child.ageBand}</span>
        <span className="tile-detail">
          {t('inSince', { time: localTime(entry.since, timeZone) })} · {formatDuration(minutesIn * 60_000, t)}
        </span>
      </button>
    );
  },
  (before, after) =>
    before.entry.child.id === after.entry.child.id &&
    before.entry.child.code === after.entry.child.code &&
    before.entry.child.ageBand === after.entry.child.ageBand &&
    before.entry.since === after.entry.since &&
    before.minutesIn === after.minutesIn &&
    before.timeZone === after.timeZone &&
    before.disabled === after.disabled &&
    before.onCheckOut === after.onCheckOut,
);
