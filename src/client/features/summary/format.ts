import type { useSummaryMessages } from './messages';

type Messages = ReturnType<typeof useSummaryMessages>;

/** "45 min" or "3 h 20 min": minutes as a person reads them; a dash for no figure. */
export function formatMinutes(m: Messages, minutes: number | null): string {
  if (minutes === null) return m('none');
  if (minutes < 60) return m('minutes', { n: minutes });
  return m('hoursMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** Hours with one decimal, for a table column. */
export function formatHours(minutes: number): string {
  return (Math.round((minutes / 60) * 10) / 10).toString();
}
