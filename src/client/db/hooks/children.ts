import { useLiveQuery } from 'dexie-react-hooks';
import type { Stored } from '../core/database';
import { db } from '../db';
import type { CodeClash } from '../../../shared/code-clashes';
import { loadChildDetail, loadCodeSuggestions, type ChildDetail } from '../repositories/children';
import { loadCodeClashes, type RegistrationView } from '../repositories/code-clashes';

/** Registered children whose code starts with `prefix` (normalised), live; empty while loading. */
export function useCodeSuggestions(prefix: string, limit: number): Stored<'children'>[] {
  return useLiveQuery(() => loadCodeSuggestions(db, prefix, limit), [prefix, limit]) ?? [];
}

/** The codes that reached two children, live; undefined while loading. */
export function useCodeClashes(): CodeClash<RegistrationView>[] | undefined {
  return useLiveQuery(() => loadCodeClashes(db), []);
}

/** A child with their recent visits, live: null when there is no such child, undefined while loading. */
export function useChildDetail(childId: string | null): ChildDetail | null | undefined {
  return useLiveQuery(() => (childId === null ? null : loadChildDetail(db, childId)), [childId]);
}
