import { TEXT_LIMITS } from './schema/limits';

/**
 * The rules for volunteers' names, shared by the tablet (the form and the repository) and any
 * later server check. Who is on duty is not here: presence.ts derives it (presentAt + fromShifts).
 */

/** The schema's limit: a first name or nickname, never a full identity. */
export const DISPLAY_NAME_MAX = TEXT_LIMITS.volunteerName;

export type DisplayNameProblem = 'empty' | 'too-long';

/**
 * A name as it is stored: trimmed, inner runs of spaces made one, composed (NFC), so "Zoé"
 * typed on two keyboards is one name and "Sam  B." cannot pass for a second "Sam B.".
 */
export function normaliseDisplayName(typed: string): string {
  return typed.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** Reads a typed name: the name to store, or why it cannot be one. */
export function checkDisplayName(typed: string): { ok: true; displayName: string } | { ok: false; problem: DisplayNameProblem } {
  const displayName = normaliseDisplayName(typed);
  if (displayName === '') return { ok: false, problem: 'empty' };
  if (displayName.length > DISPLAY_NAME_MAX) return { ok: false, problem: 'too-long' };
  return { ok: true, displayName };
}

/** Two names a volunteer would read as the same tile: case and spacing do not tell them apart. */
export function sameDisplayName(a: string, b: string): boolean {
  return normaliseDisplayName(a).toLowerCase() === normaliseDisplayName(b).toLowerCase();
}

type NamedVolunteer = { id: string; displayName?: string; active?: boolean; deleted?: boolean };

/**
 * The active volunteer who already goes by `displayName`, if any (other than `exceptId`, the one
 * being renamed). Only active ones count: a volunteer who left months ago keeps their name in
 * past shifts without blocking a newcomer with the same one.
 */
export function findNameClash<V extends NamedVolunteer>(displayName: string, volunteers: readonly V[], exceptId?: string): V | undefined {
  return volunteers.find(
    (volunteer) =>
      volunteer.id !== exceptId &&
      volunteer.active === true &&
      !volunteer.deleted &&
      volunteer.displayName !== undefined &&
      sameDisplayName(volunteer.displayName, displayName),
  );
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Alphabetical, as a volunteer scans a wall of names; the id breaks ties so every tablet agrees. */
export function compareByDisplayName(a: NamedVolunteer, b: NamedVolunteer): number {
  return collator.compare(a.displayName ?? '', b.displayName ?? '') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
