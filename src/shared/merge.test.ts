import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHlc } from './hlc';
import { mergeOp, mergeReplicas, type FieldOp, type Replica } from './merge';

const T = 1_763_942_400_000;
const A = '000000000000000a';
const B = '000000000000000b';

/** The HLC `n` ms after T; `h(2, 1)` is counter 1, `h(2, 0, B)` node B. */
const h = (n: number, counter = 0, node = A) => formatHlc({ ms: T + n, counter, node });

/** `r({ deleted: [false, h(1)] })`: a replica from field → [value, hlc]. */
function r(spec: Record<string, [unknown, string]>): Replica {
  const replica: Replica = { fields: {}, hlcs: {} };
  for (const [key, [value, hlc]] of Object.entries(spec)) {
    replica.fields[key] = value;
    replica.hlcs[key] = hlc;
  }
  return replica;
}

const op = (hlc: string, fields: Record<string, unknown>): FieldOp => ({ hlc, fields });

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('mergeOp', () => {
  // Excalidraw's reconcile tests: one line per case, stored replica + op → replica, changed.
  it.each([
    ['a new record', undefined, op(h(2), { a: 1 }), r({ a: [1, h(2)] }), true],
    ['an older op', r({ a: [1, h(2)] }), op(h(1), { a: 9 }), r({ a: [1, h(2)] }), false],
    ['a newer op', r({ a: [1, h(2)] }), op(h(3), { a: 9 }), r({ a: [9, h(3)] }), true],
    ['the same op again', r({ a: [1, h(2)] }), op(h(2), { a: 1 }), r({ a: [1, h(2)] }), false],
    ['a newer op with the same value', r({ a: [1, h(2)] }), op(h(3), { a: 1 }), r({ a: [1, h(3)] }), true],
    ['a higher counter in the same ms', r({ a: [1, h(2, 0)] }), op(h(2, 1), { a: 9 }), r({ a: [9, h(2, 1)] }), true],
    ['a lower counter in the same ms', r({ a: [1, h(2, 1)] }), op(h(2, 0), { a: 9 }), r({ a: [1, h(2, 1)] }), false],
    ['a greater node, same ms and counter', r({ a: [1, h(2, 0, A)] }), op(h(2, 0, B), { a: 9 }), r({ a: [9, h(2, 0, B)] }), true],
    ['a smaller node, same ms and counter', r({ a: [1, h(2, 0, B)] }), op(h(2, 0, A), { a: 9 }), r({ a: [1, h(2, 0, B)] }), false],
    ['disjoint fields, older op', r({ a: [1, h(2)] }), op(h(1), { b: 5 }), r({ a: [1, h(2)], b: [5, h(1)] }), true],
    ['disjoint fields, newer op', r({ a: [1, h(2)] }), op(h(3), { b: 5 }), r({ a: [1, h(2)], b: [5, h(3)] }), true],
    ['an op between two fields', r({ a: [1, h(4)], b: [1, h(2)] }), op(h(3), { a: 9, b: 9 }), r({ a: [1, h(4)], b: [9, h(3)] }), true],
    ['delete', r({ deleted: [false, h(1)] }), op(h(2), { deleted: true }), r({ deleted: [true, h(2)] }), true],
    ['undelete after delete', r({ deleted: [true, h(2)] }), op(h(3), { deleted: false }), r({ deleted: [false, h(3)] }), true],
    ['an older undelete arriving late', r({ deleted: [true, h(3)] }), op(h(2), { deleted: false }), r({ deleted: [true, h(3)] }), false],
    [
      'a delete older than an edit of another field',
      r({ deleted: [false, h(1)], notes: ['x', h(3)] }),
      op(h(2), { deleted: true }),
      r({ deleted: [true, h(2)], notes: ['x', h(3)] }),
      true,
    ],
    [
      'an edit after a delete',
      r({ deleted: [true, h(2)], notes: ['x', h(1)] }),
      op(h(3), { notes: 'y' }),
      r({ deleted: [true, h(2)], notes: ['y', h(3)] }),
      true,
    ],
    ['null then a time', r({ endedAt: [null, h(1)] }), op(h(2), { endedAt: T }), r({ endedAt: [T, h(2)] }), true],
    ['a time then null', r({ endedAt: [T, h(1)] }), op(h(2), { endedAt: null }), r({ endedAt: [null, h(2)] }), true],
    ['an equal object value, other key order', r({ value: [{ x: 1, y: 2 }, h(2)] }), op(h(2), { value: { y: 2, x: 1 } }), r({ value: [{ x: 1, y: 2 }, h(2)] }), false],
    ['equal HLC, greater value (two tabs, one clock)', r({ a: [1, h(2)] }), op(h(2), { a: 9 }), r({ a: [9, h(2)] }), true],
    ['equal HLC, smaller value (two tabs, one clock)', r({ a: [9, h(2)] }), op(h(2), { a: 1 }), r({ a: [9, h(2)] }), false],
    ['a field named __proto__', r({}), op(h(1), JSON.parse('{"__proto__": 1}') as Record<string, unknown>), { fields: JSON.parse('{"__proto__": 1}') as Record<string, unknown>, hlcs: JSON.parse(`{"__proto__": "${h(1)}"}`) as Record<string, string> }, true],
  ] as Array<[string, Replica | undefined, FieldOp, Replica, boolean]>)('%s', (_case, current, write, expected, changed) => {
    const result = mergeOp(current, write);
    expect(result.next).toEqual(expected);
    expect(result.changed).toBe(changed);
  });

  it('returns the stored replica itself when nothing changes', () => {
    const current = r({ a: [1, h(2)] });
    expect(mergeOp(current, op(h(1), { a: 9 })).next).toBe(current);
  });

  it('gives an empty replica for an empty op on a new record', () => {
    expect(mergeOp(undefined, op(h(1), {}))).toEqual({ next: { fields: {}, hlcs: {} }, changed: false });
  });

  it('never mutates the stored replica or the op', () => {
    const current = deepFreeze(r({ a: [1, h(2)], b: [{ nested: [1] }, h(2)] }));
    const write = deepFreeze(op(h(3), { a: 9, c: { nested: [2] } }));
    const { next } = mergeOp(current, write);
    expect(next).toEqual(r({ a: [9, h(3)], b: [{ nested: [1] }, h(2)], c: [{ nested: [2] }, h(3)] }));
    expect(current).toEqual(r({ a: [1, h(2)], b: [{ nested: [1] }, h(2)] }));
  });

  it('keeps the prototype of a replica whose op names __proto__', () => {
    const { next } = mergeOp(undefined, op(h(1), JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>));
    expect(Object.getPrototypeOf(next.fields)).toBe(Object.prototype);
    expect(Object.hasOwn(next.fields, '__proto__')).toBe(true);
  });
});

describe('mergeReplicas', () => {
  it.each([
    ['an empty side', r({ a: [1, h(1)] }), r({}), r({ a: [1, h(1)] })],
    ['the newer field wins', r({ a: [1, h(1)] }), r({ a: [2, h(2)] }), r({ a: [2, h(2)] })],
    ['the older field loses', r({ a: [2, h(2)] }), r({ a: [1, h(1)] }), r({ a: [2, h(2)] })],
    ['disjoint fields are joined', r({ a: [1, h(1)] }), r({ b: [2, h(2)] }), r({ a: [1, h(1)], b: [2, h(2)] })],
    ['each field on its own', r({ a: [1, h(3)], b: [1, h(1)] }), r({ a: [2, h(2)], b: [2, h(2)] }), r({ a: [1, h(3)], b: [2, h(2)] })],
    ['a delete against a later edit', r({ deleted: [true, h(2)], notes: ['x', h(1)] }), r({ deleted: [false, h(1)], notes: ['y', h(3)] }), r({ deleted: [true, h(2)], notes: ['y', h(3)] })],
  ])('%s', (_case, a, b, expected) => {
    expect(mergeReplicas(a, b)).toEqual(expected);
    expect(mergeReplicas(b, a)).toEqual(expected);
  });

  it('returns a itself when b adds nothing, and never mutates', () => {
    const a = deepFreeze(r({ a: [2, h(2)] }));
    const b = deepFreeze(r({ a: [1, h(1)] }));
    expect(mergeReplicas(a, b)).toBe(a);
    expect(mergeReplicas(b, a)).toEqual(a);
  });
});

describe('merge properties', () => {
  // Few keys, few clocks, few values: collisions (same field, same HLC, other value) are common.
  const arbValue = fc.oneof(
    fc.boolean(),
    fc.integer({ min: 0, max: 3 }),
    fc.constant(null),
    fc.constantFrom('', 'x', 'y'),
    fc.dictionary(fc.constantFrom('p', 'q'), fc.integer({ min: 0, max: 2 }), { maxKeys: 2 }),
    fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
  );
  const arbHlc = fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(A, B))
    .map(([n, counter, node]) => h(n, counter, node));
  const arbOp = fc.record({
    hlc: arbHlc,
    fields: fc.dictionary(fc.constantFrom('deleted', 'kind', 'at', 'notes', 'value'), arbValue, { minKeys: 1, maxKeys: 3 }),
  });

  /** A list of ops, and the same ops in another order with some of them repeated. */
  const opsAndReplay = fc
    .array(arbOp, { minLength: 1, maxLength: 12 })
    .chain((ops) => fc.tuple(fc.constant(ops), fc.subarray(ops)))
    .chain(([ops, repeats]) => fc.tuple(fc.constant(ops), fc.shuffledSubarray([...ops, ...repeats], { minLength: ops.length + repeats.length })));

  const applyAll = (ops: FieldOp[], start?: Replica) => ops.reduce<Replica | undefined>((replica, o) => mergeOp(replica, o).next, start);

  it('gives the same replica for any order and repetition of the same ops', () => {
    fc.assert(
      fc.property(opsAndReplay, ([ops, replay]) => {
        expect(applyAll(replay)).toEqual(applyAll(ops));
      }),
      { numRuns: 2000 },
    );
  });

  it('changes nothing when the same ops are applied again (idempotent)', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 12 }), (ops) => {
        const once = applyAll(ops);
        for (const o of ops) expect(mergeOp(once, o).changed).toBe(false);
        expect(applyAll(ops, once)).toBe(once);
      }),
    );
  });

  it('merges replicas commutatively, associatively and idempotently, as applying every op', () => {
    const replica = fc.array(arbOp, { minLength: 1, maxLength: 5 }).map((ops) => applyAll(ops) as Replica);
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 5 }), fc.array(arbOp, { minLength: 1, maxLength: 5 }), replica, (opsA, opsB, c) => {
        const a = applyAll(opsA) as Replica;
        const b = applyAll(opsB) as Replica;
        expect(mergeReplicas(a, b)).toEqual(mergeReplicas(b, a));
        expect(mergeReplicas(mergeReplicas(a, b), c)).toEqual(mergeReplicas(a, mergeReplicas(b, c)));
        expect(mergeReplicas(a, a)).toEqual(a);
        expect(mergeReplicas(a, b)).toEqual(applyAll([...opsA, ...opsB]));
      }),
      { numRuns: 1000 },
    );
  });

  it('sets each field to the value of its greatest HLC among the ops', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 12 }), (ops) => {
        const merged = applyAll(ops) as Replica;
        for (const [key, hlc] of Object.entries(merged.hlcs)) {
          const hlcs = ops.filter((o) => Object.hasOwn(o.fields, key)).map((o) => o.hlc);
          expect(hlc).toBe(hlcs.sort().at(-1));
        }
      }),
    );
  });
});
