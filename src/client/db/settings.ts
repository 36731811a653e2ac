import { readSettings, type CentreSettings } from '../../shared/schema';
import { db } from './db';

/** The centre's settings, defaults filled in. Works inside or outside a transaction. */
export async function loadSettings(): Promise<CentreSettings> {
  return readSettings(await db.settings.toArray());
}
