import type { Browser } from 'playwright-core';
import { newTablet } from './harness';

/** One layout shift the browser reported, with the elements that moved (for a failure's message). */
export type Shift = { value: number; hadRecentInput: boolean; sources: string[] };

/**
 * Today's cumulative layout shift on a fresh tablet, read from a PerformanceObserver that is in
 * place before the first paint: the first load, the sync bar's arrival after Today is drawn, and
 * five children registered and checked in with their confirmations. Shifts within half a second
 * of a tap count for nothing (the browser marks them hadRecentInput), as in Chrome's own CLS.
 */
export async function todayLayoutShift(browser: Browser, url: string): Promise<{ cls: number; shifts: Shift[] }> {
  const { context, page } = await newTablet(browser);
  try {
    await page.addInitScript(() => {
      const shifts: { value: number; hadRecentInput: boolean; sources: string[] }[] = [];
      (globalThis as unknown as { __shifts: typeof shifts }).__shifts = shifts;
      type LayoutShift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node | null }[] };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as LayoutShift[]) {
          const sources = (entry.sources ?? []).map((source) => {
            const node = source.node;
            return node instanceof Element ? `${node.tagName.toLowerCase()}.${[...node.classList].join('.')}` : String(node?.nodeName ?? '?');
          });
          shifts.push({ value: entry.value, hadRecentInput: entry.hadRecentInput, sources });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(url);
    // The sync bar loads once Today is drawn and the tablet is idle: wait for it to be there.
    await page.getByText('This tablet works on its own.').waitFor({ timeout: 30_000 });
    for (let i = 0; i < 5; i++) {
      await page.getByRole('button', { name: 'New child' }).click();
      const form = page.getByRole('form', { name: 'Register a child' });
      await form.getByRole('radio', { name: '6-8' }).check();
      await form.getByRole('radio', { name: 'Girl' }).check();
      await form.getByRole('button', { name: 'Register and check in' }).click();
      await page.locator('.notice-text', { hasText: 'registered and checked in' }).waitFor();
      await page.locator('.tiles .tile').nth(i).waitFor();
    }
    // Past the last tap's half second, so a late shift would count.
    await page.waitForTimeout(800);
    const shifts = await page.evaluate(() => (globalThis as unknown as { __shifts: Shift[] }).__shifts);
    const cls = shifts.filter((shift) => !shift.hadRecentInput).reduce((sum, shift) => sum + shift.value, 0);
    return { cls, shifts };
  } finally {
    await context.close();
  }
}
