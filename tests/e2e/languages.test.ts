import { mkdirSync, statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../../src/client/i18n/i18n';
import { axeViolations } from './support/axe';
import { newTablet } from './support/harness';
import { layoutProblems } from './support/layout';
import { seedADay } from './support/tablet-steps';
import { browserAndServer } from './support/suite';

const suite = browserAndServer();

// Every screen, by its address: the navigation's names change with the language.
const SCREENS = ['/', '/sessions', '/shifts', '/summary', '/settings', '/close', '/children', '/tablets', '/cards', '/enrol'];
const VIEWPORTS = [
  { name: 'tablet', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];
const RIGHT_TO_LEFT: readonly Language[] = ['ar', 'ckb', 'fa'];
const SCREENSHOTS = 'test-results/languages';
const CODES = [issueCode('K', 4173), issueCode('K', 4174)];

/** The tablet's language, chosen as a volunteer would: in Settings, by the language's own name. */
async function chooseLanguage(page: Page, language: Language): Promise<void> {
  await page.goto(`${suite.server.url}/settings`);
  // Clicked, not checked: the choice shows once the language's sentences have loaded.
  await page.getByRole('radio', { name: LANGUAGE_NAMES[language], exact: true }).click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
}

async function openScreen(page: Page, path: string): Promise<void> {
  await page.goto(`${suite.server.url}${path}`);
  await page.locator('main h1').first().waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  // The summary's figures and charts come a moment after its heading.
  if (path === '/summary') await page.locator('main svg[role=img]').first().waitFor();
}

/** What a reader of each language expects of the page as a whole, wherever it is. */
async function pageProblems(page: Page, language: Language): Promise<string[]> {
  return page.evaluate(
    ({ language, rtl }) => {
      const problems: string[] = [];
      const html = document.documentElement;
      if (html.lang !== language) problems.push(`lang="${html.lang}"`);
      if (html.dir !== (rtl ? 'rtl' : 'ltr')) problems.push(`dir="${html.dir}"`);
      // Codes, counts and times in Latin digits, whatever the language's own digits are.
      if (/[\u0660-\u0669\u06f0-\u06f9]/.test(document.body.innerText)) problems.push('digits other than Latin on the page');
      // The navigation reads from the reader's side: Today first, at the right in Arabic.
      const links = [...document.querySelectorAll('nav .nav-link')].map((link) => link.getBoundingClientRect());
      const [first, second] = links;
      if (first && second && first.top === second.top && (rtl ? first.left < second.left : first.left > second.left)) problems.push('navigation not in reading order');
      return problems;
    },
    { language, rtl: RIGHT_TO_LEFT.includes(language) },
  );
}

describe('the languages of the camp', () => {
  it('opens in the browser’s language when Daybook has it, and a tablet can choose another in Settings', async () => {
    const { context, page } = await newTablet(suite.browser, { locale: 'ar-IQ' });
    try {
      await page.goto(suite.server.url);
      await page.waitForFunction(() => document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl');
      expect(await page.locator('main h1').first().textContent()).not.toBe('Today');
      await chooseLanguage(page, 'en');
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
      // The choice is this tablet's: it stays after a reload, over the browser's language.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    } finally {
      await context.close();
    }
  });

  it('renders every screen in every language: in reading order, no sideways scroll, 48 px targets, Latin digits; axe-clean in Arabic', async () => {
    const { context, page } = await newTablet(suite.browser);
    mkdirSync(SCREENSHOTS, { recursive: true });
    try {
      // Some content on every screen, made in English: two children in, a volunteer on duty, a running session.
      await page.goto(suite.server.url);
      await seedADay(page, CODES);

      const found: string[] = [];
      for (const language of LANGUAGES) {
        await chooseLanguage(page, language);
        for (const viewport of VIEWPORTS) {
          await page.setViewportSize({ width: viewport.width, height: viewport.height });
          for (const path of SCREENS) {
            await openScreen(page, path);
            const where = `${language}, ${viewport.name}, ${path}`;
            for (const problem of [...(await layoutProblems(page)), ...(await pageProblems(page, language))]) found.push(`${where}: ${problem}`);
            if (language === 'ar' && viewport.name === 'tablet') {
              for (const violation of await axeViolations(page)) found.push(`${where}: axe ${violation}`);
              if (path === '/' || path === '/summary') await page.screenshot({ path: `${SCREENSHOTS}/ar-${path === '/' ? 'today' : 'summary'}.png`, fullPage: true });
            }
          }
        }
        // The children's codes read the same in every language, left to right.
        await openScreen(page, '/');
        for (const code of CODES) await page.getByText(formatCodeForReading(code), { exact: true }).first().waitFor();
      }
      expect(found).toEqual([]);
      for (const name of ['ar-today', 'ar-summary']) expect(statSync(`${SCREENSHOTS}/${name}.png`).size).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  });

  it('writes dates day first in English and in French', async () => {
    const { context, page } = await newTablet(suite.browser);
    try {
      const today = new Date();
      const parts = (locale: string) => {
        const get = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...options, timeZone: 'Europe/Paris' }).format(today);
        return { day: get({ day: 'numeric' }), month: get({ month: 'long' }), weekday: get({ weekday: 'long' }) };
      };
      for (const [language, locale] of [
        ['en', 'en-GB'],
        ['fr', 'fr'],
      ] as const) {
        await chooseLanguage(page, language);
        await openScreen(page, '/close');
        const { day, month, weekday } = parts(locale);
        // "Wednesday 2 December", "mercredi 2 décembre": never "December 2".
        await page.getByText(new RegExp(`${weekday} ${day} ${month}`, 'i')).first().waitFor();
        expect(await page.locator('main').innerText()).not.toMatch(new RegExp(`${month} ${day}\\b`, 'i'));
      }
    } finally {
      await context.close();
    }
  });
});
