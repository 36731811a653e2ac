import { describe, expect, it } from 'vitest';
import { checkDisplayName, compareByDisplayName, findNameClash, normaliseDisplayName, sameDisplayName } from './shifts';

describe('normaliseDisplayName', () => {
  it.each([
    ['Amira', 'Amira'],
    ['  Amira  ', 'Amira'],
    ['Sam   B.', 'Sam B.'],
    ['Sam\tB.', 'Sam B.'],
    ['Zoe\u0301', 'Zoé'],
    ['   ', ''],
  ])('%j -> %j', (typed, stored) => {
    expect(normaliseDisplayName(typed)).toBe(stored);
  });
});

describe('checkDisplayName', () => {
  it.each([
    ['a first name', 'Amira', { ok: true, displayName: 'Amira' }],
    ['a nickname with an initial', ' Sam B. ', { ok: true, displayName: 'Sam B.' }],
    ['one letter', 'J', { ok: true, displayName: 'J' }],
    ['40 characters', 'x'.repeat(40), { ok: true, displayName: 'x'.repeat(40) }],
    ['40 characters once trimmed', ` ${'x'.repeat(40)} `, { ok: true, displayName: 'x'.repeat(40) }],
    ['nothing', '', { ok: false, problem: 'empty' }],
    ['only spaces', '    ', { ok: false, problem: 'empty' }],
    ['41 characters', 'x'.repeat(41), { ok: false, problem: 'too-long' }],
  ])('%s', (_case, typed, expected) => {
    expect(checkDisplayName(typed)).toEqual(expected);
  });
});

describe('sameDisplayName', () => {
  it.each([
    ['Sam', 'Sam', true],
    ['Sam', 'sam', true],
    ['Sam', ' SAM ', true],
    ['Sam B.', 'sam  b.', true],
    ['Zoé', 'Zoe\u0301', true],
    ['Sam', 'Sam B.', false],
    ['Zoé', 'Zoe', false],
    ['Sam', 'Samir', false],
  ])('%j and %j: %s', (a, b, same) => {
    expect(sameDisplayName(a, b)).toBe(same);
  });
});

describe('findNameClash', () => {
  const volunteers = [
    { id: 'v1', displayName: 'Sam', active: true, deleted: false },
    { id: 'v2', displayName: 'Lou', active: false, deleted: false },
    { id: 'v3', displayName: 'Noor', active: true, deleted: true },
  ];

  it.each([
    ['an active volunteer with the same name', 'Sam', undefined, 'v1'],
    ['the same name in other case', 'SAM', undefined, 'v1'],
    ['a new name', 'Sam B.', undefined, undefined],
    ['the volunteer being renamed is not a clash with itself', 'sam', 'v1', undefined],
    ['a volunteer who left does not block the name', 'Lou', undefined, undefined],
    ['a deleted volunteer does not block the name', 'Noor', undefined, undefined],
  ])('%s', (_case, name, exceptId, clashId) => {
    expect(findNameClash(name, volunteers, exceptId)?.id).toBe(clashId);
  });
});

describe('compareByDisplayName', () => {
  it('sorts by name ignoring case and accents, then by id', () => {
    const list = [
      { id: 'b', displayName: 'sam' },
      { id: 'c', displayName: 'Émile' },
      { id: 'd', displayName: 'Amira' },
      { id: 'a', displayName: 'Sam' },
      { id: 'e', displayName: 'Volunteer 10' },
      { id: 'f', displayName: 'Volunteer 9' },
    ];
    expect([...list].sort(compareByDisplayName).map((v) => v.id)).toEqual(['d', 'c', 'a', 'b', 'f', 'e']);
  });
});
