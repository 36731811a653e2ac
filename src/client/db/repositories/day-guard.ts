import { dayCloseId } from '../../../shared/ids';
import type { DaybookDatabase, Stored } from '../core/database';
import { InvalidWriteError } from '../core/write';
import { loadDeviceRole } from './device';

/** A write refused because its day was closed by the lead. Nothing was stored. */
export class DayClosedError extends InvalidWriteError {
  override name = 'DayClosedError';
}

/** The day's close, or undefined while the day is open (never closed, or reopened). */
export async function loadDayClose(database: DaybookDatabase, day: string): Promise<Stored<'dayCloses'> | undefined> {
  const close = await database.dayCloses.get(dayCloseId(day));
  return close && !close.deleted ? close : undefined;
}

/** True when the lead has signed the day off (and nobody has reopened it). */
export async function isDayClosed(database: DaybookDatabase, day: string): Promise<boolean> {
  return (await loadDayClose(database, day)) !== undefined;
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
