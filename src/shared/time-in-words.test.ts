import { describe, expect, it } from 'vitest';
import { timeFromNow } from './time-in-words';

const NOW = Date.parse('2026-11-24T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('timeFromNow', () => {
  it.each([
    ['20 s before', NOW - 20_000, 'en', 'less than a minute ago'],
    ['2 h before', NOW - 2 * HOUR, 'en', 'about 2 hours ago'],
    ['3 days before', NOW - 3 * DAY, 'en', '3 days ago'],
    // A one-hour code, read a minute after it was made.
    ['59 min after', NOW + HOUR - MINUTE, 'en', 'in about 1 hour'],
    ['7 days after', NOW + 7 * DAY, 'en', 'in 7 days'],
    ['2 h before', NOW - 2 * HOUR, 'fr', 'il y a environ 2 heures'],
    ['1 day after', NOW + DAY, 'fr', 'dans 1 jour'],
    ['2 h before', NOW - 2 * HOUR, 'ar', 'منذ ساعتين تقريبا'],
    ['7 days after', NOW + 7 * DAY, 'fa', 'در 7 روز'],
    // Sorani's phrases are Daybook's own (date-fns has none), on date-fns's rounding.
    ['2 h before', NOW - 2 * HOUR, 'ckb', 'نزیکەی 2 کاتژمێر لەمەوبەر'],
    ['7 days after', NOW + 7 * DAY, 'ckb', 'دوای 7 ڕۆژ'],
    ['20 s before', NOW - 20_000, 'ckb', 'کەمتر لە 1 خولەک لەمەوبەر'],
  ] as const)('%s, in %s: "%s"', (_case, at, language, words) => {
    expect(timeFromNow(at, NOW, language)).toBe(words);
  });
});
