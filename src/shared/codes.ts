/**
 * Child codes: the child's only identity in the centre (product.md: a child is a code, never a
 * name). A centre either lets Daybook issue codes ('issued') or uses pre-numbered wristbands
 * ('wristband'), whose codes we must take as printed.
 */

/**
 * Digits and the letters that are hard to confuse when written, typed or said aloud: no B, G, I,
 * O, Q, S, Z (8, 6, 1, 0, 0, 5, 2). 29 symbols, a prime, so the weighted mod-29 check below
 * catches every single substitution and every adjacent transposition.
 */
export const CODE_ALPHABET = '0123456789ACDEFHJKLMNPRTUVWXY';
const MODULUS = CODE_ALPHABET.length;

export type CodeScheme = 'issued' | 'wristband';

/** Look-alikes a volunteer may type for an issued code; none of them is in the alphabet. */
const LOOK_ALIKES: Readonly<Record<string, string>> = { O: '0', Q: '0', I: '1', S: '5', Z: '2', B: '8', G: '6' };

/**
 * Separators people put in codes, plus the dashes and spaces that phone and tablet keyboards
 * substitute on their own (en dash, non-breaking space), which a volunteer cannot see.
 */
const SEPARATORS = /[\s\-._/\u2010-\u2015\u2212]/gu;

/**
 * Arabic-Indic and Persian digits: tablets in the centre carry Arabic, Farsi and Pashto keyboards,
 * and a child reading out or typing their code may use them.
 */
const EASTERN_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/gu;

function westernDigit(digit: string): string {
  const code = digit.charCodeAt(0);
  return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
}

/**
 * What a volunteer typed, as the code it most likely means. Forgiving on purpose: the keypad is
 * used in a noisy room. Wristband codes are printed by someone else, so their letters are kept.
 */
export function normaliseCode(input: string, scheme: CodeScheme): string {
  // NFKC turns full-width letters and digits (some keyboards produce them) into ASCII ones.
  const plain = input.normalize('NFKC').replace(EASTERN_DIGITS, westernDigit).replace(SEPARATORS, '').toUpperCase();
  if (scheme === 'wristband') return plain;
  let out = '';
  for (const char of plain) out += LOOK_ALIKES[char] ?? char;
  return out;
}

function symbolValue(char: string): number {
  const value = CODE_ALPHABET.indexOf(char);
  if (value < 0 || char.length !== 1) throw new Error(`"${char}" is not a code character (${CODE_ALPHABET})`);
  return value;
}

function modPow(base: number, exponent: number): number {
  let result = 1;
  for (let i = 0; i < exponent; i++) result = (result * base) % MODULUS;
  return result;
}

/**
 * The check character for `payload`: the c with Σ (i+1)·v_i + (n+1)·c ≡ 0 (mod 29). Weights 1..n+1
 * are all non-zero mod 29, so changing one symbol always changes the sum, and swapping two
 * neighbours changes it by their difference.
 */
export function checkCharacter(payload: string): string {
  const weightOfCheck = (payload.length + 1) % MODULUS;
  // A payload of 28 (or 57...) would give the check a weight of 0: it could never detect anything.
  if (weightOfCheck === 0) throw new Error(`a payload of ${payload.length} characters cannot carry a check character`);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + (i + 1) * symbolValue(payload.charAt(i))) % MODULUS;
  // Fermat: w^(p-2) is the inverse of w modulo the prime p.
  const inverse = modPow(weightOfCheck, MODULUS - 2);
  const check = (((MODULUS - sum) % MODULUS) * inverse) % MODULUS;
  return CODE_ALPHABET.charAt(check);
}

export type CodeProblem = 'empty' | 'too-long' | 'bad-character' | 'wrong-check';
export type CodeCheck = { ok: true } | { ok: false; problem: CodeProblem };

export const ISSUED_CODE_MIN_LENGTH = 2;
export const ISSUED_CODE_MAX_LENGTH = 6;
export const WRISTBAND_CODE_MAX_LENGTH = 12;

/**
 * An issued code is a payload and its check character, 2 to 6 characters in all. A single
 * character cannot be both, so it reports 'wrong-check': the code is incomplete or mistyped.
 */
export function checkIssuedCode(normalised: string): CodeCheck {
  if (normalised === '') return { ok: false, problem: 'empty' };
  if (normalised.length > ISSUED_CODE_MAX_LENGTH) return { ok: false, problem: 'too-long' };
  for (const char of normalised) if (char.length !== 1 || !CODE_ALPHABET.includes(char)) return { ok: false, problem: 'bad-character' };
  if (normalised.length < ISSUED_CODE_MIN_LENGTH) return { ok: false, problem: 'wrong-check' };
  const payload = normalised.slice(0, -1);
  return normalised.slice(-1) === checkCharacter(payload) ? { ok: true } : { ok: false, problem: 'wrong-check' };
}

/** Wristband codes are taken as printed: 1 to 12 letters or digits, no check character. */
export function checkWristbandCode(normalised: string): CodeCheck {
  if (normalised === '') return { ok: false, problem: 'empty' };
  if (normalised.length > WRISTBAND_CODE_MAX_LENGTH) return { ok: false, problem: 'too-long' };
  if (!/^[0-9A-Z]+$/.test(normalised)) return { ok: false, problem: 'bad-character' };
  return { ok: true };
}

/** The checker for a centre's scheme. */
export function checkCode(normalised: string, scheme: CodeScheme): CodeCheck {
  return scheme === 'issued' ? checkIssuedCode(normalised) : checkWristbandCode(normalised);
}

/** The letters of the alphabet, one per issuing device: 'ACDEFHJKLMNPRTUVWXY'. */
export const SERIES_LETTERS = CODE_ALPHABET.replace(/[0-9]/g, '');
/** Four-digit serials: a code never starts with a 0 that gets dropped when it is said aloud. */
export const FIRST_SERIAL = 1000;
export const LAST_SERIAL = 9999;

/**
 * A tablet issues codes from a series, so that codes issued offline on two tablets never
 * collide. Two kinds, which can never give the same code (the fourth character is a digit in one
 * and a letter in the other):
 *
 * - a server series, one letter the server assigns at enrolment, unique in the centre: four-digit
 *   serials, '4173K' + check;
 * - a local series, for a tablet that was never enrolled (it cannot ask anyone): a letter and one
 *   more symbol, drawn at random, with three-digit serials from a random start, '417KA' + check.
 *   551 series; two fresh tablets share one with probability 1/551, and then collide only where
 *   their runs of serials overlap. The residue (and a code typed wrong, a tablet restored from a
 *   backup) is caught by comparing registrations (code-clashes.ts) and put to the lead.
 */
export type SeriesSpan = { first: number; last: number };

const SERVER_SPAN: SeriesSpan = { first: FIRST_SERIAL, last: LAST_SERIAL };
const LOCAL_SPAN: SeriesSpan = { first: 100, last: 999 };

export function isServerSeries(series: string): boolean {
  return series.length === 1 && SERIES_LETTERS.includes(series);
}

export function isLocalSeries(series: string): boolean {
  return series.length === 2 && SERIES_LETTERS.includes(series.charAt(0)) && CODE_ALPHABET.includes(series.charAt(1));
}

/** The serials a series issues, or undefined for a string that is no series. */
export function seriesSpan(series: string): SeriesSpan | undefined {
  if (isServerSeries(series)) return SERVER_SPAN;
  if (isLocalSeries(series)) return LOCAL_SPAN;
  return undefined;
}

/** A random local series and where in it to start, from `random` (uniform in [0, 1)). */
export function drawLocalSeries(random: () => number): { series: string; firstSerial: number } {
  const pick = (choices: string) => choices.charAt(Math.min(choices.length - 1, Math.floor(random() * choices.length)));
  const series = pick(SERIES_LETTERS) + pick(CODE_ALPHABET);
  const size = LOCAL_SPAN.last - LOCAL_SPAN.first + 1;
  return { series, firstSerial: LOCAL_SPAN.first + Math.min(size - 1, Math.floor(random() * size)) };
}

/** The serial after `serial` in its series, going round from the last to the first. */
export function nextSerial(series: string, serial: number): number {
  const span = seriesSpan(series);
  if (!span) throw new Error(`"${series}" is not a code series`);
  return serial >= span.last ? span.first : serial + 1;
}

/**
 * The code for `serial` in `series`: the serial's digits, the series, the check character, e.g.
 * '4173K' + check (server series K) or '417KA' + check (local series KA). The series is part of
 * the payload, so two series never issue the same code.
 */
export function issueCode(series: string, serial: number): string {
  const span = seriesSpan(series);
  if (!span) throw new Error(`series must be one of the letters ${SERIES_LETTERS}, or a letter and one more code character, not "${series}"`);
  if (!Number.isInteger(serial) || serial < span.first || serial > span.last) {
    throw new Error(`serial must be a whole number from ${span.first} to ${span.last}, not ${serial}`);
  }
  const payload = `${serial}${series}`;
  return payload + checkCharacter(payload);
}

/** An issued code, '4173K9' or '417KA9', read as its digits in one breath, then the rest: '4173 K9'. */
const ISSUED_SHAPE = /^(\d{3,4})([A-Z][0-9A-Z]{1,2})$/;

/** '4173K9' → '4173 K9', '417KA9' → '417 KA9': the digits in one breath, then letters and check. */
export function formatCodeForReading(code: string): string {
  const match = code.length === ISSUED_CODE_MAX_LENGTH ? ISSUED_SHAPE.exec(code) : null;
  return match ? `${match[1]} ${match[2]}` : code;
}

/**
 * A child's record id comes from its code, not a random id: the same code registered on two
 * offline tablets then becomes one child instead of two.
 */
export function childIdFromCode(normalised: string): string {
  return `child-${normalised}`;
}
