/**
 * The ICU message syntax Daybook's catalogues use, and nothing more: `{name}` placeholders,
 * `{n, plural, =0 {…} one {…} other {…}}` with `#` for the number, and `{x, select, a {…} other {…}}`.
 * Plural forms come from the browser's own CLDR rules (Intl.PluralRules), so Arabic gets its six
 * forms and French counts 0 as singular, with no rule tables shipped. Our own rather than a library:
 * about 1 KB gzip, against 3.6 KB for Lingui's runtime and 10 KB for intl-messageformat (README).
 *
 * Braces are always syntax: no sentence in the catalogues needs a literal one, so there is no
 * ICU apostrophe quoting either, and "child's" stays a plain apostrophe.
 */

export type MessagePart =
  | string
  | { kind: 'argument'; name: string }
  | { kind: 'number' }
  | { kind: 'plural'; name: string; options: Record<string, MessagePart[]> }
  | { kind: 'select'; name: string; options: Record<string, MessagePart[]> };

export type MessageValues = Record<string, string | number>;

export class MessageSyntaxError extends Error {
  constructor(source: string, at: number, expected: string) {
    super(`Message syntax: expected ${expected} at character ${at} of "${source}"`);
    this.name = 'MessageSyntaxError';
  }
}

/** Parses one message; throws MessageSyntaxError with the position of the first mistake. */
export function parseMessage(source: string): MessagePart[] {
  let at = 0;
  const fail = (expected: string): never => {
    throw new MessageSyntaxError(source, at, expected);
  };
  const skipSpaces = () => {
    while (at < source.length && /\s/.test(source[at]!)) at++;
  };
  const word = (what: string, pattern = /[\w=]/): string => {
    const start = at;
    while (at < source.length && pattern.test(source[at]!)) at++;
    return at > start ? source.slice(start, at) : fail(what);
  };
  const expect = (char: string) => {
    skipSpaces();
    if (source[at] !== char) fail(`"${char}"`);
    at++;
  };

  function parts(inPlural: boolean): MessagePart[] {
    const out: MessagePart[] = [];
    let text = '';
    while (at < source.length) {
      const char = source[at]!;
      if (char === '}') break;
      if (char === '{') {
        if (text) out.push(text);
        text = '';
        out.push(placeholder());
      } else if (char === '#' && inPlural) {
        if (text) out.push(text);
        text = '';
        out.push({ kind: 'number' });
        at++;
      } else {
        text += char;
        at++;
      }
    }
    if (text) out.push(text);
    return out;
  }

  function placeholder(): MessagePart {
    at++; // {
    skipSpaces();
    const name = word('a placeholder name', /\w/);
    skipSpaces();
    if (source[at] === '}') {
      at++;
      return { kind: 'argument', name };
    }
    expect(',');
    skipSpaces();
    const type = word('"plural" or "select"', /\w/);
    if (type !== 'plural' && type !== 'select') return fail('"plural" or "select"');
    expect(',');
    const options: Record<string, MessagePart[]> = {};
    for (;;) {
      skipSpaces();
      if (source[at] === '}') break;
      const key = word('an option such as "one", "other" or "=0"');
      if (key in options) fail(`a different option than a second "${key}"`);
      expect('{');
      options[key] = parts(type === 'plural');
      if (source[at] !== '}') fail('"}" closing the option');
      at++;
    }
    if (!('other' in options)) fail('an "other" option');
    at++; // }
    return { kind: type, name, options };
  }

  const message = parts(false);
  if (at < source.length) fail('no "}" without its "{"');
  return message;
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function cached<T>(map: Map<string, T>, locale: string, make: () => T): T {
  let value = map.get(locale);
  if (!value) map.set(locale, (value = make()));
  return value;
}

/** The plural form CLDR gives `n` in `locale`: "zero", "one", "two", "few", "many" or "other". */
export function pluralCategory(n: number, locale: string): Intl.LDMLPluralRule {
  return cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(n);
}

/** A count as the language writes it ("3,000", "3 000"), in Latin digits: the locale says -u-nu-latn. */
function formatNumber(n: number, locale: string): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(n);
}

/** How a language writes a message's values. */
export type MessageStyle = {
  /** Chooses the plural forms and how numbers are written; carries -u-nu-latn. */
  locale: string;
  /**
   * Right-to-left languages wrap each text value in first-strong isolates (U+2068…U+2069), as
   * Fluent does: a code or a time such as "A7K-3M2" or "10:00" keeps its own left-to-right order
   * inside an Arabic sentence, and the sentence's punctuation stays where the translator put it.
   */
  isolate: boolean;
};

/**
 * Writes a parsed message with its values: numbers and `#` as the language writes them, strings
 * (codes, times, names) as they are. A value the message names but the call leaves out stays
 * visible as `{name}` rather than vanishing.
 */
export function formatParts(parts: readonly MessagePart[], values: MessageValues, style: MessageStyle, count?: number): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (part.kind === 'number') out += count === undefined ? '#' : formatNumber(count, style.locale);
    else if (!(part.name in values)) out += `{${part.name}}`;
    else if (part.kind === 'argument') {
      const value = values[part.name]!;
      out += typeof value === 'number' ? formatNumber(value, style.locale) : style.isolate ? `\u2068${value}\u2069` : value;
    } else if (part.kind === 'select') out += formatParts(part.options[String(values[part.name])] ?? part.options.other!, values, style, count);
    else {
      const n = Number(values[part.name]);
      const exact = part.options[`=${n}`];
      out += formatParts(exact ?? part.options[pluralCategory(n, style.locale)] ?? part.options.other!, values, style, n);
    }
  }
  return out;
}

/** The placeholders a message reads, with their kind: what every translation must keep the same. */
export function placeholdersOf(parts: readonly MessagePart[]): Set<string> {
  const found = new Set<string>();
  for (const part of parts) {
    if (typeof part === 'string' || part.kind === 'number') continue;
    found.add(part.kind === 'argument' ? part.name : `${part.name}, ${part.kind}`);
    if (part.kind !== 'argument') for (const option of Object.values(part.options)) for (const name of placeholdersOf(option)) found.add(name);
  }
  return found;
}

/** Every plural of a message, with the options it offers: for the catalogue test. */
export function pluralsOf(parts: readonly MessagePart[]): { name: string; options: string[] }[] {
  const found: { name: string; options: string[] }[] = [];
  for (const part of parts) {
    if (typeof part === 'string' || part.kind === 'number' || part.kind === 'argument') continue;
    if (part.kind === 'plural') found.push({ name: part.name, options: Object.keys(part.options) });
    for (const option of Object.values(part.options)) found.push(...pluralsOf(option));
  }
  return found;
}
