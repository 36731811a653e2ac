import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { Stored } from '../../db/core/database';
import { usePresentChildren } from '../../db/hooks/presence';
import { type PresentChild } from '../../db/repositories/presence';

/** A check-in or check-out this screen has just committed to IndexedDB. */
export type CommittedChange =
  | { kind: 'in'; child: Stored<'children'>; at: number; eventId: string }
  | { kind: 'out'; childId: string };

type Overlay = { basis: PresentChild[] | undefined; list: PresentChild[] };

/**
 * The children present, updated in the same render as the confirmation of a tap. The write has
 * committed by then, so showing its result is no promise the app might break; waiting for the
 * live query to read the day again would cost a cheap tablet another render, tens of
 * milliseconds later. The next live result replaces the overlay (and agrees with it).
 */
export function usePresentNow(day: string) {
  const live = usePresentChildren(day);
  const [overlay, setOverlay] = useState<Overlay | null>(null);
  const latestLive = useRef(live);
  useLayoutEffect(() => {
    latestLive.current = live;
  });

  const applyCommitted = useCallback((change: CommittedChange) => {
    setOverlay((current) => {
      const basis = latestLive.current;
      const base = current && current.basis === basis ? current.list : (basis ?? []);
      let list: PresentChild[];
      if (change.kind === 'out') list = base.filter((entry) => entry.child.id !== change.childId);
      else if (base.some((entry) => entry.child.id === change.child.id)) list = base;
      else list = [{ child: change.child, since: change.at, eventId: change.eventId }, ...base];
      return { basis, list };
    });
  }, []);

  const present = overlay && overlay.basis === live ? overlay.list : live;
  return { present, applyCommitted };
}
