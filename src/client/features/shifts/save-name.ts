import { checkDisplayName } from '../../../shared/shifts';
import type { ShiftsMessages } from './messages';

/** What saving a name came to: done, or a sentence to show at the field. */
export type NameSaved = { ok: true } | { ok: false; fieldError: string | null };

/** The field's own message for a name that cannot be stored, before any write is tried. */
export function nameProblem(typed: string, m: ShiftsMessages): string | null {
  const checked = checkDisplayName(typed);
  if (checked.ok) return null;
  return checked.problem === 'empty' ? m('nameEmpty') : m('nameTooLong');
}
