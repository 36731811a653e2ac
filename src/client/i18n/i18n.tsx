import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LANGUAGES, type Language } from './languages';
import { loadLocaleData } from './locale';

export { LANGUAGES, type Language };

/** Each language by its own name, so someone who cannot read the current one still finds theirs. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', ar: 'العربية', ckb: 'کوردی (سۆرانی)', fa: 'فارسی' };

/** Arabic, Sorani and Persian are written right to left; the page's direction follows the language. */
export function directionOf(language: Language): 'ltr' | 'rtl' {
  return language === 'ar' || language === 'ckb' || language === 'fa' ? 'rtl' : 'ltr';
}

const STORAGE_KEY = 'daybook.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The tablet's language: the one chosen in Settings, else the first of the browser's languages
 * Daybook speaks ("ar-IQ" is Arabic, "ckb-IR" Sorani), else English.
 */
export function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  const preferred = globalThis.navigator?.languages?.length ? globalThis.navigator.languages : [globalThis.navigator?.language ?? 'en'];
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Gives the page the language's tag and direction: screen readers pick their voice from it. */
export function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

type I18n = { language: Language; setLanguage: (language: Language) => void };
const I18nContext = createContext<I18n | null>(null);

/** The device's language: a per-tablet choice, kept in localStorage, not synced. */
export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => fixed ?? initialLanguage());
  const setLanguage = useCallback((next: Language) => {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
    // A transition: the screen stays in the old language while the new one's sentences load.
    void loadLocaleData(next).then(() => startTransition(() => setLanguageState(next)));
  }, []);
  useEffect(() => applyDocumentLanguage(language), [language]);
  const value = useMemo<I18n>(() => ({ language, setLanguage }), [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n needs an <I18nProvider> above it');
  return i18n;
}
