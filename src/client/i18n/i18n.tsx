import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { fr } from './fr';

export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];
const catalogues: Record<Language, Record<MessageKey, string>> = { en, fr };
const STORAGE_KEY = 'daybook.language';

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** Fills `{name}` placeholders. A missing value stays visible rather than vanishing. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'fr') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

type I18n = { language: Language; setLanguage: (language: Language) => void; t: Translate };
const I18nContext = createContext<I18n | null>(null);

/** The device's language: a per-tablet choice, kept in localStorage, not synced. */
export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => fixed ?? initialLanguage());
  const setLanguage = useCallback((next: Language) => {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  useEffect(() => {
    // Screen readers pick their voice from the page's language.
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<I18n>(() => {
    const catalogue = catalogues[language];
    return { language, setLanguage, t: (key, values) => format(catalogue[key], values) };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n needs an <I18nProvider> above it');
  return i18n;
}

export function useT(): Translate {
  return useI18n().t;
}
