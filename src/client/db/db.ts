import { DaybookDatabase } from './core/database';
import { createRepositories } from './repositories';

/** The device's one database. Tests get a fresh one from fake-indexeddb per test file. */
export const db = new DaybookDatabase();

/** Every action on the device's own database: what the screens call. */
export const repositories = createRepositories(db);
