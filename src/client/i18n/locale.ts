import type { Language } from './i18n';

/**
 * The locale dates and numbers are written in for the tablet's language: day first in English,
 * as people in France write dates (en-GB, never the US order), French as French; always Latin
 * digits and the Gregorian calendar, so codes, counts and times read the same on every tablet.
 */
export function formatLocale(language: Language): string {
  const base = language === 'en' ? 'en-GB' : language;
  return `${base}-u-ca-gregory-nu-latn`;
}
