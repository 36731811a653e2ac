import { describe, expect, it } from 'vitest';
import { findShapeProblem, jsonByteLength, utf8Length } from './json-shape';

/** `levels` arrays one inside the other: `[]` is 1, `[[]]` is 2. */
function nested(levels: number, inside: unknown = undefined): unknown {
  let value: unknown = inside === undefined ? [] : [inside];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe('findShapeProblem', () => {
  it.each([
    ['a scalar', 'text', 0, undefined],
    ['null', null, 0, undefined],
    ['an empty list at its bound', [], 1, undefined],
    ['an empty list past it', [], 0, { kind: 'too-deep', path: [] }],
    ['an object at its bound', { a: { b: 1 } }, 2, undefined],
    ['an object past it', { a: { b: {} } }, 2, { kind: 'too-deep', path: ['a', 'b'] }],
    ['a list past it, by index', [1, [2, [3]]], 2, { kind: 'too-deep', path: ['1', '1'] }],
    ['the first problem in document order', [[[]], { deep: [[]] }], 2, { kind: 'too-deep', path: ['0', '0'] }],
    ['a __proto__ key kept by JSON.parse', JSON.parse('{"a":[{"__proto__":{"x":1}}]}'), 10, { kind: 'prototype-key', path: ['a', '0', '__proto__'] }],
    ['a constructor key', { value: { constructor: { prototype: 1 } } }, 10, { kind: 'prototype-key', path: ['value', 'constructor'] }],
    ['a prototype key', { prototype: 1 }, 10, { kind: 'prototype-key', path: ['prototype'] }],
    ['keys that merely look like them', { proto: 1, Constructor: 2, __proto: 3, toString: 4 }, 10, undefined],
    ['a prototype key as a value, not a key', ['__proto__', 'constructor'], 10, undefined],
  ])('%s', (_case, value, maxDepth, expected) => {
    expect(findShapeProblem(value, maxDepth)).toEqual(expected);
  });

  it('walks a million levels without overflowing the stack', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    expect(findShapeProblem(deep, 64)).toMatchObject({ kind: 'too-deep' });
    expect(findShapeProblem(nested(64), 64)).toBeUndefined();
    expect(findShapeProblem(nested(65), 64)).toMatchObject({ kind: 'too-deep' });
  });

  it('finds a prototype key at the bottom of a deep value', () => {
    expect(findShapeProblem(nested(60, JSON.parse('{"__proto__":1}')), 64)).toMatchObject({ kind: 'prototype-key' });
  });
});

describe('utf8Length and jsonByteLength', () => {
  it.each(['', 'abc', 'Zoé', 'مرحبا', '中文', 'ok \ud83d\ude00', '\u0000\u007f\u0080\u07ff\u0800\uffff'])('counts %j as Node encodes it', (text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('measures a value as its JSON text', () => {
    expect(jsonByteLength({ label: 'Zoé' })).toBe(Buffer.byteLength('{"label":"Zoé"}'));
    expect(jsonByteLength('a"b')).toBe(6);
  });
});
