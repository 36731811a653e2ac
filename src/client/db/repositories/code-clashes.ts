import { childIdFromCode } from '../../../shared/codes';
import { findCodeClashes, movedEventId, recordsThatMove, type CodeClash, type RegistrationFacts } from '../../../shared/code-clashes';
import { participationId, uuidv7 } from '../../../shared/ids';
import type { AgeBand, Gender } from '../../../shared/schema';
import type { DaybookDatabase, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, revertWrites, writeRemembering, type Revert } from '../core/write';
import { issueCodeForTablet, secureRandom } from './code-series';
import { loadDeviceRole } from './device';

/**
 * The lead's answers when one code reached two children (product.md, Codes): "the same child
 * after all", or "another child", who gets a new code and takes their visits and sessions along.
 * Nothing is deleted or merged silently: the moved events are copies with ids derived from the
 * originals, the originals voided, so two tablets that move the same visits agree.
 */

export type RegistrationView = RegistrationFacts & { languages: string[]; registeredOn: string; visits: number };

/** The clock of the write that set `field` on a stored row. */
function clockOf(row: { _hlc: string; _hlcs?: Record<string, string> }, field: string): string {
  return row._hlcs?.[field] ?? row._hlc;
}

function asFacts(row: Stored<'registrations'>): RegistrationFacts | null {
  const { childId, code, ageBand, gender, at } = row;
  if (childId === undefined || code === undefined || ageBand === undefined || gender === undefined || at === undefined) return null;
  return {
    id: row.id,
    childId,
    code,
    ageBand,
    gender,
    at,
    issued: row.issued === true,
    resolution: row.resolution ?? null,
    deleted: row.deleted === true,
    registeredHlc: clockOf(row, 'childId'),
  };
}

/** The child's attendance events and participations, with the clock that made each. */
async function childRecords(database: DaybookDatabase, childId: string) {
  const [attendance, participations] = await Promise.all([
    database.attendance.where('childId').equals(childId).toArray(),
    database.participations.where('childId').equals(childId).toArray(),
  ]);
  const facts = <R extends Stored<'attendance'> | Stored<'participations'>>(row: R) => ({ id: row.id, childId, deleted: row.deleted === true, createdHlc: clockOf(row, 'childId'), row });
  return { attendance: attendance.map(facts), participations: participations.map(facts) };
}

/** The codes that reached two children, each registration with the visits its tablet recorded. */
export async function loadCodeClashes(database: DaybookDatabase): Promise<CodeClash<RegistrationView>[]> {
  const rows = await database.registrations.toArray();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const clashes = findCodeClashes(rows.flatMap((row) => asFacts(row) ?? []));
  return Promise.all(
    clashes.map(async (clash) => {
      const { attendance } = await childRecords(database, clash.childId);
      const registrations = clash.registrations.map((facts) => {
        const row = byId.get(facts.id)!;
        // What would move with this registration if the lead gave it a new code now.
        const visits = recordsThatMove({ childId: clash.childId, registeredHlc: facts.registeredHlc, resolvedHlc: '\uffff' }, attendance).filter(
          (event) => event.row.kind === 'in',
        ).length;
        return { ...facts, languages: row.languages ?? [], registeredOn: row.registeredOn ?? '', visits };
      });
      return { ...clash, registrations };
    }),
  );
}

async function assertLead(database: DaybookDatabase): Promise<void> {
  if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', 'role: only a lead can answer a code given to two children');
}

type Answerable = { row: Stored<'registrations'>; facts: RegistrationFacts; profile: { ageBand: AgeBand; gender: Gender; languages: string[]; registeredOn: string } };

async function requireRegistration(database: DaybookDatabase, id: string): Promise<Answerable> {
  const row = await database.registrations.get(id);
  const facts = row && asFacts(row);
  if (!row || !facts || facts.deleted || row.ageBand === undefined || row.gender === undefined || row.registeredOn === undefined) {
    throw new InvalidWriteError('no-such-record', 'registrationId: no such registration on this tablet');
  }
  return { row, facts, profile: { ageBand: row.ageBand, gender: row.gender, languages: row.languages ?? [], registeredOn: row.registeredOn } };
}

/**
 * Moves to `toChildId` the records of `fromChildId` that the registration's tablet wrote after
 * it and before `resolvedHlc`: each event copied under a derived id and the original voided,
 * each participation re-made under the new child's id. Returns how many visits moved.
 */
async function moveRecords(
  database: DaybookDatabase,
  revert: Revert,
  move: { fromChildId: string; toChildId: string; registeredHlc: string; resolvedHlc: string },
  now: number,
): Promise<number> {
  const { attendance, participations } = await childRecords(database, move.fromChildId);
  const rule = { childId: move.fromChildId, registeredHlc: move.registeredHlc, resolvedHlc: move.resolvedHlc };
  let visits = 0;
  for (const { row } of recordsThatMove(rule, attendance)) {
    const { day, kind, at } = row;
    if (day === undefined || kind === undefined || at === undefined) continue;
    await writeRemembering(database, revert, 'attendance', movedEventId(row.id, move.toChildId), { childId: move.toChildId, day, kind, at, deleted: false }, { create: true, now });
    await writeRemembering(database, revert, 'attendance', row.id, { deleted: true }, { now });
    if (kind === 'in') visits += 1;
  }
  for (const { row } of recordsThatMove(rule, participations)) {
    if (row.sessionId === undefined) continue;
    const fields = { sessionId: row.sessionId, childId: move.toChildId, leftAt: row.leftAt ?? null, deleted: false };
    await writeRemembering(database, revert, 'participations', participationId(row.sessionId, move.toChildId), fields, { create: true, now });
    await writeRemembering(database, revert, 'participations', row.id, { deleted: true }, { now });
  }
  return visits;
}

export type NewCodeGiven = { code: string; childId: string; visitsMoved: number; revert: Revert };

/**
 * "Another child": the registration's child gets this tablet's next code, with the age band,
 * gender and languages it was registered with, and the visits and sessions its tablet recorded
 * move with it. The child who keeps the old code gets back the profile of the registrations
 * left, when they agree. One transaction: a crash leaves the clash as it was.
 */
export function giveNewCode(database: DaybookDatabase, registrationId: string, now = Date.now(), random: () => number = secureRandom): Promise<NewCodeGiven> {
  return inWriteTransaction(database, async () => {
    await assertLead(database);
    const { facts, profile } = await requireRegistration(database, registrationId);
    if (facts.resolution !== null) throw new InvalidWriteError('invalid', 'registrationId: this registration has been answered already');
    const code = await issueCodeForTablet(database, random);
    const childId = childIdFromCode(code);
    const revert: Revert = [];
    await writeRemembering(database, revert, 'children', childId, { code, ...profile, deleted: false }, { create: true, now });
    // The child's registration under the new code, so a clash of that code is seen too.
    await writeRemembering(database, revert, 'registrations', uuidv7(now), { childId, code, ...profile, at: facts.at, issued: true, deleted: false }, { create: true, now });
    const answered = await writeRemembering(database, revert, 'registrations', facts.id, { resolution: 'new-code', movedTo: childId }, { now });
    const visitsMoved = await moveRecords(
      database,
      revert,
      { fromChildId: facts.childId, toChildId: childId, registeredHlc: facts.registeredHlc, resolvedHlc: clockOf(answered, 'resolution') },
      now,
    );
    await restoreKeptProfile(database, revert, facts.childId, now);
    return { code, childId, visitsMoved, revert };
  });
}

/** The child keeping the code takes the profile of the registrations still on it, when they agree. */
async function restoreKeptProfile(database: DaybookDatabase, revert: Revert, childId: string, now: number): Promise<void> {
  const left = (await database.registrations.where('childId').equals(childId).toArray()).flatMap((row) => {
    const facts = asFacts(row);
    return facts && !facts.deleted && facts.resolution !== 'new-code' ? [row] : [];
  });
  const first = left[0];
  if (!first || left.some((row) => row.ageBand !== first.ageBand || row.gender !== first.gender)) return;
  if (first.ageBand === undefined || first.gender === undefined) return;
  await writeRemembering(database, revert, 'children', childId, { ageBand: first.ageBand, gender: first.gender, languages: first.languages ?? [] }, { now });
}

/**
 * "The same child": the lead keeps one registration's age band and gender for the child, and
 * marks the others answered, so the clash is closed and nothing moves.
 */
export function keepAsSameChild(database: DaybookDatabase, keptRegistrationId: string, now = Date.now()): Promise<Revert> {
  return inWriteTransaction(database, async () => {
    await assertLead(database);
    const { facts, profile } = await requireRegistration(database, keptRegistrationId);
    const others = (await database.registrations.where('childId').equals(facts.childId).toArray()).filter(
      (row) => row.id !== facts.id && row.deleted !== true && (row.resolution ?? null) === null,
    );
    const revert: Revert = [];
    for (const row of others) await writeRemembering(database, revert, 'registrations', row.id, { resolution: 'same-child' }, { now });
    await writeRemembering(database, revert, 'children', facts.childId, { ageBand: profile.ageBand, gender: profile.gender, languages: profile.languages }, { now });
    return revert;
  });
}

/**
 * After a sync: visits that the tablet of a registration given a new code recorded before it
 * heard the answer, arriving since (it was offline), follow that child too. Any tablet may run
 * it; derived ids make two tablets' moves one. Returns how many visits moved.
 */
export async function moveLateVisits(database: DaybookDatabase, now = Date.now()): Promise<number> {
  // Almost always none: no write transaction (which would hold up a check-in) just to see that.
  if ((await database.registrations.where('resolution').equals('new-code').count()) === 0) return 0;
  return inWriteTransaction(database, async () => {
    const answered = (await database.registrations.where('resolution').equals('new-code').toArray()).filter((row) => row.movedTo && row.deleted !== true);
    let moved = 0;
    for (const row of answered) {
      const facts = asFacts(row);
      if (!facts || !row.movedTo) continue;
      // Not undoable on its own: it is part of the lead's answer, which Undo takes back whole.
      moved += await moveRecords(database, [], { fromChildId: facts.childId, toChildId: row.movedTo, registeredHlc: facts.registeredHlc, resolvedHlc: clockOf(row, 'resolution') }, now);
    }
    return moved;
  });
}

/** Undo of the lead's answer (a new code, or the same child): every record back as it was. */
export function undoAnswer(database: DaybookDatabase, revert: Revert, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    await assertLead(database);
    await revertWrites(database, revert, now);
  });
}
