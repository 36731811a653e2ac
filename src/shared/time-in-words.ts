import { formatDistance } from 'date-fns/formatDistance';
import { enGB } from 'date-fns/locale/en-GB';
import { fr } from 'date-fns/locale/fr';

/**
 * Durations said in words, beside dates.ts rather than in it: dates.ts is in the first load (Today
 * needs it), and a module goes whole into one chunk, so date-fns's phrases in two languages would
 * ride along on every tablet's first load for screens a lead opens now and then.
 */

const LOCALES = { en: enGB, fr } as const;

/**
 * How far `at` is from `now`, in words and in the tablet's language, rounded as people say it:
 * "2 hours ago", "in 7 days", "il y a environ 2 heures" (date-fns formatDistance). For a
 * tablet's last sighting or a code's expiry, not for a record's time, which has its own day.
 */
export function timeFromNow(at: number, now: number, language: keyof typeof LOCALES): string {
  return formatDistance(at, now, { addSuffix: true, locale: LOCALES[language] });
}
