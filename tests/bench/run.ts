/**
 * `npm run bench`: builds the app (the npm script does), then measures it in the system Chromium
 * against the real server. Prints a table and writes bench-results.json. Targets are compared
 * within this one run; nothing here is a pass/fail test, since shared machines are noisy.
 */
import { launchBrowser } from '../e2e/support/harness';
import { firstLoadJavaScript, offlineStart } from './first-load';
import { report, type BenchResult } from './report';
import { syncOverHttp } from './sync-http';
import { busyTablet } from './tablet';

const browser = await launchBrowser();
const results: BenchResult[] = [];
try {
  results.push(...(await firstLoadJavaScript(browser)));
  results.push(...(await offlineStart(browser)));
  results.push(...(await busyTablet(browser)));
} finally {
  await browser.close();
}
results.push(...(await syncOverHttp()));
await report(results);
