import { SIZE_LIMITS } from '../../shared/schema/limits';
import type { Change } from '../../shared/schema/wire';
import { changesAfter } from '../store/records';
import type { Queryable } from '../store/types';

export interface PullPage {
  changes: Change[];
  nextCursor: number;
  hasMore: boolean;
}

/**
 * Room for the page's own JSON around its changes: `{"changes":[` and
 * `],"nextCursor":…,"hasMore":false,"serverTime":…}`, with plenty to spare.
 */
const PAGE_OVERHEAD_BYTES = 256;

/**
 * One page of sync-protocol.md's pull: the centre's records changed after `cursor`, oldest
 * change first, at most `limit` of them and at most SIZE_LIMITS.pullPageBytes of JSON. One row
 * more than asked says whether another page follows; so does a page that the bytes ended early.
 * A single record bigger than the bound still goes, alone on its page: a tablet would otherwise
 * stop at it for ever, and a centre holding such records from before values were bounded could
 * not be pulled at all.
 */
export async function pullPage(
  q: Queryable,
  request: { centreId: string; cursor: number; limit: number },
  pageBytes: number = SIZE_LIMITS.pullPageBytes,
): Promise<PullPage> {
  const budget = pageBytes - PAGE_OVERHEAD_BYTES;
  const { changes: rows, lookedAt } = await changesAfter(q, request.centreId, request.cursor, request.limit + 1, budget);
  const changes: Change[] = [];
  let bytes = 0;
  for (const row of rows.slice(0, request.limit)) {
    const change: Change = { cursor: row.cursor, table: row.table, id: row.id, fields: row.replica.fields, hlcs: row.replica.hlcs };
    // The store's size is an estimate: the bound is kept on what goes out, comma included.
    bytes += Buffer.byteLength(JSON.stringify(change)) + 1;
    if (changes.length > 0 && bytes > budget) break;
    changes.push(change);
  }
  return {
    changes,
    nextCursor: changes.at(-1)?.cursor ?? request.cursor,
    hasMore: lookedAt > changes.length,
  };
}
