import type { Language } from './i18n';
import type { KurdishCalendar } from './ckb-calendar';

const BASE: Record<Language, string> = { en: 'en-GB', fr: 'fr', ar: 'ar', ckb: 'ckb', fa: 'fa' };

/**
 * The locale dates and numbers are written in for the tablet's language: day first in English,
 * as people in France write dates (en-GB, never the US order), French as French; always Latin
 * digits and the Gregorian calendar, so codes, counts and times read the same on every tablet
 * (Persian would otherwise write its own digits and the Solar Hijri calendar).
 */
export function formatLocale(language: Language): string {
  return `${BASE[language]}-u-ca-gregory-nu-latn`;
}

/**
 * Whether the browser has dates and names for the language. Chromium's ICU data has Arabic and
 * Persian but not Sorani: Intl quietly answers in American English for `ckb`. Plural rules it does
 * have for all five.
 */
export function intlSpeaks(language: Language): boolean {
  let speaks = speaking.get(language);
  if (speaks === undefined) speaking.set(language, (speaks = Intl.DateTimeFormat.supportedLocalesOf([BASE[language]]).length > 0));
  return speaks;
}
const speaking = new Map<Language, boolean>();

let kurdish: KurdishCalendar | null = null;

/**
 * What Intl lacks for a language, fetched before the language is shown: Sorani's month, weekday
 * and language names (a small chunk, only for a Sorani tablet whose browser has none).
 */
export async function loadLocaleData(language: Language): Promise<void> {
  if (language !== 'ckb' || kurdish || intlSpeaks(language)) return;
  kurdish = (await import('./ckb-calendar')).KURDISH;
}

/** Sorani's own names where the browser has none; null for every other language, or before loading. */
export function fallbackNames(language: Language): KurdishCalendar | null {
  return language === 'ckb' && !intlSpeaks(language) ? kurdish : null;
}
