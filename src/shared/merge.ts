/**
 * sync-protocol.md "Merge rule": last writer wins per field, by HLC. Tablets and the server merge
 * with these functions, so every replica that has seen the same ops holds the same state.
 * Callers pass ops already checked at the edge (checkOp): HLCs here are well-formed strings.
 */

/** A record as a replica holds it: each field's value and the HLC of the write that set it. */
export type Replica = { fields: Record<string, unknown>; hlcs: Record<string, string> };

export type FieldOp = { hlc: string; fields: Record<string, unknown> };

/**
 * JSON text with object keys sorted, so equal values give equal text whatever their key order.
 * `undefined` (never sent on the wire) sorts below every value.
 */
function canonical(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? '';
}

/**
 * Whether a write (hlc, value) replaces what a field holds. A greater HLC wins. An equal HLC is the
 * same write and changes nothing, except in one case that should never happen but can: two tabs
 * of one device stamping from the same clock state. Their values then differ under one HLC, and
 * "first seen wins" would leave replicas disagreeing for ever; the greater canonical JSON wins
 * instead, so the rule stays commutative and every replica still converges.
 */
function replaces(hlc: string, value: unknown, storedHlc: string | undefined, storedValue: unknown): boolean {
  if (storedHlc === undefined) return true;
  if (hlc !== storedHlc) return hlc > storedHlc;
  if (Object.is(value, storedValue)) return false;
  return canonical(value) > canonical(storedValue);
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

// Field names come from the wire: a plain assignment of '__proto__' would replace the object's
// prototype instead of storing a field.
function put<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/**
 * Applies one write to a record's replica. Never mutates its inputs: when nothing changes, `next`
 * is `current` itself (or an empty replica), so a caller can skip the store write.
 */
export function mergeOp(current: Replica | undefined, op: FieldOp): { next: Replica; changed: boolean } {
  let next: Replica | undefined;
  for (const [key, value] of Object.entries(op.fields)) {
    const stored = next ?? current;
    if (stored && !replaces(op.hlc, value, own(stored.hlcs, key), own(stored.fields, key))) continue;
    next ??= { fields: { ...current?.fields }, hlcs: { ...current?.hlcs } };
    put(next.fields, key, value);
    put(next.hlcs, key, op.hlc);
  }
  if (next) return { next, changed: true };
  return { next: current ?? { fields: {}, hlcs: {} }, changed: false };
}

/**
 * Field-wise merge of two replicas of one record: each field from whichever side wrote it last.
 * Commutative for well-formed replicas (an HLC for every field); returns `a` itself when `b` adds
 * nothing.
 */
export function mergeReplicas(a: Replica, b: Replica): Replica {
  let merged = a;
  for (const [key, hlc] of Object.entries(b.hlcs)) {
    merged = mergeOp(merged, { hlc, fields: { [key]: own(b.fields, key) } }).next;
  }
  return merged;
}
