import { useLiveQuery } from 'dexie-react-hooks';
import type { Stored } from '../core/database';
import { db } from '../db';
import { loadCodeSuggestions } from '../repositories/child-codes';

/** Registered children whose code starts with `prefix` (normalised), live; empty while loading. */
export function useCodeSuggestions(prefix: string, limit: number): Stored<'children'>[] {
  return useLiveQuery(() => loadCodeSuggestions(db, prefix, limit), [prefix, limit]) ?? [];
}
