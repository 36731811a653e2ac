import type { Page } from 'playwright-core';
import { LOCK_NAME } from '../../../src/client/sync/scheduler';

/**
 * One row of the tablet's `meta` store (db/core/database.ts, MetaRow), read straight from its
 * IndexedDB. Only once the app has opened the database: opening a database that does not exist
 * creates it empty, and the app would then never run its populate step (no device id, no clock).
 */
export function localMeta(page: Page, key: string): Promise<Record<string, unknown> | null> {
  return page.evaluate(async (wanted) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('daybook');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error(`cannot open the database: ${String(open.error)}`));
    });
    try {
      return await new Promise<Record<string, unknown> | null>((resolve, reject) => {
        const request = db.transaction('meta').objectStore('meta').get(wanted);
        request.onsuccess = () => resolve((request.result as Record<string, unknown> | undefined) ?? null);
        request.onerror = () => reject(new Error(`cannot read meta/${wanted}: ${String(request.error)}`));
      });
    } finally {
      db.close();
    }
  }, key);
}

/**
 * Whether a tab of this tablet holds the sync lock (scheduler.ts, LOCK_NAME), that is, whether
 * a sync is running. Web Locks are per origin and profile, so any page of the tablet can ask.
 */
export function syncLockHeld(page: Page): Promise<boolean> {
  return page.evaluate(async (name) => ((await navigator.locks.query()).held ?? []).some((lock) => lock.name === name), LOCK_NAME);
}

/** The seqs of the ops waiting in the tablet's outbox, oldest first (same caveat as localMeta). */
export function outboxSeqs(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('daybook');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error(`cannot open the database: ${String(open.error)}`));
    });
    try {
      return await new Promise<number[]>((resolve, reject) => {
        const request = db.transaction('outbox').objectStore('outbox').getAllKeys();
        request.onsuccess = () => resolve(request.result as number[]);
        request.onerror = () => reject(new Error(`cannot read the outbox: ${String(request.error)}`));
      });
    } finally {
      db.close();
    }
  });
}
