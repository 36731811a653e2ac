import { describe, expect, it } from 'vitest';
import type { Language } from './i18n';
import { formatLocale } from './locale';
import { formatParts, MessageSyntaxError, parseMessage, pluralCategory, placeholdersOf, type MessageValues } from './message-format';

const format = (source: string, values: MessageValues = {}, language: Language = 'en', isolate = false) =>
  formatParts(parseMessage(source), values, { locale: formatLocale(language), isolate });

const CHILDREN = '{n, plural, =0 {No children} one {# child} other {# children}}';

describe('formatParts', () => {
  it.each([
    ['plain text', 'Check in or out', {}, 'Check in or out'],
    ['a placeholder', '{code} checked in', { code: 'A7K3M2' }, 'A7K3M2 checked in'],
    ['two placeholders', '{day} at {time}', { day: 'Monday', time: '09:30' }, 'Monday at 09:30'],
    ['a value left out stays visible', '{code} checked in', {}, '{code} checked in'],
    ['an apostrophe is a plain apostrophe', "Type the child's code.", {}, "Type the child's code."],
    ['a number value in the language’s grouping', '{n} registered', { n: 3000 }, '3,000 registered'],
    ['plural 0 matches =0', CHILDREN, { n: 0 }, 'No children'],
    ['plural 1', CHILDREN, { n: 1 }, '1 child'],
    ['plural 2', CHILDREN, { n: 2 }, '2 children'],
    ['plural 11', CHILDREN, { n: 11 }, '11 children'],
    ['plural with # grouped', CHILDREN, { n: 12000 }, '12,000 children'],
    ['placeholders inside a plural', '{n, plural, one {# code from {first}} other {# codes from {first}}}', { n: 2, first: 'A1' }, '2 codes from A1'],
    ['two plurals', '{n} of {total, plural, one {# child} other {# children}} {n, plural, one {has} other {have}}', { n: 1, total: 5 }, '1 of 5 children has'],
    ['select', '{layout, select, cards {Cards} other {Labels}}', { layout: 'cards' }, 'Cards'],
    ['select falls back to other', '{layout, select, cards {Cards} other {Labels}}', { layout: 'wristbands' }, 'Labels'],
    ['# outside a plural is text', 'Room #2', {}, 'Room #2'],
  ] as const)('%s', (_case, source, values, expected) => {
    expect(format(source, values)).toBe(expected);
  });

  it.each([
    ['fr', CHILDREN, 3000, '3\u202f000 children'],
    // Latin digits in every language, whatever the locale's own would be.
    ['ar', CHILDREN, 12, '12 children'],
    ['fa', CHILDREN, 1250, '1,250 children'],
  ] as const)('in %s, "%s" with %d: %s', (language, source, n, expected) => {
    expect(format(source, { n }, language)).toBe(expected);
  });

  it('isolates text values in a right-to-left language, so a code keeps its own order', () => {
    expect(format('تم تسجيل وصول {code} في {time}', { code: 'A7K-3M2', time: '10:00' }, 'ar', true)).toBe('تم تسجيل وصول \u2068A7K-3M2\u2069 في \u206810:00\u2069');
    // Numbers need no isolate: digits already run left to right.
    expect(format('{n} أطفال', { n: 5 }, 'ar', true)).toBe('5 أطفال');
  });
});

describe('parseMessage refuses a broken message, saying where', () => {
  it.each([
    ['an unclosed placeholder', '{code checked in', 'expected "," at character 6'],
    ['a stray closing brace', 'done}', 'no "}" without its "{"'],
    ['a plural without other', '{n, plural, one {# child}}', 'an "other" option'],
    ['an unknown kind', '{n, number}', '"plural" or "select"'],
    ['an option without its text', '{n, plural, one # child other {x}}', '"{"'],
    ['a repeated option', '{n, plural, one {a} one {b} other {c}}', 'a different option'],
    ['an empty placeholder', '{}', 'a placeholder name'],
  ])('%s', (_case, source, expected) => {
    expect(() => parseMessage(source)).toThrow(MessageSyntaxError);
    expect(() => parseMessage(source)).toThrow(expected);
  });
});

describe('placeholdersOf', () => {
  it('names every placeholder, those inside plurals too, with the kind of each', () => {
    expect([...placeholdersOf(parseMessage('{n, plural, one {# code from {first}} other {# codes from {first} to {last}}} on {day}'))].sort()).toEqual(['day', 'first', 'last', 'n, plural']);
  });
});

/**
 * The plural form of 0, 1, 2 and 11 in each language (CLDR, from the browser's Intl): French
 * counts 0 as singular, Persian too, Sorani and English do not, and Arabic has six forms, with 3
 * ("few", 3-10) and 100 ("other") added to show them all.
 */
describe('plural forms', () => {
  it.each([
    ['en', 0, 'other'],
    ['en', 1, 'one'],
    ['en', 2, 'other'],
    ['en', 11, 'other'],
    ['fr', 0, 'one'],
    ['fr', 1, 'one'],
    ['fr', 2, 'other'],
    ['fr', 11, 'other'],
    ['fa', 0, 'one'],
    ['fa', 1, 'one'],
    ['fa', 2, 'other'],
    ['fa', 11, 'other'],
    ['ckb', 0, 'other'],
    ['ckb', 1, 'one'],
    ['ckb', 2, 'other'],
    ['ckb', 11, 'other'],
    ['ar', 0, 'zero'],
    ['ar', 1, 'one'],
    ['ar', 2, 'two'],
    ['ar', 3, 'few'],
    ['ar', 10, 'few'],
    ['ar', 11, 'many'],
    ['ar', 99, 'many'],
    ['ar', 100, 'other'],
  ] as const)('%s: %d is "%s"', (language, n, form) => {
    expect(pluralCategory(n, formatLocale(language))).toBe(form);
  });
});
