import { erasedStandIn } from '../../../shared/summary';
import type { DaybookDatabase, OutboxOp } from '../core/database';
import { removeRecords, type Removed } from '../core/removal';
import { inWriteTransaction, InvalidWriteError, writeInTransaction } from '../core/write';
import { loadDeviceRole } from './device';

/**
 * Erasing a child (sync-protocol.md, Erasure; product.md, Data protection): their record, every
 * check-in and check-out and every session they took part in go from this tablet, in one
 * transaction, and the days they came keep their figures (core/removal.ts). The lead's tablet
 * writes an `erasures` op; every other tablet does the same deleting when it pulls it.
 */

/** The tables whose ops name a child: by the record's id (children) or its `childId`. */
const NAMING_A_CHILD = new Set(['children', 'attendance', 'participations', 'registrations']);

const namesChild = (op: Pick<OutboxOp, 'table' | 'id' | 'fields'>, childIds: ReadonlySet<string>) =>
  NAMING_A_CHILD.has(op.table) && ((op.table === 'children' && childIds.has(op.id)) || (typeof op.fields['childId'] === 'string' && childIds.has(op.fields['childId'])));

/**
 * Deletes what this tablet holds of the erased children. Call inside a transaction holding
 * REMOVAL_SCOPE, 'outbox', 'heldOps' and 'erasures'. Ops of theirs still waiting in the outbox,
 * or held for a server update, go too: the server would refuse them (`ERASED`), and they would
 * carry the child's code and times.
 */
export async function removeErasedChildren(database: DaybookDatabase, childIds: readonly string[]): Promise<Removed> {
  const total: Removed = {};
  const erased = new Set(childIds);
  if (erased.size === 0) return total;
  const [waiting, held] = await Promise.all([database.outbox.toArray(), database.heldOps.toArray()]);
  const dropped = waiting.filter((op) => namesChild(op, erased)).map((op) => op.seq!);
  const droppedHeld = held.filter((op) => namesChild(op, erased)).map((op) => op.seq);
  if (dropped.length > 0) await database.outbox.bulkDelete(dropped);
  if (droppedHeld.length > 0) await database.heldOps.bulkDelete(droppedHeld);
  for (const childId of erased) {
    const [attendance, participations] = await Promise.all([database.attendance.where('childId').equals(childId).toArray(), database.participations.where('childId').equals(childId).toArray()]);
    const sessions = await database.sessions.bulkGet([...new Set(participations.flatMap((row) => (row.sessionId === undefined ? [] : [row.sessionId])))]);
    const days = [...attendance.flatMap((row) => (row.day === undefined ? [] : [row.day])), ...sessions.flatMap((row) => (row?.day === undefined ? [] : [row.day]))];
    // One stand-in per erased child on this tablet: random, so nothing links it to the code.
    const standIn = erasedStandIn(await database.children.get(childId));
    const removed = await removeRecords(database, {
      days,
      removes: ({ table, row }) => (table === 'attendance' || table === 'participations') && row.childId === childId,
      childIds: [childId],
      standIn: (id) => (id === childId ? standIn : undefined),
    });
    // Rows of the child on no day this tablet knows (a participation whose session never arrived).
    const strays = participations.filter((row) => !sessions.some((session) => session?.id === row.sessionId)).map((row) => row.id);
    if (strays.length > 0) await database.participations.bulkDelete(strays);
    for (const [table, count] of Object.entries(removed) as [keyof Removed, number][]) total[table] = (total[table] ?? 0) + count;
  }
  return total;
}

/**
 * The lead erases a child: the `erasures` record (its id is the child's) goes to the outbox, and
 * the child's records go from this tablet in the same transaction. Lead only, like on the server.
 */
export function eraseChild(database: DaybookDatabase, childId: string, now = Date.now()): Promise<Removed> {
  return inWriteTransaction(database, async () => {
    if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', 'role: only a lead can erase a child');
    const child = await database.children.get(childId);
    if (!child) throw new InvalidWriteError('no-such-child', `childId: no child ${childId} on this tablet`);
    await writeInTransaction(database, 'erasures', childId, { erasedAt: now }, { create: true, now });
    return removeErasedChildren(database, [childId]);
  });
}

/** True when the child of this id was erased: a code that cannot be registered again. */
export async function isErased(database: DaybookDatabase, childId: string): Promise<boolean> {
  return (await database.erasures.get(childId)) !== undefined;
}
