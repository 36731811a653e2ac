import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../../db/db';
import { loadCardChildren, loadCentreName, type CardChild } from '../../db/repositories/code-cards';
import { loadReservedBatches, type ReservedBatchView } from '../../db/repositories/reserved-codes';

/** This tablet's children, by code, live; undefined while they are read. */
export function useCardChildren(): CardChild[] | undefined {
  return useLiveQuery(() => loadCardChildren(db), []);
}

/** The batches of codes issued ahead here, newest first, live: a code registered on Today stops waiting at once. */
export function useReservedBatches(): ReservedBatchView[] | undefined {
  return useLiveQuery(() => loadReservedBatches(db), []);
}

/** The centre's name for the cards: null when never enrolled, undefined while it is read. */
export function useCentreName(): string | null | undefined {
  return useLiveQuery(() => loadCentreName(db), []);
}
