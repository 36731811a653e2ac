import { DaybookDatabase } from './database';

/** The device's one database. Tests get a fresh one from fake-indexeddb per test file. */
export const db = new DaybookDatabase();
