import type { ShiftsMessages } from './messages';

/** "45 min" or "2 h 5 min": how long someone has been on duty, read at a glance. */
export function formatDuration(ms: number, m: ShiftsMessages): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return minutes < 60 ? m('minutes', { n: minutes }) : m('hoursMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 });
}
