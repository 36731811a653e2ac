import { DaybookDatabase } from './core/database';

/**
 * The device's one database. Every repository action takes the database it works on: the
 * screens pass this one (imported per action, so the first load carries only Today's), the
 * multi-tablet tests bind several with createRepositories. Tests get a fresh one per file.
 */
export const db = new DaybookDatabase();
