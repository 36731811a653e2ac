import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../../src/server/app';
import { openStore, type Store } from '../../../src/server/store';
import { chromiumPath, CHROMIUM_ARGS } from '../../support/chromium';

/**
 * The production build the tests serve; `npm test` builds it before the end-to-end run.
 * DAYBOOK_DIST points at another build (one person's build while another rebuilds `dist`).
 */
export function builtApp(): string {
  const dist = resolve(process.env.DAYBOOK_DIST || 'dist');
  if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'sw.js'))) {
    throw new Error('The app is not built: run `npm run build` before the end-to-end tests (`npm test` does it).');
  }
  return dist;
}

/** A private copy of the build, for a test that changes files under the running server. */
export async function copyOfBuild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'daybook-dist-'));
  await cp(builtApp(), dir, { recursive: true });
  return dir;
}

export type RunningServer = { url: string; port: number; store: Store; stop: () => Promise<void> };

/**
 * The real server (buildApp) on the real embedded database in a fresh DATA_DIR, listening on a
 * free loopback port and serving the built app, as `npm start` does.
 */
export async function startServer(options: { staticDir?: string; trustProxy?: string[] } = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daybook-data-'));
  const store = await openStore({ dataDir });
  const app = await buildApp({ store, version: 'e2e', staticDir: options.staticDir ?? builtApp(), logger: false, ...(options.trustProxy && { trustProxy: options.trustProxy }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server did not listen on a port');
  let stopped = false;
  return {
    port: address.port,
    // localhost, not 127.0.0.1: a service worker needs a secure context, and localhost is one.
    url: `http://localhost:${address.port}`,
    store,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/** Waits until a service worker is active for the page, so the next load can come from it. */
export async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/**
 * A fresh browser profile: its own IndexedDB and service worker, like a new tablet. A test that
 * must see every request of the app with `context.route` may block the service worker: Playwright
 * does not route what a service worker answers itself (today's answers no /api request).
 */
export async function newTablet(browser: Browser, options: { serviceWorkers?: 'allow' | 'block'; locale?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    // The browser's language, which a tablet's Daybook speaks until one is chosen in Settings.
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/Paris',
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  // A step that cannot happen fails within seconds, naming the step, rather than at the test's timeout.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}
