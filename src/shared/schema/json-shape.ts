/**
 * What a value from the wire must respect before any schema reads it. zod's JSON schema, the
 * merge's canonical form and the server's storability check all recurse, so a value nested a few
 * thousand levels deep overflows the stack wherever it goes first; these walks use a stack of
 * their own instead, and stop at the first problem.
 */

/**
 * Keys that name an object's prototype machinery. The body parser keeps them as plain data, but
 * zod drops `__proto__` from what it returns (assigning it would replace the prototype), so an op
 * holding one would be stored without it: refused instead, wherever it is in the op.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type ShapeProblem = {
  kind: 'too-deep' | 'prototype-key';
  /** Where: the keys and indexes from the value's top to the offending level or key. */
  path: string[];
};

interface Frame {
  value: unknown;
  /** Levels of arrays and objects from the top down to and including this one's holder. */
  depth: number;
  key: string | undefined;
  parent: Frame | undefined;
}

function pathOf(frame: Frame | undefined): string[] {
  const path: string[] = [];
  for (let at = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The first place where `value` nests more than `maxDepth` levels of arrays and objects (a
 * scalar is 0 levels, `[]` one, `[{}]` two), or holds a prototype key; undefined when neither.
 * Paths are only built for the problem found, so a wide value costs one visit per node.
 */
export function findShapeProblem(value: unknown, maxDepth: number): ShapeProblem | undefined {
  const stack: Frame[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const current = frame.value;
    if (current === null || typeof current !== 'object') continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) return { kind: 'too-deep', path: pathOf(frame) };
    if (Array.isArray(current)) {
      // Pushed last to first, so the walk meets items in document order.
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, key: String(i), parent: frame });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (PROTOTYPE_KEYS.has(key)) return { kind: 'prototype-key', path: [...pathOf(frame), key] };
      stack.push({ value: (current as Record<string, unknown>)[key], depth, key, parent: frame });
    }
  }
  return undefined;
}

/**
 * Bytes of `text` in UTF-8, without encoding it: a whole surrogate pair is 4 bytes. A lone
 * surrogate counts 2 (its replacement would take 3); such text is refused elsewhere anyway.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : unit >= 0xd800 && unit <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

/** The size of `value` as JSON text in UTF-8, as it goes on the wire and into the database. */
export function jsonByteLength(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}
