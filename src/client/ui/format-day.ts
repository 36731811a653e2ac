import type { Language } from '../i18n/i18n';
import { formatLocale } from '../i18n/locale';

/**
 * "Monday 23 November" (day first in English too) for a centre day. A day is a date, not an instant: it is formatted in UTC
 * so the tablet's own zone can never shift it to the day before.
 */
export function formatDay(day: string, language: Language): string {
  return new Intl.DateTimeFormat(formatLocale(language), { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** "Mon 23 Nov": a day in a table row or under a chart's bar. */
export function formatShortDay(day: string, language: Language): string {
  return new Intl.DateTimeFormat(formatLocale(language), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}
