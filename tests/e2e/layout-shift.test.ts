import { describe, expect, it } from 'vitest';
import { todayLayoutShift } from './support/layout-shift';
import { browserAndServer } from './support/suite';

const suite = browserAndServer();

describe('nothing moves under a finger on Today', () => {
  it('keeps the cumulative layout shift at most 0.02 across the first load, the sync bar arriving and five check-ins', async () => {
    const { cls, shifts } = await todayLayoutShift(suite.browser, suite.server.url);
    const counted = shifts.filter((shift) => !shift.hadRecentInput);
    expect({ cls: Number(cls.toFixed(4)), counted }).toEqual({ cls: expect.any(Number) as unknown, counted: expect.any(Array) as unknown });
    expect(cls, `layout shifts: ${JSON.stringify(counted)}`).toBeLessThanOrEqual(0.02);
  });
});
