import { describe, expect, it } from 'vitest';
import { isStorableText, storableMessage, unstorableProblem } from './storable';

describe('text PostgreSQL can store', () => {
  it.each([
    ['plain text', 'Sam', true],
    ['accents and Arabic', 'Zoé مرحبا', true],
    ['an emoji (a whole surrogate pair)', 'ok \ud83d\ude00', true],
    ['a NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud83d', false],
    ['a lone low surrogate', '\ude00b', false],
    ['a pair in the wrong order', '\ude00\ud83d', false],
  ])('%s: %s', (_case, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });

  it.each([
    [{ notes: 'fine', value: [1, 'x', { a: null }] }, undefined],
    [{ notes: 'a\u0000b' }, 'fields.notes: must not contain a NUL character or a lone surrogate'],
    [{ value: { list: ['ok', '\ud800'] } }, 'fields.value.list.1: must not contain a NUL character or a lone surrogate'],
    [{ value: { ['k\u0000']: 1 } }, 'fields.value: a key must not contain a NUL character or a lone surrogate'],
    [{ value: Infinity }, 'fields.value: must be a finite number'],
  ])('finds the first problem in %j', (fields, problem) => {
    expect(unstorableProblem(fields, 'fields')).toBe(problem);
  });

  it('makes any message storable and short', () => {
    expect(storableMessage('fields.a\u0000b: unknown field')).toBe('fields.a\ufffdb: unknown field');
    const long = storableMessage(`fields.${'x'.repeat(1000)}: unknown field`);
    expect(long).toHaveLength(300);
    expect(long.endsWith('...')).toBe(true);
  });
});
