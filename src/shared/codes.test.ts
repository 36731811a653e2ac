import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  FIRST_SERIAL,
  LAST_SERIAL,
  SERIES_LETTERS,
  checkCharacter,
  checkCode,
  checkIssuedCode,
  checkWristbandCode,
  childIdFromCode,
  drawLocalSeries,
  formatCodeForReading,
  isLocalSeries,
  isServerSeries,
  issueCode,
  nextSerial,
  normaliseCode,
  seriesSpan,
} from './codes';

const codeSymbol = fc.constantFrom(...CODE_ALPHABET);
const payload = fc.array(codeSymbol, { minLength: 1, maxLength: 5 }).map((chars) => chars.join(''));
const issued = payload.map((p) => p + checkCharacter(p));

/** Every code one mistyped symbol away from `code`. */
function substitutions(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    for (const symbol of CODE_ALPHABET) if (symbol !== code[i]) out.push(code.slice(0, i) + symbol + code.slice(i + 1));
  }
  return out;
}

/** Every code with two different neighbours of `code` swapped. */
function transpositions(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < code.length; i++) {
    const a = code.charAt(i);
    const b = code.charAt(i + 1);
    if (a !== b) out.push(code.slice(0, i) + b + a + code.slice(i + 2));
  }
  return out;
}

describe('the alphabet', () => {
  it('has 29 distinct symbols, a prime', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(29);
    expect(CODE_ALPHABET).toHaveLength(29);
  });

  it('holds none of the look-alikes normalisation maps away', () => {
    expect([...'OQISZBG'].filter((c) => CODE_ALPHABET.includes(c))).toEqual([]);
  });

  it('gives 19 series letters, the letters of the alphabet', () => {
    expect(SERIES_LETTERS).toBe('ACDEFHJKLMNPRTUVWXY');
    expect(SERIES_LETTERS).toHaveLength(19);
  });
});

describe('normaliseCode', () => {
  it.each([
    ['4173k9', 'issued', '4173K9'],
    [' 4173 K9 ', 'issued', '4173K9'],
    ['4173-k9', 'issued', '4173K9'],
    ['41.73_k/9', 'issued', '4173K9'],
    ['4173\tK\n9', 'issued', '4173K9'],
    ['4173\u00a0K9', 'issued', '4173K9'],
    ['4173\u2013K9', 'issued', '4173K9'],
    ['OQ', 'issued', '00'],
    ['oq', 'issued', '00'],
    ['I', 'issued', '1'],
    ['S', 'issued', '5'],
    ['Z', 'issued', '2'],
    ['B', 'issued', '8'],
    ['G', 'issued', '6'],
    ['ISBOGZQ', 'issued', '1580620'],
    ['٤١٧٣K٩', 'issued', '4173K9'],
    ['۴۱۷۳K۹', 'issued', '4173K9'],
    ['４１７３ｋ９', 'issued', '4173K9'],
    ['', 'issued', ''],
    [' - . _ / ', 'issued', ''],
    ['ab-12', 'wristband', 'AB12'],
    ['  obiz 07 ', 'wristband', 'OBIZ07'],
    ['SG', 'wristband', 'SG'],
    ['٠٧', 'wristband', '07'],
    ['', 'wristband', ''],
  ] as const)('%j as %s is %j', (input, scheme, expected) => {
    expect(normaliseCode(input, scheme)).toBe(expected);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('issued' as const, 'wristband' as const), (input, scheme) => {
        const once = normaliseCode(input, scheme);
        expect(normaliseCode(once, scheme)).toBe(once);
      }),
    );
  });
});

describe('checkCharacter', () => {
  it.each([
    ['', '0'],
    ['1', 'F'], // 1·1 + 2·14 = 29
    ['4173K', 'L'], // 4 + 2·1 + 3·7 + 4·3 + 5·17 + 6·18 = 232 = 8·29
  ])('of %j is %j', (p, check) => {
    expect(checkCharacter(p)).toBe(check);
  });

  it('satisfies the weighted sum for any payload', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const code = p + checkCharacter(p);
        const sum = [...code].reduce((total, char, i) => total + (i + 1) * CODE_ALPHABET.indexOf(char), 0);
        expect(sum % 29).toBe(0);
      }),
    );
  });

  it.each(['B', 'o', '12-3', 'é', ' '])('throws on a payload with a character outside the alphabet: %j', (p) => {
    expect(() => checkCharacter(p)).toThrow(/not a code character/);
  });
});

describe('checkIssuedCode', () => {
  it.each([
    ['4173KL', { ok: true }],
    ['1F', { ok: true }],
    ['', { ok: false, problem: 'empty' }],
    ['4173KL0', { ok: false, problem: 'too-long' }],
    ['4173BL', { ok: false, problem: 'bad-character' }],
    ['4173kL', { ok: false, problem: 'bad-character' }],
    ['41 73', { ok: false, problem: 'bad-character' }],
    ['0', { ok: false, problem: 'wrong-check' }],
    ['4173K0', { ok: false, problem: 'wrong-check' }],
    ['4137KL', { ok: false, problem: 'wrong-check' }],
    ['4173LK', { ok: false, problem: 'wrong-check' }],
  ])('%j → %j', (code, expected) => {
    expect(checkIssuedCode(code)).toEqual(expected);
  });

  it('accepts every code issueCode makes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SERIES_LETTERS), fc.integer({ min: FIRST_SERIAL, max: LAST_SERIAL }), (series, serial) => {
        expect(checkIssuedCode(issueCode(series, serial))).toEqual({ ok: true });
      }),
    );
  });

  it('catches every single substitution of every sampled code', () => {
    fc.assert(
      fc.property(issued, (code) => {
        const missed = substitutions(code).filter((typo) => checkIssuedCode(typo).ok);
        expect(missed).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('catches every adjacent transposition of every sampled code', () => {
    fc.assert(
      fc.property(issued, (code) => {
        const missed = transpositions(code).filter((swap) => checkIssuedCode(swap).ok);
        expect(missed).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('catches every substitution and transposition of every code in one series, exhaustively', () => {
    let typos = 0;
    for (let serial = FIRST_SERIAL; serial <= LAST_SERIAL; serial++) {
      const code = issueCode('K', serial);
      for (const typo of [...substitutions(code), ...transpositions(code)]) {
        typos++;
        if (checkIssuedCode(typo).ok) throw new Error(`${typo} passes as a mistyping of ${code}`);
      }
    }
    expect(typos).toBeGreaterThan(9000 * 6 * 28);
  });
});

describe('checkWristbandCode', () => {
  it.each([
    ['A', { ok: true }],
    ['0', { ok: true }],
    ['OBIZ07', { ok: true }],
    ['123456789012', { ok: true }],
    ['', { ok: false, problem: 'empty' }],
    ['1234567890123', { ok: false, problem: 'too-long' }],
    ['ab12', { ok: false, problem: 'bad-character' }],
    ['AB-12', { ok: false, problem: 'bad-character' }],
    ['É1', { ok: false, problem: 'bad-character' }],
  ])('%j → %j', (code, expected) => {
    expect(checkWristbandCode(code)).toEqual(expected);
  });
});

describe('checkCode', () => {
  it.each([
    ['OBIZ07', 'wristband', true],
    ['OBIZ07', 'issued', false],
    [issueCode('A', 1000), 'issued', true],
  ] as const)('%j under %s is ok: %s', (code, scheme, ok) => {
    expect(checkCode(code, scheme).ok).toBe(ok);
  });
});

describe('issueCode', () => {
  it('issues 4173 in series K as 4173KL', () => {
    expect(issueCode('K', 4173)).toBe('4173KL');
  });

  it.each([
    ['A', 1000],
    ['K', 4173],
    ['Y', 9999],
  ])('%s %i → six characters: the serial, the series, a check', (series, serial) => {
    const code = issueCode(series, serial);
    expect(code).toHaveLength(6);
    expect(code.slice(0, 5)).toBe(`${serial}${series}`);
    expect(code.slice(5)).toBe(checkCharacter(`${serial}${series}`));
  });

  it('round trips through a forgiving typist: lower case, spaces, a dash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SERIES_LETTERS), fc.integer({ min: FIRST_SERIAL, max: LAST_SERIAL }), (series, serial) => {
        const code = issueCode(series, serial);
        const typed = ` ${code.slice(0, 2)}-${code.slice(2, 4)} ${code.slice(4).toLowerCase()} `;
        expect(normaliseCode(typed, 'issued')).toBe(code);
        expect(normaliseCode(formatCodeForReading(code), 'issued')).toBe(code);
      }),
    );
  });

  it('never gives the same code in two series, server or local', () => {
    const seen = new Map<string, string>();
    let longest = 0;
    const localSeries = [...SERIES_LETTERS].flatMap((letter) => [...CODE_ALPHABET].map((symbol) => letter + symbol));
    for (const series of [...SERIES_LETTERS, ...localSeries]) {
      const span = seriesSpan(series)!;
      for (let serial = span.first; serial <= span.last; serial++) {
        const code = issueCode(series, serial);
        longest = Math.max(longest, code.length);
        const earlier = seen.get(code);
        if (earlier) throw new Error(`${code} issued as ${earlier} and as ${series}${serial}`);
        seen.set(code, `${series}${serial}`);
      }
    }
    expect(seen.size).toBe(19 * 9000 + 19 * 29 * 900);
    expect(longest).toBe(6);
    // 667,000 codes with their check characters: seconds on a busy machine.
  }, 30_000);

  it('issues a local series as three digits, the two series symbols and a check, each code passing the check', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SERIES_LETTERS), fc.constantFrom(...CODE_ALPHABET), fc.integer({ min: 100, max: 999 }), (letter, symbol, serial) => {
        const code = issueCode(letter + symbol, serial);
        expect(code).toMatch(/^[1-9]\d{2}[A-Z][0-9A-Z][0-9A-Z]$/);
        expect(checkIssuedCode(code)).toEqual({ ok: true });
        expect(normaliseCode(formatCodeForReading(code).toLowerCase(), 'issued')).toBe(code);
      }),
    );
  });

  it.each([
    ['B', 4173],
    ['k', 4173],
    ['1', 4173],
    ['KK', 4173],
    ['KK', 99],
    ['K1K', 417],
    ['1K', 417],
    ['', 4173],
    ['K', 999],
    ['K', 10000],
    ['K', 4173.5],
    ['K', Number.NaN],
  ])('throws on series %j, serial %d', (series, serial) => {
    expect(() => issueCode(series, serial)).toThrow(/series|serial/);
  });
});

describe('formatCodeForReading', () => {
  it.each([
    ['4173K9', '4173 K9'],
    ['1000A0', '1000 A0'],
    ['10', '10'],
    ['AB12', 'AB12'],
    ['123456789012', '123456789012'],
    ['', ''],
    ['417KA9', '417 KA9'],
    ['417K39', '417 K39'],
    ['123456', '123456'],
  ])('%j → %j', (code, reading) => {
    expect(formatCodeForReading(code)).toBe(reading);
  });
});

describe('local series for a tablet that was never enrolled', () => {
  it.each([
    [[0, 0], 'A0', 100],
    [[0.999999, 0.999999, 0.999999], 'YY', 999],
    [[0.5, 0.5, 0.5], 'MF', 550],
  ])('draws %j as series %s from serial %i', (rolls, series, firstSerial) => {
    const dice = [...rolls];
    expect(drawLocalSeries(() => dice.shift() ?? 0)).toEqual({ series, firstSerial });
  });

  it('draws every one of the 551 series and every start, so two fresh tablets rarely share one', () => {
    const seen = new Set<string>();
    const starts = new Set<number>();
    for (let i = 0; i < 19 * 29; i++) {
      const letter = Math.floor(i / 29);
      const symbol = i % 29;
      const dice = [(letter + 0.5) / 19, (symbol + 0.5) / 29, (i % 900) / 900];
      const drawn = drawLocalSeries(() => dice.shift()!);
      seen.add(drawn.series);
      starts.add(drawn.firstSerial);
      expect(isLocalSeries(drawn.series)).toBe(true);
    }
    expect(seen.size).toBe(551);
    expect(Math.min(...starts)).toBe(100);
  });

  it.each([
    ['KA', 417, 418],
    ['KA', 999, 100],
    ['K', 9999, 1000],
    ['K', 4173, 4174],
  ])('after %s %i comes %i', (series, serial, next) => {
    expect(nextSerial(series, serial)).toBe(next);
  });

  it.each(['K', 'A', 'Y'])('tells server series %s from local ones', (series) => {
    expect(isServerSeries(series)).toBe(true);
    expect(isLocalSeries(series)).toBe(false);
    expect(isLocalSeries(`${series}0`)).toBe(true);
    expect(isServerSeries(`${series}0`)).toBe(false);
    expect(isLocalSeries(`0${series}`)).toBe(false);
  });
});

describe('childIdFromCode', () => {
  it.each([
    ['4173K9', 'child-4173K9'],
    ['OBIZ07', 'child-OBIZ07'],
  ])('%j → %j', (code, id) => {
    expect(childIdFromCode(code)).toBe(id);
  });

  it('gives one child for one code typed two ways on two tablets', () => {
    const code = issueCode('K', 4173);
    const first = childIdFromCode(normaliseCode(code.toLowerCase(), 'issued'));
    const second = childIdFromCode(normaliseCode(formatCodeForReading(code), 'issued'));
    expect(first).toBe(second);
  });
});
