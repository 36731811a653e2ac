import { describe, expect, it } from 'vitest';
import { issueCode } from '../../src/shared/codes';
import { newTablet } from './support/harness';
import { layoutProblems } from './support/layout';
import { seedADay } from './support/tablet-steps';
import { browserAndServer } from './support/suite';

const suite = browserAndServer();

const VIEWPORTS = [
  { name: '10-inch tablet, landscape', width: 1280, height: 800 },
  { name: '10-inch tablet, portrait', width: 800, height: 1280 },
  { name: 'phone, portrait', width: 390, height: 844 },
];
const SCREENS = ['Today', 'Sessions', 'Shifts', 'Close day', 'Summary', 'Children', 'Tablets', 'Settings'];

describe('touch first, on a tablet either way up and on a phone', () => {
  it('keeps every control at least 48 px, text at least 16 px, and nothing wider than the screen, on every screen', async () => {
    const { context, page } = await newTablet(suite.browser);
    try {
      await page.goto(suite.server.url);
      // Some content on every screen: two children in, a volunteer on duty, a running session.
      await seedADay(page, [issueCode('K', 4173), issueCode('K', 4174)]);

      const found: string[] = [];
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize({ width: viewport.width, height: viewport.height });
        for (const screen of SCREENS) {
          await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen }).click();
          await page.getByRole('heading', { level: 1 }).waitFor({ state: 'attached' });
          await page.waitForLoadState('networkidle');
          // The summary's figures and charts come a moment after its heading.
          if (screen === 'Summary') await page.getByRole('img', { name: /Children present/ }).waitFor();
          for (const problem of await layoutProblems(page)) found.push(`${viewport.name}, ${screen}: ${problem}`);
        }
      }
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
