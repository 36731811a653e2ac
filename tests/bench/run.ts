/**
 * `npm run bench`: builds the app (the npm script does), then measures it in the system Chromium
 * against the real server. Prints a table and writes bench-results.json. Targets are compared
 * within this one run; nothing here is a pass/fail test, since shared machines are noisy. What
 * does fail the run is a correctness check a benchmark makes along the way (the fresh tablet
 * holding every record, nothing lost among many tablets): a wrong answer fast is no figure.
 * The many-tablets run also measures PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set;
 * BENCH_TABLETS_SECONDS sets its length (default 60 s per database).
 */
import { launchBrowser } from '../e2e/support/harness';
import { firstLoadJavaScript, offlineStart } from './first-load';
import { idbFloors, multiplesOfFloors } from './floors';
import { freshTabletPull } from './fresh-pull';
import { layoutShift } from './layout-shift';
import { manyTablets } from './many-tablets';
import { syncAgainstPouchDB } from './pouchdb';
import { pushProfileResults } from './push-profile';
import { report, type BenchResult } from './report';
import { restartTime } from './restart';
import { scanToCheckIn } from './scan';
import { summaryOnTablet, yearReportFromServer } from './summary';
import { busyTablet } from './tablet';

const browser = await launchBrowser();
const results: BenchResult[] = [];
try {
  // This machine's IndexedDB floors first, in the same Chromium: the tablet's figures are read against them.
  results.push(...(await idbFloors(browser)));
  results.push(...(await firstLoadJavaScript(browser)));
  // Arabic's sentences are the longest of the five in bytes: the budget holds for the heaviest.
  results.push(...(await firstLoadJavaScript(browser, { name: 'Arabic', locale: 'ar-IQ' })));
  results.push(...(await offlineStart(browser)));
  results.push(...(await layoutShift(browser)));
  results.push(...(await busyTablet(browser)));
  results.push(...(await summaryOnTablet(browser)));
  results.push(...(await freshTabletPull(browser)));
} finally {
  await browser.close();
}
// Its own Chromium: the fake camera that shows a child's card is a launch flag.
results.push(...(await scanToCheckIn()));
results.push(...(await yearReportFromServer()));
// Daybook's push and pull of 20,000 records, then PouchDB's of the same, and the ratios (issue 14).
results.push(...(await syncAgainstPouchDB()));
// Where a push's time goes on the server, statement by statement, on PGlite and PostgreSQL.
results.push(...(await pushProfileResults()));
results.push(...(await manyTablets()));
results.push(...(await restartTime()));
results.push(...multiplesOfFloors(results));
await report(results);
