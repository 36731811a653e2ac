/**
 * The scanner's short memory of the cards it has read. The camera reads a card held in front of
 * it five times a second, and every read would otherwise check the child in, out and in again:
 * a card is one scan until it has been out of sight for HOLD_MS. So a volunteer who shows a card,
 * then shows it again a few seconds later, checks the child in and then out, as two taps would.
 */

/** Long enough for a hand to lower a card, short enough that a second scan soon after counts. */
export const HOLD_MS = 3000;

export type CardMemory = {
  /** Whether `text`, read now, is a new scan (true) or the card still in view (false). */
  isNewScan: (text: string) => boolean;
};

export function cardMemory(now: () => number = Date.now, holdMs = HOLD_MS): CardMemory {
  // Per text, when it was last seen: two cards in view, read by turns, stay two scans.
  const lastSeen = new Map<string, number>();
  return {
    isNewScan: (text) => {
      const at = now();
      for (const [seen, when] of lastSeen) {
        // A clock set back (the tablet's time corrected) forgets, rather than ignoring a card for hours.
        if (at - when >= holdMs || at < when) lastSeen.delete(seen);
      }
      const isNew = !lastSeen.has(text);
      lastSeen.set(text, at);
      return isNew;
    },
  };
}
