import { useLiveQuery } from 'dexie-react-hooks';
import type { CodeClash } from '../../../shared/code-clashes';
import { db } from '../db';
import { loadChildDetail, loadChildList, loadLastVisits, type ChildDetail, type ChildListEntry } from '../repositories/child-records';
import { loadCodeClashes, type RegistrationView } from '../repositories/code-clashes';

/** The lead's view of children (its own module: Today's first load carries none of it). */

/** The codes that reached two children, live; undefined while loading. */
export function useCodeClashes(): CodeClash<RegistrationView>[] | undefined {
  return useLiveQuery(() => loadCodeClashes(db), []);
}

/** A child with their recent visits, live: null when there is no such child, undefined while loading. */
export function useChildDetail(childId: string | null): ChildDetail | null | undefined {
  return useLiveQuery(() => (childId === null ? null : loadChildDetail(db, childId)), [childId]);
}

/** Every child registered here, by code, live; undefined while loading. */
export function useChildList(): ChildListEntry[] | undefined {
  return useLiveQuery(() => loadChildList(db), []);
}

/** The last day each of the children shown came, live (the key keeps one query per set shown). */
export function useLastVisits(childIds: readonly string[]): Map<string, string> | undefined {
  const key = childIds.join(',');
  return useLiveQuery(() => loadLastVisits(db, childIds), [key]);
}
