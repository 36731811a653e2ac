import { childIdFromCode } from '../../../shared/codes';
import {
  findCodeClashes,
  movedEventId,
  recordsThatMove,
  visitEventsThatMove,
  writerOf,
  type CodeClash,
  type RegistrationFacts,
} from '../../../shared/code-clashes';
import { participationId, uuidv7 } from '../../../shared/ids';
import type { AgeBand, Gender } from '../../../shared/schema';
import type { DaybookDatabase, MetaRow, Stored } from '../core/database';
import { inWriteTransaction, InvalidWriteError, revertWrites, writeInTransaction, writeRemembering, type Revert } from '../core/write';
import { issueCodeForTablet, secureRandom } from './code-series';
import { loadDeviceRole } from './device';

/**
 * The lead's answers when one code reached two children (product.md, Codes): "the same child
 * after all", or "another child", who gets a new code and takes their visits and sessions along.
 * Nothing is deleted or merged silently: moved events are copies under ids derived from the
 * originals, the originals voided, so two tablets that move the same visits write the same
 * records. Everything here can be run again, on any tablet, and changes nothing the second time.
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
  return {
    attendance: attendance.flatMap((row) =>
      row.kind === undefined || row.at === undefined ? [] : [{ id: row.id, childId, kind: row.kind, at: row.at, deleted: row.deleted === true, createdHlc: clockOf(row, 'childId'), row }],
    ),
    participations: participations.map((row) => ({ id: row.id, childId, deleted: row.deleted === true, createdHlc: clockOf(row, 'childId'), row })),
  };
}

/** The codes that reached two children, each registration with the visits that would go with it. */
export async function loadCodeClashes(database: DaybookDatabase): Promise<CodeClash<RegistrationView>[]> {
  const rows = await database.registrations.toArray();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const clashes = findCodeClashes(rows.flatMap((row) => asFacts(row) ?? []));
  return Promise.all(
    clashes.map(async (clash) => {
      const { attendance } = await childRecords(database, clash.childId);
      const registrations = clash.registrations.map((facts) => {
        const row = byId.get(facts.id)!;
        const rule = { childId: clash.childId, registeredHlc: facts.registeredHlc, resolvedHlc: '\uffff' };
        const visits = visitEventsThatMove(rule, attendance).filter((event) => event.kind === 'in').length;
        return { ...facts, languages: row.languages ?? [], registeredOn: row.registeredOn ?? '', visits };
      });
      return { ...clash, registrations };
    }),
  );
}

async function assertLead(database: DaybookDatabase): Promise<void> {
  if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', 'role: only a lead can answer a code given to two children');
}

type Answerable = { facts: RegistrationFacts; profile: { ageBand: AgeBand; gender: Gender; languages: string[]; registeredOn: string } };

async function requireRegistration(database: DaybookDatabase, id: string): Promise<Answerable> {
  const row = await database.registrations.get(id);
  const facts = row && asFacts(row);
  if (!row || !facts || facts.deleted || row.ageBand === undefined || row.gender === undefined || row.registeredOn === undefined) {
    throw new InvalidWriteError('no-such-record', 'registrationId: no such registration on this tablet');
  }
  return { facts, profile: { ageBand: row.ageBand, gender: row.gender, languages: row.languages ?? [], registeredOn: row.registeredOn } };
}

type Move = { fromChildId: string; toChildId: string; registeredHlc: string; resolvedHlc: string };

/**
 * Moves to `toChildId` the records of `fromChildId` that go with the registration: its tablet's
 * visits from the registration to `resolvedHlc`, whole (shared/code-clashes.ts), each event
 * copied under a derived id and the original voided, each participation re-made under the new
 * child's id. Returns how many visits moved.
 */
async function moveRecords(database: DaybookDatabase, move: Move, now: number): Promise<number> {
  const { attendance, participations } = await childRecords(database, move.fromChildId);
  const rule = { childId: move.fromChildId, registeredHlc: move.registeredHlc, resolvedHlc: move.resolvedHlc };
  let visits = 0;
  for (const { row, kind, at } of visitEventsThatMove(rule, attendance)) {
    if (row.day === undefined) continue;
    await writeInTransaction(database, 'attendance', movedEventId(row.id, move.toChildId), { childId: move.toChildId, day: row.day, kind, at, deleted: false }, { create: true, now });
    await writeInTransaction(database, 'attendance', row.id, { deleted: true }, { now });
    if (kind === 'in') visits += 1;
  }
  for (const { row } of recordsThatMove(rule, participations)) {
    if (row.sessionId === undefined) continue;
    const fields = { sessionId: row.sessionId, childId: move.toChildId, leftAt: row.leftAt ?? null, deleted: false };
    await writeInTransaction(database, 'participations', participationId(row.sessionId, move.toChildId), fields, { create: true, now });
    await writeInTransaction(database, 'participations', row.id, { deleted: true }, { now });
  }
  return visits;
}

export type NewCodeGiven = { code: string; childId: string; visitsMoved: number; registrationId: string };

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
    await writeInTransaction(database, 'children', childId, { code, ...profile, deleted: false }, { create: true, now });
    // The child's registration under the new code (so a clash of that code is seen too), naming
    // the registration it answers: two leads who answered one clash at once are told apart.
    await writeInTransaction(database, 'registrations', uuidv7(now), { childId, code, ...profile, at: facts.at, issued: true, movedFrom: facts.id, deleted: false }, { create: true, fresh: true, now });
    const answered = await writeInTransaction(database, 'registrations', facts.id, { resolution: 'new-code', movedTo: childId }, { now });
    const move = { fromChildId: facts.childId, toChildId: childId, registeredHlc: facts.registeredHlc, resolvedHlc: clockOf(answered, 'resolution') };
    const visitsMoved = await moveRecords(database, move, now);
    await restoreKeptProfile(database, facts.childId, now);
    return { code, childId, visitsMoved, registrationId: facts.id };
  });
}

/** The child keeping the code takes the profile of the registrations still on it, when they agree. */
async function restoreKeptProfile(database: DaybookDatabase, childId: string, now: number): Promise<void> {
  const left = (await database.registrations.where('childId').equals(childId).toArray()).filter((row) => row.deleted !== true && row.resolution !== 'new-code');
  const first = left[0];
  if (!first || first.ageBand === undefined || first.gender === undefined) return;
  if (left.some((row) => row.ageBand !== first.ageBand || row.gender !== first.gender)) return;
  await writeInTransaction(database, 'children', childId, { ageBand: first.ageBand, gender: first.gender, languages: first.languages ?? [] }, { now });
}

/**
 * Undo of a new code, worked out when it runs rather than replayed from a list: visits a sync
 * moved since (moveLateVisits) go back too. Every copy made for the new child is voided and its
 * original restored; the new child and its registration go; the clash is open again.
 */
export function undoNewCode(database: DaybookDatabase, registrationId: string, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    await assertLead(database);
    const answered = await database.registrations.get(registrationId);
    const from = answered?.childId;
    const to = answered?.movedTo;
    if (!answered || !from || !to) throw new InvalidWriteError('no-such-record', 'registrationId: no new code to take back');
    const [{ attendance, participations }, copies] = await Promise.all([
      childRecords(database, from),
      database.attendance.where('childId').equals(to).toArray(),
    ]);
    const copyIds = new Set(copies.filter((copy) => !copy.deleted).map((copy) => copy.id));
    for (const { row } of attendance) {
      const copyId = movedEventId(row.id, to);
      if (!copyIds.has(copyId)) continue;
      await writeInTransaction(database, 'attendance', copyId, { deleted: true }, { now });
      await writeInTransaction(database, 'attendance', row.id, { deleted: false }, { now });
    }
    for (const { row } of participations) {
      if (row.sessionId === undefined) continue;
      const copy = await database.participations.get(participationId(row.sessionId, to));
      if (!copy || copy.deleted) continue;
      await writeInTransaction(database, 'participations', copy.id, { deleted: true }, { now });
      await writeInTransaction(database, 'participations', row.id, { deleted: false }, { now });
    }
    for (const made of await database.registrations.where('childId').equals(to).toArray()) {
      if (made.movedFrom === registrationId) await writeInTransaction(database, 'registrations', made.id, { deleted: true }, { now });
    }
    await writeInTransaction(database, 'children', to, { deleted: true }, { now });
    await writeInTransaction(database, 'registrations', registrationId, { resolution: null, movedTo: null }, { now });
  });
}

/**
 * "The same child": the lead keeps one registration's age band and gender for the child, and
 * marks the others answered, so the clash is closed and nothing moves. Returns its Undo.
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

/** Undo of "the same child": the answers and the child's profile as they were. */
export function undoSameChild(database: DaybookDatabase, revert: Revert, now = Date.now()): Promise<void> {
  return inWriteTransaction(database, async () => {
    await assertLead(database);
    await revertWrites(database, revert, now);
  });
}

type Heard = Extract<MetaRow, { key: 'answersHeard' }>;

/**
 * Notes, in the pull's transaction, when this tablet first heard that a registration it made was
 * given a new code: its taps for that child up to this moment were for the child it registered,
 * however late they were made in the lead's time (sync/apply-page.ts calls it).
 */
export async function noteAnswersHeard(database: DaybookDatabase, answered: readonly Stored<'registrations'>[], clock: string): Promise<void> {
  const device = await database.meta.get('clock');
  const node = device?.key === 'clock' ? writerOf(device.hlc) : null;
  const mine = answered.filter((row) => row.resolution === 'new-code' && node !== null && writerOf(clockOf(row, 'childId')) === node);
  if (mine.length === 0) return;
  const row = await database.meta.get('answersHeard');
  const heard = row?.key === 'answersHeard' ? { ...row.heard } : {};
  // Past every clock this tablet has stamped so far (same time, the highest node): a tap made
  // before it heard sorts below, one made after (its clock ticks on) above.
  const mark = `${clock.slice(0, clock.lastIndexOf('-') + 1)}${'f'.repeat(16)}`;
  for (const registration of mine) heard[registration.id] ??= mark;
  await database.meta.put({ key: 'answersHeard', heard } satisfies Heard);
}

/**
 * After a sync, on any tablet (derived ids make two tablets' moves one):
 * - two leads who answered one clash at once made two new children: the one its registration's
 *   `movedTo` did not keep goes, with the copies made for it, so no visit counts twice;
 * - visits recorded before the registering tablet heard the answer, arriving since, follow the
 *   child given the new code (on that tablet, up to when it heard; elsewhere, up to the answer).
 * Returns how many visits moved.
 */
export async function moveLateVisits(database: DaybookDatabase, now = Date.now()): Promise<number> {
  // Almost always none: no write transaction (which would hold up a check-in) just to see that.
  if ((await database.registrations.where('resolution').equals('new-code').count()) === 0) return 0;
  return inWriteTransaction(database, async () => {
    const answered = (await database.registrations.where('resolution').equals('new-code').toArray()).filter((row) => row.movedTo && row.deleted !== true);
    const heardRow = await database.meta.get('answersHeard');
    const heard = heardRow?.key === 'answersHeard' ? heardRow.heard : {};
    let moved = 0;
    for (const row of answered) {
      const facts = asFacts(row);
      if (!facts || !row.movedTo) continue;
      await dropLosingAnswers(database, { registrationId: row.id, fromChildId: facts.childId, keptChildId: row.movedTo }, now);
      const resolvedHlc = clockOf(row, 'resolution');
      const bound = heard[row.id] !== undefined && heard[row.id]! > resolvedHlc ? heard[row.id]! : resolvedHlc;
      moved += await moveRecords(database, { fromChildId: facts.childId, toChildId: row.movedTo, registeredHlc: facts.registeredHlc, resolvedHlc: bound }, now);
    }
    return moved;
  });
}

/**
 * The new children of answers to one registration that lost to `keptChildId` (two leads answered
 * at once; the registration's `movedTo` kept one): they and their copies go. An original that
 * only the losing answer had moved is restored, so the move that follows takes it to the child
 * kept: no visit is lost, none counts twice.
 */
async function dropLosingAnswers(database: DaybookDatabase, answer: { registrationId: string; fromChildId: string; keptChildId: string }, now: number): Promise<void> {
  const made = (await database.registrations.where('childId').notEqual(answer.keptChildId).toArray()).filter(
    (row) => row.movedFrom === answer.registrationId && row.deleted !== true && row.childId !== undefined,
  );
  if (made.length === 0) return;
  const { attendance, participations } = await childRecords(database, answer.fromChildId);
  for (const loser of made) {
    const lost = loser.childId!;
    const [copies, joins] = await Promise.all([
      database.attendance.where('childId').equals(lost).toArray(),
      database.participations.where('childId').equals(lost).toArray(),
    ]);
    const live = new Set(copies.filter((copy) => !copy.deleted).map((copy) => copy.id));
    for (const { row } of attendance) {
      if (!row.deleted || !live.has(movedEventId(row.id, lost))) continue;
      const kept = await database.attendance.get(movedEventId(row.id, answer.keptChildId));
      if (!kept || kept.deleted) await writeInTransaction(database, 'attendance', row.id, { deleted: false }, { now });
    }
    for (const { row } of participations) {
      if (!row.deleted || row.sessionId === undefined) continue;
      const [lostJoin, keptJoin] = await database.participations.bulkGet([participationId(row.sessionId, lost), participationId(row.sessionId, answer.keptChildId)]);
      if (lostJoin && !lostJoin.deleted && (!keptJoin || keptJoin.deleted)) await writeInTransaction(database, 'participations', row.id, { deleted: false }, { now });
    }
    for (const copy of copies) if (!copy.deleted) await writeInTransaction(database, 'attendance', copy.id, { deleted: true }, { now });
    for (const join of joins) if (!join.deleted) await writeInTransaction(database, 'participations', join.id, { deleted: true }, { now });
    await writeInTransaction(database, 'children', lost, { deleted: true }, { now });
    await writeInTransaction(database, 'registrations', loser.id, { deleted: true }, { now });
  }
}
