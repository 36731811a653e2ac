import { describe, expect, it, vi } from 'vitest';
import { formatLocale, intlSpeaks, loadLocaleData } from '../i18n/locale';
import { formatDay, formatDayMonth, formatShortDay, formatWhile } from './format-day';

/** Dates as people in France write them, whatever the tablet's language: day first, Latin digits. */
describe('days on screen', () => {
  it.each([
    ['en', '2026-11-23', 'Monday 23 November', 'Mon 23 Nov'],
    ['en', '2026-12-01', 'Tuesday 1 December', 'Tue 1 Dec'],
    ['fr', '2026-11-23', 'lundi 23 novembre', 'lun. 23 nov.'],
    ['fr', '2027-01-01', 'vendredi 1 janvier', 'ven. 1 janv.'],
    // Arabic and Persian from the browser, in Latin digits and the Gregorian calendar.
    ['ar', '2026-11-23', 'الاثنين، 23 نوفمبر', 'الاثنين، 23 نوفمبر'],
    ['fa', '2026-11-23', 'دوشنبه 23 نوامبر', 'دوشنبه 23 نوامبر'],
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

/**
 * Chromium's ICU data has no Sorani (Intl answers in American English for `ckb`), so a Sorani
 * tablet formats with names of its own. Node's ICU has CLDR's `ckb`: the names must be CLDR's.
 */
describe('Sorani days where the browser has no Sorani', () => {
  const cldr = (day: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('ckb-u-nu-latn', { ...options, timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

  it('writes every weekday and month as CLDR does, with Latin digits', async () => {
    vi.spyOn(Intl.DateTimeFormat, 'supportedLocalesOf').mockImplementation((locales) => ([locales].flat().includes('ckb') ? [] : ['en-GB']));
    expect(intlSpeaks('ckb')).toBe(false);
    await loadLocaleData('ckb');
    // Two weeks from a Sunday and the 15th of every month: every name once at least.
    const days = [...Array.from({ length: 14 }, (_, i) => `2026-11-${String(15 + i).padStart(2, '0')}`), ...Array.from({ length: 12 }, (_, i) => `2027-${String(i + 1).padStart(2, '0')}-15`)];
    for (const day of days) {
      expect(formatDay(day, 'ckb')).toBe(cldr(day, { weekday: 'long', day: 'numeric', month: 'long' }));
      expect(formatDayMonth(day, 'ckb')).toBe(cldr(day, { day: 'numeric', month: 'short' }));
    }
    expect(formatDay('2026-11-23', 'ckb')).toBe('دووشەممە، 23ی تشرینی دووەم');
    expect(formatWhile(5, 'minute', 'ckb')).toBe('5 خولەک');
    expect(formatWhile(3, 'day', 'ar')).toBe('3 أيام');
    vi.restoreAllMocks();
  });
});
