import type { Stored } from '../../db/core/database';
import { db } from '../../db/db';
import { signOff, signOn, voidShiftEvent } from '../../db/repositories/shifts';
import type { OnDutyVolunteer } from '../../db/repositories/presence';
import { DuplicateVolunteerError, addVolunteer, renameVolunteer, setVolunteerActive, undoActiveChange, undoAddVolunteer } from '../../db/repositories/volunteers';
import type { Actions } from '../../ui/actions';
import type { ShiftsMessages } from './messages';
import type { NameSaved } from './save-name';

/**
 * Every write the Shifts screen makes, through the shared actions: each confirmed with its Undo,
 * a double tap on a name done once (nobody means to sign on and straight back off).
 */
export function useShiftActions(m: ShiftsMessages, actions: Actions) {
  const nameTaken = (error: unknown) => (error instanceof DuplicateVolunteerError ? m('nameTaken', { name: error.existing }) : null);

  /** Runs a name change, saying a name already taken at the field rather than in the notice. */
  const saveName = async <R,>(perform: () => Promise<R>, confirm: (result: R) => { text: string; undo: () => Promise<unknown> }, key: string): Promise<NameSaved> => {
    let fieldError: string | null = null;
    const saved = await actions.run(perform, confirm, {
      key,
      atField: (error) => {
        fieldError = nameTaken(error);
        return fieldError !== null;
      },
    });
    return saved === null ? { ok: false, fieldError } : { ok: true };
  };

  const tap = async (volunteer: Stored<'volunteers'>, duty: OnDutyVolunteer | undefined) => {
    const name = volunteer.displayName ?? '';
    await actions.run(
      () => (duty ? signOff(db, volunteer.id) : signOn(db, volunteer.id)),
      (event) => ({ text: m(duty ? 'signedOff' : 'signedOn', { name }), undo: () => voidShiftEvent(db, event.id) }),
      { key: `shift:${volunteer.id}` },
    );
  };

  const add = (displayName: string): Promise<NameSaved> =>
    saveName(
      () => addVolunteer(db, displayName),
      (volunteer) => ({ text: m('added', { name: volunteer.displayName ?? '' }), undo: () => undoAddVolunteer(db, volunteer.id) }),
      // Per name: a double tap on Add is one volunteer; two newcomers added one after the other are two.
      `add-volunteer:${displayName.trim().toLowerCase()}`,
    );

  const rename = (volunteer: Stored<'volunteers'>, displayName: string): Promise<NameSaved> => {
    const old = volunteer.displayName ?? '';
    return saveName(
      () => renameVolunteer(db, volunteer.id, displayName),
      (renamed) => ({ text: m('renamed', { old, name: renamed.displayName ?? '' }), undo: () => renameVolunteer(db, volunteer.id, old) }),
      `rename:${volunteer.id}`,
    );
  };

  const remove = async (volunteer: Stored<'volunteers'>): Promise<boolean> => {
    const name = volunteer.displayName ?? '';
    const change = await actions.run(
      () => setVolunteerActive(db, volunteer.id, false),
      (done) => ({ text: m(done.signedOff ? 'removedAndSignedOff' : 'removed', { name }), undo: () => undoActiveChange(db, done) }),
      // An Undo that would bring back a name a newcomer has taken since says so by name.
      { key: `remove:${volunteer.id}`, explain: nameTaken },
    );
    return change !== null;
  };

  return { tap, add, rename, remove };
}
