import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { db } from '../db';
import { computeRange, keepDayFacts, readRange, type RangeView } from '../repositories/summary';

export type ReadyRange = Extract<RangeView, { state: 'ready' }>;

/**
 * The report over `days` (consecutive, oldest first), live: a check-in on this tablet or a pulled
 * change shows at once. Days whose facts are not kept yet are worked out and kept, and the live
 * query then reads them; meanwhile the last figures of the same range stay on screen, so a
 * check-in elsewhere never blanks the summary. Undefined only while the first figures load.
 */
export function useRangeReport(days: readonly string[]): ReadyRange | undefined {
  const key = days.join(',');
  // `key` is `days` by value: a new array of the same days must not query again.
  const view = useLiveQuery(() => (days.length === 0 ? undefined : readRange(db, days)), [key]);
  const [shown, setShown] = useState<{ key: string; ready: ReadyRange } | null>(null);

  // Remembering the last ready figures is derived state: set during render, as React advises.
  if (view?.state === 'ready' && (shown?.ready !== view || shown.key !== key)) setShown({ key, ready: view });

  useEffect(() => {
    if (view?.state !== 'missing') return;
    let current = true;
    keepDayFacts(db, view.days).catch(async () => {
      // Keeping failed (storage full?): the lead still gets figures, worked out each time.
      const computed = await computeRange(db, days);
      if (current && computed.state === 'ready') setShown({ key, ready: computed });
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is `days` by value
  }, [view, key]);

  return shown?.key === key ? shown.ready : undefined;
}
