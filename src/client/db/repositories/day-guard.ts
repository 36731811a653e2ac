import { dayCloseId } from '../../../shared/ids';
import type { DaybookDatabase } from '../core/database';
import { InvalidWriteError } from '../core/write';
import { loadDeviceRole } from './device';

/** A write refused because its day was closed by the lead. Nothing was stored. */
export class DayClosedError extends InvalidWriteError {
  override name = 'DayClosedError';
}

/** True when the lead has signed the day off (and nobody has reopened it). */
export async function isDayClosed(database: DaybookDatabase, day: string): Promise<boolean> {
  const close = await database.dayCloses.get(dayCloseId(day));
  return close !== undefined && !close.deleted;
}

/**
 * A closed day is read-only except for a lead (product.md). Call inside the write transaction,
 * before writing, so a close that lands first wins.
 */
export async function assertDayWritable(database: DaybookDatabase, day: string): Promise<void> {
  const [closed, role] = await Promise.all([isDayClosed(database, day), loadDeviceRole(database)]);
  if (!closed || role === 'lead') return;
  throw new DayClosedError('day-closed', `day: ${day} is closed; only a lead can change it`);
}
