import type { Store } from '../store/types';

/**
 * Who is waiting for a centre's next change: the long-poll `wait` of sync-protocol.md's pull.
 *
 * A waiting pull costs nothing while it waits: no query runs until a push that stored changes
 * for its centre commits and announces it, which wakes every pull waiting on that centre once.
 * A push in this process announces itself directly; with several server processes on one
 * PostgreSQL database, every push also sends `NOTIFY daybook_changes, '<centre id>'` inside its
 * transaction (delivered at commit), and each process listens on one connection of its own, so a
 * tablet waiting on one process hears of a check-in pushed to another.
 */

/** The PostgreSQL channel pushes notify on; the payload is the centre's id. */
export const CHANGES_CHANNEL = 'daybook_changes';

/** One pull's place in the queue, taken before it reads, so no commit between falls through. */
export interface ChangeWaiter {
  /**
   * Resolves true at the next change for the centre after the waiter was made, false once
   * `timeoutMs` have passed, the request went away (`signal`), or the server is closing.
   */
  next(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Leaves the queue without waiting (the read found changes already). */
  cancel(): void;
}

export class ChangeFeed {
  private readonly waiting = new Map<string, Set<(changed: boolean) => void>>();
  private closed = false;

  /** Joins the queue of `centreId`'s pulls. Take it before reading the page it waits after. */
  waiter(centreId: string): ChangeWaiter {
    let heard = false;
    let settle: ((changed: boolean) => void) | undefined;
    const wake = (changed: boolean) => {
      heard = true;
      settle?.(changed);
    };
    const set = this.waiting.get(centreId) ?? new Set();
    set.add(wake);
    this.waiting.set(centreId, set);
    const leave = () => {
      set.delete(wake);
      if (set.size === 0 && this.waiting.get(centreId) === set) this.waiting.delete(centreId);
    };
    return {
      next: (timeoutMs, signal) =>
        new Promise<boolean>((resolve) => {
          if (heard || this.closed || signal?.aborted) {
            leave();
            return resolve(heard && !this.closed);
          }
          const finish = (changed: boolean) => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', aborted);
            leave();
            settle = undefined;
            resolve(changed);
          };
          const aborted = () => finish(false);
          const timer = setTimeout(() => finish(false), timeoutMs);
          signal?.addEventListener('abort', aborted, { once: true });
          settle = finish;
        }),
      cancel: leave,
    };
  }

  /** A change for `centreId` committed: every pull waiting on it reads again. */
  announce(centreId: string): void {
    const set = this.waiting.get(centreId);
    if (!set) return;
    this.waiting.delete(centreId);
    for (const wake of set) wake(true);
  }

  /** Anything may have changed (notifications were lost): every waiting pull reads again. */
  announceAll(): void {
    this.wakeEveryone(true);
  }

  /** How many pulls wait now (all centres): what a test checks nothing leaks from. */
  get size(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }

  /** The server is stopping: every waiting pull answers its empty page now, not at its timeout. */
  close(): void {
    this.closed = true;
    this.wakeEveryone(false);
  }

  private wakeEveryone(changed: boolean): void {
    const sets = [...this.waiting.values()];
    this.waiting.clear();
    for (const set of sets) for (const wake of set) wake(changed);
  }
}

/**
 * Hears other server processes' pushes through PostgreSQL (LISTEN on a connection of its own),
 * when the store can; a single process (PGlite always is one) needs nothing more than the feed.
 * Returns what stops listening.
 */
export async function listenForOtherProcesses(store: Store, feed: ChangeFeed): Promise<() => Promise<void>> {
  if (!store.listen) return () => Promise.resolve();
  // An empty payload: the connection was lost and is back, and what was notified meanwhile is not known.
  return store.listen(CHANGES_CHANNEL, (centreId) => (centreId === '' ? feed.announceAll() : feed.announce(centreId)));
}
