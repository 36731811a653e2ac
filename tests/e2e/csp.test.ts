import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { APP_CONTENT_SECURITY_POLICY } from '../../src/server/security-headers';
import { launchBrowser, newTablet, serviceWorkerReady, startServer } from './support/harness';

/**
 * Issue 10: the app works under its own strict CSP (security-headers.ts), online and offline from
 * the service worker. Every violation the page meets is collected: a blocked script, style,
 * worker or request would show here even when the screen still looked right.
 */

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Collects every CSP violation of the page, from before its first script runs. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  return () => page.evaluate(() => (globalThis as unknown as { cspViolations?: string[] }).cspViolations ?? []);
}

describe('the app under its Content Security Policy', () => {
  it('is served with the strict policy and the other headers, and runs a check-in online and offline without one violation', async () => {
    const server = await startServer();
    const { context, page } = await newTablet(browser);
    try {
      const violations = await watchViolations(page);
      const response = await page.goto(server.url);
      expect(response?.headers()).toMatchObject({
        'content-security-policy': APP_CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      expect(APP_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
      expect(APP_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();
      await serviceWorkerReady(page);

      // Online: a child registered and checked in; the sync bar talks to the server under connect-src.
      const online = issueCode('K', 4181);
      await page.getByRole('textbox', { name: 'Child code' }).fill(online);
      await page.getByRole('button', { name: 'Check in or out' }).click();
      const form = page.getByRole('form', { name: 'Register a child' });
      await form.getByRole('radio', { name: '3-5' }).check();
      await form.getByRole('radio', { name: 'Boy' }).check();
      await form.getByRole('button', { name: 'Register and check in' }).click();
      await page.getByRole('button', { name: `Check out ${formatCodeForReading(online)}` }).waitFor();
      expect(await violations()).toEqual([]);

      // Offline: the page comes from the service worker, under the policy it cached with it.
      await server.stop();
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('button', { name: `Check out ${formatCodeForReading(online)}` }).waitFor();
      await page.getByRole('button', { name: `Check out ${formatCodeForReading(online)}` }).click();
      await page.getByRole('button', { name: /Undo/ }).waitFor();
      expect(await violations()).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
