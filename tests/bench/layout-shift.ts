import type { Browser } from 'playwright-core';
import { startServer } from '../e2e/support/harness';
import { todayLayoutShift } from '../e2e/support/layout-shift';
import type { BenchResult } from './report';

/**
 * Today's cumulative layout shift (issue 9: nothing moves under a finger), measured as the
 * end-to-end test measures it: first load, the sync bar's arrival, five check-ins.
 */
export async function layoutShift(browser: Browser): Promise<BenchResult[]> {
  const server = await startServer();
  try {
    const { cls, shifts } = await todayLayoutShift(browser, server.url);
    const counted = shifts.filter((shift) => !shift.hadRecentInput).length;
    return [{ name: 'Today layout shift (CLS): load, sync bar, 5 check-ins', value: cls, unit: '', target: { max: 0.02 }, detail: `${counted} shift(s) counted of ${shifts.length}` }];
  } finally {
    await server.stop();
  }
}
