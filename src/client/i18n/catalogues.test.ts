import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from './i18n';
import { formatLocale } from './locale';
import { parseMessage, pluralCategory, placeholdersOf, pluralsOf } from './message-format';

/**
 * Every catalogue of the app, in every language: a directory named `messages` or `*-messages`
 * holding one file per language. This test is what makes a missing or mismatched key fail
 * `npm test`, beyond what TypeScript already checks (every key of English in every language).
 */
const modules = import.meta.glob<{ default: Record<string, string> }>(['/src/client/**/messages/*.ts', '/src/client/**/*-messages/*.ts'], { eager: true });

type Catalogue = { dir: string; languages: Partial<Record<Language, Record<string, string>>>; strays: string[] };

function catalogues(): Catalogue[] {
  const byDir = new Map<string, Catalogue>();
  for (const [path, module] of Object.entries(modules)) {
    const dir = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(dir.length + 1, -'.ts'.length);
    const catalogue = byDir.get(dir) ?? { dir, languages: {}, strays: [] };
    byDir.set(dir, catalogue);
    if ((LANGUAGES as readonly string[]).includes(name)) catalogue.languages[name as Language] = module.default;
    else catalogue.strays.push(name);
  }
  return [...byDir.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

/** The plural forms a count from 0 to 200 can take in `language`: what each plural must offer. */
function formsNeeded(language: Language): Set<string> {
  const forms = new Set<string>();
  for (let n = 0; n <= 200; n++) forms.add(pluralCategory(n, formatLocale(language)));
  return forms;
}

// A sentence equal to its English source in another language is almost always one nobody
// translated. These are the same on purpose: names and notation that read alike everywhere.
const SAME_EVERYWHERE = new Set(['Daybook', '{n}', '{n} min', '{h} h {m} min', '123', 'ABC', 'PIN', 'QR', 'CSV', 'OK']);
// And words French shares with English.
const SAME_IN: Partial<Record<Language, Set<string>>> = { fr: new Set(['Centre', 'Total', '{n, plural, one {# page} other {# pages}}']) };
const NATIVE_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/;

const all = catalogues();

describe('message catalogues', () => {
  it('finds the catalogues of the app shell, Today and every feature', () => {
    const dirs = all.map((catalogue) => catalogue.dir);
    expect(dirs).toEqual(expect.arrayContaining(['/src/client/ui/messages', '/src/client/features/today/messages', '/src/client/features/settings/messages']));
    expect(dirs.length).toBeGreaterThanOrEqual(16);
  });

  describe.each(all.map((catalogue) => [catalogue.dir.replace('/src/client/', ''), catalogue] as const))('%s', (_dir, catalogue) => {
    const english = catalogue.languages.en!;

    it('has one file per language and nothing else', () => {
      expect(Object.keys(catalogue.languages).sort()).toEqual([...LANGUAGES].sort());
      expect(catalogue.strays).toEqual([]);
    });

    it.each(LANGUAGES.filter((language) => language !== 'en'))('%s has exactly the keys of English', (language) => {
      expect(Object.keys(catalogue.languages[language] ?? {}).sort()).toEqual(Object.keys(english).sort());
    });

    it.each([...LANGUAGES])('%s: every sentence parses, with the placeholders of English and every plural form it needs', (language) => {
      const messages = catalogue.languages[language] ?? {};
      const needed = formsNeeded(language);
      const problems: string[] = [];
      for (const [key, source] of Object.entries(english)) {
        const message = messages[key];
        if (message === undefined) continue; // said by the keys test
        let parts;
        try {
          parts = parseMessage(message);
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message}`);
          continue;
        }
        // Names only: a language may make a plural of a count English writes plainly.
        const names = (set: Set<string>) => [...set].map((name) => name.split(',')[0]!).filter((name, i, list) => list.indexOf(name) === i).sort();
        const want = names(placeholdersOf(parseMessage(source)));
        const got = names(placeholdersOf(parts));
        if (want.join() !== got.join()) problems.push(`${key}: placeholders ${got.join(', ') || 'none'}, English has ${want.join(', ') || 'none'}`);
        for (const plural of pluralsOf(parts)) {
          const missing = [...needed].filter((form) => form !== 'other' && !plural.options.includes(form));
          if (missing.length > 0) problems.push(`${key}: the plural of {${plural.name}} lacks ${missing.join(', ')}`);
          const foreign = plural.options.filter((option) => !option.startsWith('=') && option !== 'other' && !needed.has(option));
          if (foreign.length > 0) problems.push(`${key}: ${language} has no plural form ${foreign.join(', ')}`);
        }
        if (NATIVE_DIGITS.test(message)) problems.push(`${key}: digits must be Latin (codes and counts read the same on every tablet)`);
        if (language !== 'en' && message === source && /[A-Za-z]{3}/.test(source) && !SAME_EVERYWHERE.has(source) && !SAME_IN[language]?.has(source)) problems.push(`${key}: still in English`);
      }
      expect(problems).toEqual([]);
    });
  });
});
