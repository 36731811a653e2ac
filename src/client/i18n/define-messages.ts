import { use } from 'react';
import { directionOf, LANGUAGES, useI18n, type Language } from './i18n';
import { formatLocale } from './locale';
import { formatParts, parseMessage, type MessagePart, type MessageValues } from './message-format';

/** A catalogue module: one language's sentences of one feature, its default export. */
type CatalogueModule<K extends string> = { default: Record<K, string> };
type Loaders<K extends string> = { en: () => Promise<{ default: Record<K, string> }> } & Record<Exclude<Language, 'en'>, () => Promise<CatalogueModule<K>>>;

export type Messages<K extends string> = (key: K, values?: MessageValues) => string;

/** Turns one language's catalogue into its `m(key, values)`, parsing each sentence on first use. */
function compile<K extends string>(catalogue: Record<K, string>, language: Language): Messages<K> {
  const style = { locale: formatLocale(language), isolate: directionOf(language) === 'rtl' };
  const parsed = new Map<K, MessagePart[]>();
  return (key, values = {}) => {
    let parts = parsed.get(key);
    if (!parts) parsed.set(key, (parts = parseMessage(catalogue[key])));
    return formatParts(parts, values, style);
  };
}

/**
 * A feature's message catalogue, one file per language beside its screens (`messages/en.ts`,
 * `messages/ar.ts`…), so features never edit one shared file. Each language is its own lazy
 * chunk: a tablet downloads only the sentences of its language and of the screens it opens.
 * TypeScript makes every language carry every key of English; the catalogue test checks that the
 * placeholders and plural forms match too.
 *
 * The hook suspends while its language loads (the screens are under Suspense already; a language
 * switch is a transition, so the old sentences stay up meanwhile). `preload` lets the first
 * screen's catalogues arrive before the first render.
 */
/** Every catalogue defined so far: what the component tests load before they render. */
const defined: { preload: (language: Language) => Promise<unknown> }[] = [];

/** Loads every catalogue defined so far in `languages`, so no screen waits for its sentences. */
export function preloadDefinedMessages(languages: readonly Language[] = LANGUAGES): Promise<unknown> {
  return Promise.all(defined.flatMap((catalogue) => languages.map((language) => catalogue.preload(language))));
}

export function defineMessages<K extends string>(loaders: Loaders<K>) {
  const loading = new Map<Language, Promise<Messages<K>>>();
  const preload = (language: Language): Promise<Messages<K>> => {
    let promise = loading.get(language);
    if (!promise) {
      const loaded: Promise<Messages<K>> & { status?: 'fulfilled'; value?: Messages<K> } = loaders[language]().then(({ default: catalogue }) => {
        const messages = compile(catalogue, language);
        // React's use() reads a settled promise's status and value, and then does not suspend:
        // a catalogue already loaded (the first screen's, preloaded) is there on the first render.
        loaded.status = 'fulfilled';
        loaded.value = messages;
        return messages;
      });
      promise = loaded;
      // A chunk that failed to load (a deploy mid-session) is tried again on the next render.
      promise.catch(() => loading.delete(language));
      loading.set(language, promise);
    }
    return promise;
  };
  function useMessages(): Messages<K> {
    return use(preload(useI18n().language));
  }
  defined.push({ preload });
  return Object.assign(useMessages, { preload });
}
