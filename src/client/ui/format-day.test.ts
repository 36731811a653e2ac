import { describe, expect, it } from 'vitest';
import { formatLocale } from '../i18n/locale';
import { formatDay, formatShortDay } from './format-day';

/** Dates as people in France write them, whatever the tablet's language: day first, Latin digits. */
describe('days on screen', () => {
  it.each([
    ['en', '2026-11-23', 'Monday 23 November', 'Mon 23 Nov'],
    ['en', '2026-12-01', 'Tuesday 1 December', 'Tue 1 Dec'],
    ['fr', '2026-11-23', 'lundi 23 novembre', 'lun. 23 nov.'],
    ['fr', '2027-01-01', 'vendredi 1 janvier', 'ven. 1 janv.'],
  ] as const)('%s %s: %s, %s', (language, day, long, short) => {
    expect(formatDay(day, language)).toBe(long);
    expect(formatShortDay(day, language)).toBe(short);
  });

  it('keeps Latin digits and the Gregorian calendar in the locale it formats with', () => {
    expect(formatLocale('en')).toBe('en-GB-u-ca-gregory-nu-latn');
    expect(formatLocale('fr')).toBe('fr-u-ca-gregory-nu-latn');
    expect((3000).toLocaleString(formatLocale('en'))).toBe('3,000');
  });
});
