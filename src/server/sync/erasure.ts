import { childIdFromCode, normaliseCode } from '../../shared/codes';
import { formatHlc } from '../../shared/hlc';
import { mergeOp } from '../../shared/merge';
import type { Op } from '../../shared/schema/wire';
import { erasedStandIn } from '../../shared/summary';
import { centreSettings, childrenByIds, removeRecords } from '../store/day-totals';
import { lockCentreForChanges, lockRecords, takeCursors, upsertRecords } from '../store/records';
import type { Queryable, Store } from '../store/types';

/**
 * Erasure on the server (sync-protocol.md, Erasure; invariant 10): merging an `erasures` record
 * deletes the child's record, every attendance and participation of theirs and their
 * registrations, in the push's transaction, and the days they came keep their figures
 * (day-totals.ts). From then on an op naming the child is refused with ERASED, whoever sends it.
 * Nothing here logs: an erased child's code or id must not reach the logs either.
 */

/** The child an op names: a children op by its id, an event, participation or registration by its childId. */
export function childNamedBy(op: Pick<Op, 'table' | 'id' | 'fields'>): string | undefined {
  if (op.table === 'children') return op.id;
  if (op.table === 'attendance' || op.table === 'participations' || op.table === 'registrations') {
    const childId = op.fields['childId'];
    if (typeof childId === 'string') return childId;
    // A participation's id is `sessionId:childId` (shared/ids.ts): a partial op (leftAt, deleted) names its child too.
    if (op.table === 'participations' && op.id.includes(':')) return op.id.slice(op.id.lastIndexOf(':') + 1);
  }
  return undefined;
}

/** The tables whose records name a child by `childId`. */
const OF_A_CHILD = new Set(['attendance', 'participations', 'registrations']);

/**
 * Partial ops (no `childId`: an Undo's `deleted`, a check-out's `leftAt`) on a record an erasure
 * deleted: sent by a tablet that had not heard of the erasure, they name no child, and stored
 * they would bring the record back. They are refused as ERASED like the others.
 */
async function changesToErasedRecords(tx: Queryable, centreId: string, ops: readonly Op[]): Promise<Set<Op>> {
  const partial = ops.filter((op) => OF_A_CHILD.has(op.table) && typeof op.fields['childId'] !== 'string');
  if (partial.length === 0) return new Set();
  const erased = await tx.query<{ tbl: string; id: string }>(
    `SELECT e.tbl, e.id FROM erased_records e JOIN jsonb_to_recordset($2::jsonb) AS k(tbl text, id text) ON e.tbl = k.tbl AND e.id = k.id WHERE e.centre_id = $1`,
    [centreId, JSON.stringify(partial.map((op) => ({ tbl: op.table, id: op.id })))],
  );
  const keys = new Set(erased.map((row) => `${row.tbl}:${row.id}`));
  return new Set(partial.filter((op) => keys.has(`${op.table}:${op.id}`)));
}

/** Which of these children have an erasure record. */
export async function erasedAmong(q: Queryable, centreId: string, childIds: readonly string[]): Promise<Set<string>> {
  if (childIds.length === 0) return new Set();
  const rows = await q.query<{ id: string }>(`SELECT id FROM records WHERE centre_id = $1 AND tbl = 'erasures' AND id = ANY($2::text[])`, [centreId, [...new Set(childIds)]]);
  return new Set(rows.map((row) => row.id));
}

/**
 * Splits a push's valid ops, under the centre's lock: those naming a child erased before or by
 * this batch are refused, and so are partial changes to a record an erasure deleted
 * (changesToErasedRecords); the erasures are applied after the merge (eraseChildren), so a
 * check-in earlier in the same batch goes with the rest of the child's records.
 */
export async function screenForErasures(tx: Queryable, centreId: string, ops: readonly Op[]): Promise<{ kept: Op[]; refused: Op[]; newlyErased: string[] }> {
  const erasing = new Set(ops.filter((op) => op.table === 'erasures').map((op) => op.id));
  const named = ops.flatMap((op) => {
    const childId = childNamedBy(op);
    return childId === undefined ? [] : [childId];
  });
  const already = await erasedAmong(tx, centreId, [...named, ...erasing]);
  const erased = new Set([...already, ...erasing]);
  const gone = await changesToErasedRecords(tx, centreId, ops);
  const kept: Op[] = [];
  const refused: Op[] = [];
  for (const op of ops) {
    const childId = childNamedBy(op);
    if ((childId !== undefined && erased.has(childId)) || gone.has(op)) refused.push(op);
    else kept.push(op);
  }
  return { kept, refused, newlyErased: [...erasing].filter((id) => !already.has(id)) };
}

/** Deletes what the centre holds of the erased children, keeping the figures of the days they came. */
export async function eraseChildren(tx: Queryable, centreId: string, childIds: readonly string[]): Promise<number> {
  let removed = 0;
  for (const childId of childIds) {
    const days = await tx.query<{ day: string }>(
      `SELECT DISTINCT fields->>'day' AS day FROM records
       WHERE centre_id = $1 AND tbl = 'attendance' AND fields->>'childId' = $2 AND fields ? 'day'
       UNION
       SELECT DISTINCT s.fields->>'day' FROM records p
       JOIN records s ON s.centre_id = p.centre_id AND s.tbl = 'sessions' AND s.id = p.fields->>'sessionId'
       WHERE p.centre_id = $1 AND p.tbl = 'participations' AND p.fields->>'childId' = $2 AND s.fields ? 'day'`,
      [centreId, childId],
    );
    // Remembered before they go, so a partial op on one of them is refused (changesToErasedRecords).
    await tx.query(
      `INSERT INTO erased_records (centre_id, tbl, id)
       SELECT centre_id, tbl, id FROM records
       WHERE centre_id = $1 AND tbl = ANY($2::text[]) AND (fields->>'childId' = $3 OR (tbl = 'participations' AND id LIKE '%:' || $3))
       ON CONFLICT DO NOTHING`,
      [centreId, [...OF_A_CHILD], childId],
    );
    // One stand-in per erased child, random, so nothing links it to the child (corrections.ts).
    const [child] = await childrenByIds(tx, centreId, [childId]);
    const standIn = erasedStandIn(child);
    removed += await removeRecords(tx, centreId, {
      days: days.map((row) => row.day),
      removes: ({ table, row }) => (table === 'attendance' || table === 'participations') && row.childId === childId,
      childIds: [childId],
      standIn: (id) => (id === childId ? standIn : undefined),
    });
    // Rows of the child on no day (a participation whose session never arrived, an event without its day).
    const strays = await tx.query<{ id: string }>(
      `DELETE FROM records WHERE centre_id = $1 AND tbl = ANY($2::text[]) AND fields->>'childId' = $3 RETURNING id`,
      [centreId, ['attendance', 'participations', 'registrations'], childId],
    );
    removed += strays.length;
    // A child record with no registration day and no visits is still the child's.
    const record = await tx.query<{ id: string }>(`DELETE FROM records WHERE centre_id = $1 AND tbl = 'children' AND id = $2 RETURNING id`, [centreId, childId]);
    removed += record.length;
  }
  return removed;
}

/** `admin erase`: the server writes the erasure itself, with a clock of its own. */
const SERVER_NODE = '0000000000000000';

/**
 * Erases the child the centre knows by `code` from the server machine (sync-protocol.md, admin
 * `erase`): the erasure record is merged like a lead's op, with the next cursor, so every tablet
 * pulls it, and the child's records go in the same transaction. Undefined when the centre holds
 * no child of that code, erased or not. Erasing again answers the same.
 */
export async function eraseByCode(store: Store, centreId: string, code: string, now: number): Promise<{ childId: string } | undefined> {
  return store.transaction(async (tx) => {
    await lockCentreForChanges(tx, centreId);
    const settings = await centreSettings(tx, centreId);
    const normalised = normaliseCode(code, settings.codeScheme);
    const [found] = await tx.query<{ id: string }>(
      `SELECT id FROM records WHERE centre_id = $1 AND tbl = 'children' AND (fields->>'code' = $2 OR id = $3) ORDER BY id = $3 DESC LIMIT 1`,
      [centreId, normalised, childIdFromCode(normalised)],
    );
    const childId = found?.id ?? childIdFromCode(normalised);
    if ((await erasedAmong(tx, centreId, [childId])).has(childId)) return { childId };
    if (!found) return undefined;
    const [stored] = await lockRecords(tx, centreId, [{ table: 'erasures', id: childId }]);
    const op = { seq: 0, table: 'erasures' as const, id: childId, hlc: formatHlc({ ms: now, counter: 0, node: SERVER_NODE }), fields: { erasedAt: now } };
    const { next } = mergeOp(stored?.replica, op);
    const cursor = await takeCursors(tx, centreId, 1);
    await upsertRecords(tx, centreId, [{ table: 'erasures', id: childId, replica: next, cursor }]);
    await eraseChildren(tx, centreId, [childId]);
    return { childId };
  });
}
