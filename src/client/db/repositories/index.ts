import type { SettingKey, SettingValue } from '../../../shared/schema';
import type { DaybookDatabase } from '../core/database';
import * as attendance from './attendance';
import * as childCodes from './child-codes';
import * as childRecords from './child-records';
import * as children from './children';
import * as codeClashes from './code-clashes';
import * as dayClose from './day-close';
import * as leadPin from './lead-pin';
import * as sessions from './sessions';
import * as settings from './settings';
import * as shifts from './shifts';
import * as volunteers from './volunteers';

/**
 * Every action a volunteer or lead takes, bound to one database. The app binds them to the
 * tablet's own (db.ts); the multi-tablet tests bind them to each simulated tablet's, so they run
 * the same actions (register, check in, close the day) on several tablets at once.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action's own parameters, kept by inference
type Action = (database: DaybookDatabase, ...args: any[]) => unknown;
type Bound<A> = A extends (database: DaybookDatabase, ...args: infer P) => infer R ? (...args: P) => R : never;
type BoundAll<M extends Record<string, Action>> = { [K in keyof M]: Bound<M[K]> };

function bind<M extends Record<string, Action>>(database: DaybookDatabase, actions: M): BoundAll<M> {
  return Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, (...args: unknown[]) => action(database, ...args)])) as BoundAll<M>;
}

export function createRepositories(database: DaybookDatabase) {
  return {
    ...bind(database, {
      checkIn: attendance.checkIn,
      checkOut: attendance.checkOut,
      undoCheckOut: attendance.undoCheckOut,
      voidAttendance: attendance.voidAttendance,
      lookUpCode: childCodes.lookUpCode,
      registerChild: children.registerChild,
      registerNewChild: children.registerNewChild,
      registerAndCheckIn: children.registerAndCheckIn,
      undoRegistration: children.undoRegistration,
      correctChild: childRecords.correctChild,
      giveNewCode: codeClashes.giveNewCode,
      keepAsSameChild: codeClashes.keepAsSameChild,
      undoNewCode: codeClashes.undoNewCode,
      undoSameChild: codeClashes.undoSameChild,
      startSession: sessions.startSession,
      undoStartSession: sessions.undoStartSession,
      addParticipants: sessions.addParticipants,
      removeParticipant: sessions.removeParticipant,
      endSession: sessions.endSession,
      undoSessionChange: sessions.undoSessionChange,
      signOn: shifts.signOn,
      signOff: shifts.signOff,
      voidShiftEvent: shifts.voidShiftEvent,
      addVolunteer: volunteers.addVolunteer,
      undoAddVolunteer: volunteers.undoAddVolunteer,
      renameVolunteer: volunteers.renameVolunteer,
      setVolunteerActive: volunteers.setVolunteerActive,
      undoActiveChange: volunteers.undoActiveChange,
      closeDay: dayClose.closeDay,
      undoCloseDay: dayClose.undoCloseDay,
      reopenDay: dayClose.reopenDay,
      undoReopenDay: dayClose.undoReopenDay,
      clearLateArrivals: dayClose.clearLateArrivals,
      setLeadPin: leadPin.setLeadPin,
      removeLeadPin: leadPin.removeLeadPin,
      checkLeadPin: leadPin.checkLeadPin,
    }),
    // Generic over the key, which binding would lose: a key's value type stays checked.
    saveSetting: <K extends SettingKey>(key: K, value: SettingValue<K>, now?: number) => settings.saveSetting(database, key, value, now),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
