import type { TableName } from '../../../shared/schema';
import type { Replica } from '../../../shared/merge';
import type { Stored } from './database';

const LOCAL_KEYS = new Set(['id', '_hlc', '_hlcs']);

/** Expands a stored row into the per-field form the shared merge works on. */
export function toReplica(row: Stored<TableName>): Replica {
  const fields: Record<string, unknown> = {};
  const hlcs: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (LOCAL_KEYS.has(key)) continue;
    fields[key] = value;
    hlcs[key] = row._hlcs?.[key] ?? row._hlc;
  }
  return { fields, hlcs };
}

/**
 * Packs a replica back into a row: the most common clock becomes `_hlc`, the others go to
 * `_hlcs`. A record written once (the usual case) keeps a single clock.
 */
export function fromReplica<T extends TableName>(id: string, replica: Replica): Stored<T> {
  const counts = new Map<string, number>();
  for (const clock of Object.values(replica.hlcs)) counts.set(clock, (counts.get(clock) ?? 0) + 1);
  let base = '';
  let best = -1;
  for (const [clock, count] of counts) {
    if (count > best || (count === best && clock > base)) {
      base = clock;
      best = count;
    }
  }
  const overrides: Record<string, string> = {};
  for (const [field, clock] of Object.entries(replica.hlcs)) if (clock !== base) overrides[field] = clock;
  // No default for `deleted`: a field the row holds is a field with a clock, and a made-up
  // `deleted: false` would carry this write's clock and beat a real, earlier delete from another
  // tablet when it arrives. A row without the field reads as not deleted.
  const row = { ...replica.fields, id, _hlc: base } as Stored<T>;
  if (Object.keys(overrides).length > 0) row._hlcs = overrides;
  return row;
}
