import type { Change } from '../../shared/schema/wire';
import { changesAfter } from '../store/records';
import type { Queryable } from '../store/types';

export interface PullPage {
  changes: Change[];
  nextCursor: number;
  hasMore: boolean;
}

/**
 * One page of sync-protocol.md's pull: the centre's records changed after `cursor`, oldest
 * change first. One row more than asked says whether another page follows.
 */
export async function pullPage(q: Queryable, request: { centreId: string; cursor: number; limit: number }): Promise<PullPage> {
  const rows = await changesAfter(q, request.centreId, request.cursor, request.limit + 1);
  const page = rows.slice(0, request.limit);
  return {
    changes: page.map((row) => ({ cursor: row.cursor, table: row.table, id: row.id, fields: row.replica.fields, hlcs: row.replica.hlcs })),
    nextCursor: page.at(-1)?.cursor ?? request.cursor,
    hasMore: rows.length > request.limit,
  };
}
