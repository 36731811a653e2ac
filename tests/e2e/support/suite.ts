import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, startServer, type RunningServer } from './harness';

/**
 * One Chromium and one real server (embedded database, built app) for a test file, started
 * before its tests and stopped after: `const suite = browserAndServer();`, then `suite.browser`
 * and `suite.server` inside the tests.
 */
export function browserAndServer(): { browser: Browser; server: RunningServer } {
  const suite = {} as { browser: Browser; server: RunningServer };
  beforeAll(async () => {
    suite.browser = await launchBrowser();
    suite.server = await startServer();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
