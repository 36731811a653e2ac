import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayCloseId, participationId, uuidv7 } from './ids';
import { recordId } from './schema';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T = 1_763_942_400_000; // 2025-11-24T00:00:00Z = 0x019ab3290000

/** The 48-bit timestamp a UUIDv7 carries. */
const timeOf = (uuid: string) => parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
  it.each([
    [0, '00000000-0000-7'],
    [1, '00000000-0001-7'],
    [T, '019ab329-0000-7'],
    [2 ** 48 - 1, 'ffffffff-ffff-7'],
  ])('stamps %i as %s…', (now, prefix) => {
    const id = uuidv7(now);
    expect(id).toMatch(UUID_V7);
    expect(id.startsWith(prefix)).toBe(true);
    expect(timeOf(id)).toBe(now);
  });

  it('sets version 7 and variant 10 whatever the random bits', () => {
    for (let i = 0; i < 1000; i++) {
      const bytes = uuidv7(T).replace(/-/g, '');
      expect(parseInt(bytes.charAt(12), 16)).toBe(7);
      expect(parseInt(bytes.charAt(16), 16) >> 2).toBe(0b10);
    }
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const id = uuidv7();
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it('sorts by time: an id made later sorts after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 2 ** 40 }), (earlier, gap) => {
        const later = Math.min(earlier + gap, 2 ** 48 - 1);
        expect(uuidv7(earlier) < uuidv7(later)).toBe(true);
      }),
    );
  });

  it('makes 10,000 different ids in one millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(T)));
    expect(ids.size).toBe(10_000);
  });

  it('fits the schema for record ids', () => {
    expect(recordId.safeParse(uuidv7()).success).toBe(true);
  });

  it.each([-1, 2 ** 48, Number.NaN, Number.POSITIVE_INFINITY])('throws on the time %d', (now) => {
    expect(() => uuidv7(now)).toThrow(RangeError);
  });
});

describe('derived ids', () => {
  it.each([
    ['019ab329-0000-7abc-8def-0123456789ab', 'child-4173KL', '019ab329-0000-7abc-8def-0123456789ab:child-4173KL'],
    ['s1', 'c1', 's1:c1'],
  ])('participationId(%s, %s) = %s', (sessionId, childId, id) => {
    expect(participationId(sessionId, childId)).toBe(id);
  });

  it('keeps a participation id within the 64 characters of a record id', () => {
    const id = participationId(uuidv7(), 'child-123456789012');
    expect(id.length).toBeLessThanOrEqual(64);
    expect(recordId.safeParse(id).success).toBe(true);
  });

  it.each([
    ['2026-03-29', 'day-2026-03-29'],
    ['2026-10-25', 'day-2026-10-25'],
  ])('dayCloseId(%s) = %s', (day, id) => {
    expect(dayCloseId(day)).toBe(id);
  });
});
