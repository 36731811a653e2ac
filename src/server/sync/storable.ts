/**
 * Text PostgreSQL cannot store, in a value that passed the shared schemas: a NUL character (text
 * and jsonb refuse it) or half of a surrogate pair (jsonb refuses its escape; as text it would be
 * silently replaced). Found here, such an op is rejected with a reason; found by PostgreSQL, it
 * would fail the whole batch with a 500. Numbers that JSON cannot carry (1e400 parses as
 * Infinity) would be stored as null, a different value than the device holds.
 */

// Without the u flag, so the regular expression sees the UTF-16 code units.
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

/**
 * The first problem in `value`, as one line naming where it is (`fields.notes: ...`), or
 * undefined when PostgreSQL stores it as it is.
 */
export function unstorableProblem(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : `${path}: must not contain a NUL character or a lone surrogate`;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path}: must be a finite number`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = unstorableProblem(value[i], `${path}.${i}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return `${path}: a key must not contain a NUL character or a lone surrogate`;
      const problem = unstorableProblem(item, `${path}.${key.length > 40 ? `${key.slice(0, 40)}...` : key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

const MAX_MESSAGE_LENGTH = 300;

/**
 * A rejection's message as it can be stored and sent: zod names unknown keys in its message, and
 * a key is whatever the device sent, of any length and content.
 */
export function storableMessage(message: string): string {
  const clean = message.replace(new RegExp(UNSTORABLE_TEXT.source, 'g'), '\ufffd');
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : clean;
}
