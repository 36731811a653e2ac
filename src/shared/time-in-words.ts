import { formatDistance } from 'date-fns/formatDistance';
import { ar } from 'date-fns/locale/ar';
import { enGB } from 'date-fns/locale/en-GB';
import { faIR } from 'date-fns/locale/fa-IR';
import { fr } from 'date-fns/locale/fr';
import type { FormatDistanceFn, FormatDistanceToken } from 'date-fns';

/**
 * Durations said in words, beside dates.ts rather than in it: dates.ts is in the first load (Today
 * needs it), and a module goes whole into one chunk, so date-fns's phrases in several languages
 * would ride along on every tablet's first load for screens a lead opens now and then.
 */

/**
 * date-fns has no Sorani, so its phrases are ours, on date-fns's rounding: a noun after a number
 * stays singular in Kurdish ("2 کاتژمێر"), "لەمەوبەر" follows what is past, "دوای" leads what is
 * to come.
 */
const SORANI: Record<FormatDistanceToken, string> = {
  lessThanXSeconds: 'کەمتر لە {n} چرکە',
  xSeconds: '{n} چرکە',
  halfAMinute: 'نیو خولەک',
  lessThanXMinutes: 'کەمتر لە {n} خولەک',
  xMinutes: '{n} خولەک',
  aboutXHours: 'نزیکەی {n} کاتژمێر',
  xHours: '{n} کاتژمێر',
  xDays: '{n} ڕۆژ',
  aboutXWeeks: 'نزیکەی {n} هەفتە',
  xWeeks: '{n} هەفتە',
  aboutXMonths: 'نزیکەی {n} مانگ',
  xMonths: '{n} مانگ',
  aboutXYears: 'نزیکەی {n} ساڵ',
  xYears: '{n} ساڵ',
  overXYears: 'زیاتر لە {n} ساڵ',
  almostXYears: 'نزیکەی {n} ساڵ',
};
const soraniDistance: FormatDistanceFn = (token, count, options) => {
  const words = SORANI[token].replace('{n}', String(count));
  if (!options?.addSuffix) return words;
  return options.comparison !== undefined && options.comparison > 0 ? `دوای ${words}` : `${words} لەمەوبەر`;
};

const LOCALES = { en: enGB, fr, ar, fa: faIR, ckb: { formatDistance: soraniDistance } } as const;

/**
 * How far `at` is from `now`, in words and in the tablet's language, rounded as people say it:
 * "2 hours ago", "in 7 days", "il y a environ 2 heures" (date-fns formatDistance). For a
 * tablet's last sighting or a code's expiry, not for a record's time, which has its own day.
 */
export function timeFromNow(at: number, now: number, language: keyof typeof LOCALES): string {
  return formatDistance(at, now, { addSuffix: true, locale: LOCALES[language] });
}
