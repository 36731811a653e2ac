/**
 * Counts failures per key (an IP address) in a sliding window and says when a key has had too
 * many. In memory: a restart forgets it, which costs an attacker a restart per ten guesses; the
 * codes themselves (58 bits, expiring) are the real protection. The clock is the caller's.
 */

export interface FailureLimits {
  /** Failures allowed in a window; the next attempt is refused. */
  max: number;
  windowMs: number;
  /** Keys remembered at most: a flood of addresses forgets the oldest instead of eating memory. */
  maxKeys?: number;
}

export const ENROL_FAILURE_LIMITS: FailureLimits = { max: 10, windowMs: 15 * 60_000, maxKeys: 10_000 };

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: FailureLimits) {}

  /** 0 when `key` may try now; otherwise how long (ms) until its oldest counted failure expires. */
  waitMs(key: string, now: number): number {
    const times = this.recent(key, now);
    if (times.length < this.limits.max) return 0;
    return times[times.length - this.limits.max]! + this.limits.windowMs - now;
  }

  recordFailure(key: string, now: number): void {
    const times = this.recent(key, now);
    times.push(now);
    // Re-inserted, so the Map's order is least recently failed first.
    this.failures.delete(key);
    this.failures.set(key, times);
    const maxKeys = this.limits.maxKeys ?? Infinity;
    for (const oldest of this.failures.keys()) {
      if (this.failures.size <= maxKeys) break;
      this.failures.delete(oldest);
    }
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((time) => time > now - this.limits.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}
