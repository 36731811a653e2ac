import { describe, expect, it } from 'vitest';
import { analyseAsRecordsGrow } from './statistics';
import type { Store, StoreDriver } from './types';

/** A store that only notes the SQL it is asked to run. */
function notingStore(driver: StoreDriver): Store & { ran: string[] } {
  const ran: string[] = [];
  return {
    driver,
    ran,
    query: <T,>(sql: string) => {
      ran.push(sql);
      return Promise.resolve([] as T[]);
    },
    transaction: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
}

describe('analyseAsRecordsGrow', () => {
  it('analyses PGlite once every so many pushed ops', async () => {
    const store = notingStore('pglite');
    const pushed = analyseAsRecordsGrow(store, 1000);
    pushed(600);
    expect(store.ran).toEqual([]);
    pushed(500);
    await Promise.resolve();
    expect(store.ran).toEqual(['ANALYZE']);
    pushed(999);
    expect(store.ran).toHaveLength(1);
    pushed(1);
    expect(store.ran).toHaveLength(2);
  });

  it('leaves PostgreSQL to its autovacuum', () => {
    const store = notingStore('postgres');
    const pushed = analyseAsRecordsGrow(store, 10);
    pushed(100);
    expect(store.ran).toEqual([]);
  });
});
