/** PostgreSQL type ids whose JavaScript form both drivers must agree on. */
export const INT8_OID = 20;
export const INT8_ARRAY_OID = 1016;

/**
 * int8 (bigint, count(*)) as a number, the same on both drivers (pg would give a string, PGlite
 * a number). Daybook's int8 values are counters and epoch milliseconds, far below 2^53; a larger
 * one throws rather than come back silently rounded.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`an int8 value (${text}) is too large for a JavaScript number`);
  }
  return value;
}

/** int8[] as nested arrays of numbers (or null), from PostgreSQL's text form `{1,2,NULL}`. */
export function parseInt8Array(text: string): unknown[] {
  // A lower bound other than 1 is written before the value: `[0:1]={1,2}`.
  const body = text.startsWith('[') ? text.slice(text.indexOf('=') + 1) : text;
  let at = 0;
  const list = (): unknown[] => {
    at += 1; // the opening brace
    const items: unknown[] = [];
    if (body[at] === '}') {
      at += 1;
      return items;
    }
    for (;;) {
      if (body[at] === '{') {
        items.push(list());
      } else {
        let end = at;
        while (end < body.length && body[end] !== ',' && body[end] !== '}') end += 1;
        const token = body.slice(at, end);
        items.push(token === 'NULL' ? null : parseInt8(token));
        at = end;
      }
      const separator = body[at];
      at += 1;
      if (separator !== ',') return items;
    }
  };
  return list();
}
