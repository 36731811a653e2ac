/**
 * Sorani (Central Kurdish) names that Chromium's Intl data does not carry: the Gregorian months
 * as they are said in Iraqi Kurdistan, the weekdays, the units of a while, and the languages
 * children at the centre speak most. From CLDR's `ckb` locale (format-day.test.ts checks them
 * against Node's, whose ICU has it).
 */
export type KurdishCalendar = {
  months: readonly string[];
  weekdays: readonly string[];
  units: Readonly<Record<'minute' | 'hour' | 'day', string>>;
  languages: Readonly<Record<string, string>>;
};

export const KURDISH: KurdishCalendar = {
  months: ['کانوونی دووەم', 'شوبات', 'ئازار', 'نیسان', 'ئایار', 'حوزەیران', 'تەمووز', 'ئاب', 'ئەیلوول', 'تشرینی یەکەم', 'تشرینی دووەم', 'کانونی یەکەم'],
  // Sunday first, as Date.getUTCDay() counts.
  weekdays: ['یەکشەممە', 'دووشەممە', 'سێشەممە', 'چوارشەممە', 'پێنجشەممە', 'ھەینی', 'شەممە'],
  units: { minute: 'خولەک', hour: 'کاتژمێر', day: 'ڕۆژ' },
  languages: {
    ar: 'عەرەبی',
    ckb: 'کوردیی سۆرانی',
    // CLDR says only "کوردی" for Kurmanji, which would read as Sorani's own name too.
    kmr: 'کوردیی کورمانجی',
    fa: 'فارسی',
    ps: 'پەشتوو',
    ti: 'تیگرینیا',
    am: 'ئەمھەری',
    so: 'سۆمالی',
    ur: 'ئۆردوو',
    en: 'ئینگلیزی',
    fr: 'فەرەنسی',
  },
};
