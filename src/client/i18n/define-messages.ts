import { useMemo } from 'react';
import { format, useI18n, type Language } from './i18n';

/**
 * A feature's own message catalogue, in every language the app speaks. Each feature keeps its
 * sentences beside its screens, so features never edit one shared file; TypeScript makes every
 * language carry every key.
 */
export function defineMessages<K extends string>(catalogues: { en: Record<K, string> } & Record<Exclude<Language, 'en'>, Record<K, string>>) {
  return function useMessages(): (key: K, values?: Record<string, string | number>) => string {
    const { language } = useI18n();
    return useMemo(() => {
      const catalogue: Record<K, string> = catalogues[language];
      return (key: K, values?: Record<string, string | number>) => format(catalogue[key], values);
    }, [language]);
  };
}

