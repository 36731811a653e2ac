import { useRef } from 'react';
import { DayClosedError } from '../../db/day-guard';
import type { Stored } from '../../db/database';
import type { OnDutyVolunteer } from '../../db/presence-hooks';
import { signOff, signOn, voidShiftEvent } from '../../db/shifts';
import { addVolunteer, DuplicateVolunteerError, renameVolunteer, setVolunteerActive, undoActiveChange, undoAddVolunteer } from '../../db/volunteers';
import type { Notice } from '../../ui/notice';
import type { ShiftsMessages } from './messages';
import type { NameSaved } from './save-name';

/** Taps on one tile closer together than this are one tap: nobody means to sign on and off in half a second. */
const DOUBLE_TAP_MS = 600;

type Notices = { show: (text: string, undo?: () => Promise<void>) => void; showError: (text: string) => void };

/** Every write the Shifts screen makes, each confirmed in the notice bar with its Undo. */
export function useShiftActions(m: ShiftsMessages, { show, showError }: Notices) {
  // A second tap on the same tile while its write is running, or just after, is a double tap:
  // it must not sign someone on and straight back off.
  const lastTap = useRef(new Map<string, number>());

  const failed = (error: unknown) => {
    if (error instanceof DayClosedError) showError(m('dayClosed'));
    // An Undo that would bring back a name a newcomer has taken since.
    else if (error instanceof DuplicateVolunteerError) showError(m('nameTaken', { name: error.existing }));
    else showError(m('writeFailed', { reason: error instanceof Error ? error.message : String(error) }));
  };

  /** A name the repository refused is said at the field; any other failure in the notice bar. */
  const nameFailed = (error: unknown): NameSaved => {
    if (error instanceof DuplicateVolunteerError) return { ok: false, fieldError: m('nameTaken', { name: error.existing }) };
    failed(error);
    return { ok: false, fieldError: null };
  };

  const tap = async (volunteer: Stored<'volunteers'>, duty: OnDutyVolunteer | undefined) => {
    const at = performance.now();
    if (at - (lastTap.current.get(volunteer.id) ?? Number.NEGATIVE_INFINITY) < DOUBLE_TAP_MS) return;
    lastTap.current.set(volunteer.id, Number.POSITIVE_INFINITY);
    try {
      const event = duty ? await signOff(volunteer.id) : await signOn(volunteer.id);
      const name = volunteer.displayName ?? '';
      show(m(duty ? 'signedOff' : 'signedOn', { name }), () => voidShiftEvent(event.id).then(() => undefined));
    } catch (error) {
      failed(error);
    } finally {
      lastTap.current.set(volunteer.id, performance.now());
    }
  };

  const add = async (displayName: string): Promise<NameSaved> => {
    try {
      const volunteer = await addVolunteer(displayName);
      show(m('added', { name: volunteer.displayName ?? '' }), () => undoAddVolunteer(volunteer.id).then(() => undefined));
      return { ok: true };
    } catch (error) {
      return nameFailed(error);
    }
  };

  const rename = async (volunteer: Stored<'volunteers'>, displayName: string): Promise<NameSaved> => {
    const old = volunteer.displayName ?? '';
    try {
      const renamed = await renameVolunteer(volunteer.id, displayName);
      show(m('renamed', { old, name: renamed.displayName ?? '' }), () => renameVolunteer(volunteer.id, old).then(() => undefined));
      return { ok: true };
    } catch (error) {
      return nameFailed(error);
    }
  };

  const remove = async (volunteer: Stored<'volunteers'>): Promise<boolean> => {
    try {
      const change = await setVolunteerActive(volunteer.id, false);
      const name = volunteer.displayName ?? '';
      show(m(change.signedOff ? 'removedAndSignedOff' : 'removed', { name }), () => undoActiveChange(change));
      return true;
    } catch (error) {
      failed(error);
      return false;
    }
  };

  const undo = async (notice: Notice) => {
    try {
      await notice.undo?.();
      show(m('undone'));
    } catch (error) {
      failed(error);
    }
  };

  return { tap, add, rename, remove, undo };
}
