import { combineCorrections, correctionFor, type DayCorrection } from './corrections';
import type { DayFacts } from './day-facts';
import { summariseRange, type ChildRow } from './summarise';

/**
 * The corrections that keep the figures of `days` when records are deleted (an erasure or a
 * purge): the facts of those days before and after the deletion, and the children before and
 * after (an erased child's record goes too). Days whose figures the deletion does not change get
 * none. `standIn` names an erased child (see corrections.ts); a purge gives none.
 */
export function correctionsForRemoval(
  before: { facts: readonly DayFacts[]; children: readonly ChildRow[] },
  after: { facts: readonly DayFacts[]; children: readonly ChildRow[] },
  standIn: (childId: string) => string | undefined,
): DayCorrection[] {
  const was = summariseRange(before.facts, before.children).days;
  const is = summariseRange(after.facts, after.children).days;
  const corrections: DayCorrection[] = [];
  before.facts.forEach((facts, i) => {
    const afterFacts = after.facts[i]!;
    if (afterFacts.day !== facts.day) throw new Error('before and after must list the same days');
    const correction = correctionFor({ facts, children: was[i]! }, { facts: afterFacts, children: is[i]! }, standIn);
    if (changesAnything(correction)) corrections.push(correction);
  });
  return corrections;
}

/** A day's kept correction and a new one, as one (either may be missing). */
export function withCorrection(kept: DayCorrection | undefined, added: DayCorrection): DayCorrection {
  return kept ? combineCorrections(kept, added) : added;
}

function changesAnything(correction: DayCorrection): boolean {
  const { day: _day, peakAt, standIns, ...figures } = correction;
  if (peakAt !== null || standIns.length > 0) return true;
  const nonZero = (value: unknown): boolean => (typeof value === 'number' ? value !== 0 : typeof value === 'object' && value !== null && Object.values(value).some(nonZero));
  return Object.values(figures).some(nonZero);
}
