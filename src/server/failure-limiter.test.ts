import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter';

const MINUTE = 60_000;

describe('the failure limiter', () => {
  const limits = { max: 3, windowMs: 15 * MINUTE };

  it('lets an address fail up to the limit, then asks it to wait until its oldest failure expires', () => {
    const limiter = new FailureLimiter(limits);
    limiter.recordFailure('10.0.0.1', 0);
    limiter.recordFailure('10.0.0.1', 1 * MINUTE);
    expect(limiter.waitMs('10.0.0.1', 2 * MINUTE)).toBe(0);
    limiter.recordFailure('10.0.0.1', 2 * MINUTE);
    expect(limiter.waitMs('10.0.0.1', 2 * MINUTE)).toBe(13 * MINUTE);
    expect(limiter.waitMs('10.0.0.1', 15 * MINUTE - 1)).toBe(1);
    expect(limiter.waitMs('10.0.0.1', 15 * MINUTE)).toBe(0);
  });

  it('keeps each address apart', () => {
    const limiter = new FailureLimiter(limits);
    for (let i = 0; i < 3; i++) limiter.recordFailure('10.0.0.1', i);
    expect(limiter.waitMs('10.0.0.1', 3)).toBeGreaterThan(0);
    expect(limiter.waitMs('10.0.0.2', 3)).toBe(0);
  });

  it('slides: counts only the failures of the last window', () => {
    const limiter = new FailureLimiter(limits);
    for (const at of [0, MINUTE, 2 * MINUTE, 10 * MINUTE, 11 * MINUTE]) limiter.recordFailure('a', at);
    // At 15 minutes the failures at 1, 2, 10 and 11 count: blocked until the one at 2 expires.
    expect(limiter.waitMs('a', 15 * MINUTE)).toBe(2 * MINUTE);
    expect(limiter.waitMs('a', 17 * MINUTE)).toBe(0);
  });

  it('forgets the addresses that failed longest ago when it holds too many', () => {
    const limiter = new FailureLimiter({ ...limits, max: 1, maxKeys: 2 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 1);
    limiter.recordFailure('c', 2);
    expect(limiter.waitMs('a', 3)).toBe(0);
    expect(limiter.waitMs('b', 3)).toBeGreaterThan(0);
    expect(limiter.waitMs('c', 3)).toBeGreaterThan(0);
  });
});
