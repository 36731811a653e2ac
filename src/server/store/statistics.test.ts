import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyseWhenPushesPause } from './statistics';
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

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('analyseWhenPushesPause', () => {
  it('analyses PGlite once so many ops were pushed and the pushes paused for a moment', () => {
    const store = notingStore('pglite');
    const statistics = analyseWhenPushesPause(store, { every: 1000, quietMs: 1000 });
    statistics.pushed(600);
    vi.advanceTimersByTime(5000);
    expect(store.ran).toEqual([]);
    statistics.pushed(500);
    vi.advanceTimersByTime(999);
    expect(store.ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(store.ran).toEqual(['ANALYZE']);
    // Counting starts again.
    statistics.pushed(999);
    vi.advanceTimersByTime(5000);
    expect(store.ran).toHaveLength(1);
  });

  it('waits while pushes keep coming, but not for ever', () => {
    const store = notingStore('pglite');
    const statistics = analyseWhenPushesPause(store, { every: 1000, quietMs: 1000, atMostTimes: 3 });
    statistics.pushed(1000);
    vi.advanceTimersByTime(500);
    statistics.pushed(1000);
    vi.advanceTimersByTime(500);
    expect(store.ran).toEqual([]);
    // The third thousand without a pause: analysed at once.
    statistics.pushed(1000);
    expect(store.ran).toEqual(['ANALYZE']);
  });

  it('cancels a waiting ANALYZE when stopped, and leaves PostgreSQL to its autovacuum', () => {
    const pglite = notingStore('pglite');
    const statistics = analyseWhenPushesPause(pglite, { every: 10 });
    statistics.pushed(20);
    statistics.stop();
    vi.advanceTimersByTime(10_000);
    expect(pglite.ran).toEqual([]);
    const postgres = notingStore('postgres');
    analyseWhenPushesPause(postgres, { every: 10 }).pushed(100);
    vi.advanceTimersByTime(10_000);
    expect(postgres.ran).toEqual([]);
  });
});
