import type { Language } from '../i18n/i18n';
import { fallbackNames, formatLocale } from '../i18n/locale';

const noon = (day: string) => new Date(`${day}T12:00:00Z`);

/**
 * "Monday 23 November" (day first in English too) for a centre day. A day is a date, not an instant: it is formatted in UTC
 * so the tablet's own zone can never shift it to the day before. Sorani, which the browser's Intl
 * lacks, gets its own names, written as CLDR writes them: "دووشەممە، 23ی تشرینی دووەم".
 */
export function formatDay(day: string, language: Language): string {
  const kurdish = fallbackNames(language);
  if (kurdish) return `${kurdish.weekdays[noon(day).getUTCDay()]}، ${formatDayMonth(day, language)}`;
  return new Intl.DateTimeFormat(formatLocale(language), { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(noon(day));
}

/** "Mon 23 Nov": a day in a table row or under a chart's bar. */
export function formatShortDay(day: string, language: Language): string {
  if (fallbackNames(language)) return formatDay(day, language);
  return new Intl.DateTimeFormat(formatLocale(language), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(noon(day));
}

/** "23 Nov", "23 nov.", "23ی تشرینی دووەم": a day of this year, beside a time. */
export function formatDayMonth(day: string, language: Language): string {
  const kurdish = fallbackNames(language);
  const date = noon(day);
  if (kurdish) return `${date.getUTCDate()}ی ${kurdish.months[date.getUTCMonth()]}`;
  return new Intl.DateTimeFormat(formatLocale(language), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}

/** "5 minutes", "2 heures", "3 أيام": a while, in the tablet's language. */
export function formatWhile(count: number, unit: 'minute' | 'hour' | 'day', language: Language): string {
  const kurdish = fallbackNames(language);
  // A noun after a number stays singular in Kurdish.
  if (kurdish) return `${count} ${kurdish.units[unit]}`;
  return new Intl.NumberFormat(formatLocale(language), { style: 'unit', unit, unitDisplay: 'long' }).format(count);
}
