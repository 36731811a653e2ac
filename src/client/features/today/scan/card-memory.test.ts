import { describe, expect, it } from 'vitest';
import { cardMemory, HOLD_MS } from './card-memory';

/** Each row: a card read at a time (ms), and whether it counts as a new scan. */
function scans(reads: [text: string, at: number][]): boolean[] {
  let now = 0;
  const memory = cardMemory(() => now);
  return reads.map(([text, at]) => {
    now = at;
    return memory.isNewScan(text);
  });
}

describe('The scanner’s memory of the cards it read', () => {
  it.each<[string, [string, number][], boolean[]]>([
    ['a first read is a scan', [['4173KL', 0]], [true]],
    ['the card still in view, five reads a second, is one scan', [['4173KL', 0], ['4173KL', 200], ['4173KL', 400], ['4173KL', 2999]], [true, false, false, false]],
    ['a card held for ten seconds is still one scan', Array.from({ length: 51 }, (_, i): [string, number] => ['4173KL', i * 200]), [true, ...Array.from({ length: 50 }, () => false)]],
    ['shown again after the hold, it is a second scan', [['4173KL', 0], ['4173KL', HOLD_MS]], [true, true]],
    ['just inside the hold, it is not', [['4173KL', 0], ['4173KL', HOLD_MS - 1]], [true, false]],
    ['the hold runs from when it was last seen, not first', [['4173KL', 0], ['4173KL', 2500], ['4173KL', 5000], ['4173KL', 5500 + HOLD_MS]], [true, false, false, true]],
    ['two cards are two scans', [['4173KL', 0], ['5280MN', 100]], [true, true]],
    ['two cards in view, read by turns, stay two scans', [['4173KL', 0], ['5280MN', 200], ['4173KL', 400], ['5280MN', 600]], [true, true, false, false]],
    ['a clock set back forgets rather than ignoring a card for hours', [['4173KL', 10_000_000], ['4173KL', 0]], [true, true]],
  ])('%s', (_, reads, expected) => {
    expect(scans(reads)).toEqual(expected);
  });

  it('keeps the hold it is given', () => {
    let now = 0;
    const memory = cardMemory(() => now, 500);
    expect(memory.isNewScan('4173KL')).toBe(true);
    now = 499;
    expect(memory.isNewScan('4173KL')).toBe(false);
    now = 999;
    expect(memory.isNewScan('4173KL')).toBe(true);
  });
});
