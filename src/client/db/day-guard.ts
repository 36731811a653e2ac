import { dayCloseId } from '../../shared/ids';
import { db } from './db';
import { loadDeviceRole } from './device';
import { InvalidWriteError } from './write';

/** A write refused because its day was closed by the lead. Nothing was stored. */
export class DayClosedError extends InvalidWriteError {
  override name = 'DayClosedError';
}

/** True when the lead has signed the day off (and nobody has reopened it). */
export async function isDayClosed(day: string): Promise<boolean> {
  const close = await db.dayCloses.get(dayCloseId(day));
  return close !== undefined && !close.deleted;
}

/**
 * A closed day is read-only except for a lead (product.md). Call inside the write transaction,
 * before writing, so a close that lands first wins.
 */
export async function assertDayWritable(day: string): Promise<void> {
  const [closed, role] = await Promise.all([isDayClosed(day), loadDeviceRole()]);
  if (!closed || role === 'lead') return;
  throw new DayClosedError(`day: ${day} is closed; only a lead can change it`);
}
