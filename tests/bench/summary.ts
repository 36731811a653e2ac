import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../src/server/app';
import { openStore } from '../../src/server/store';
import { createCentre } from '../../src/server/store/accounts';
import { formatDay } from '../../src/client/ui/format-day';
import { addDays, firstOfMonth } from '../../src/shared/dates';
import { storeYear, yearOfRecords } from './fresh-pull';
import { call, enrolOverHttp, listenOnLoopback } from './http';
import { newTablet, serviceWorkerReady, startServer } from '../e2e/support/harness';
import { throttleCpu, USABLE_MARK } from './first-load';
import { median, percentile, type BenchResult } from './report';
import { seedInPage } from './seed-year';
import { yearPlan } from './tablet';

type Action = { click: string } | { pickDay: string };

/**
 * In the page: taps a button (or picks a day in the day field) and times until `done` holds,
 * watching the screen. Timed in the page, so no round trip to the test is in the figure. Must not
 * close over anything.
 */
function timeAction(page: Page, action: Action, done: { heading?: string; rows?: number }): Promise<number> {
  return page.evaluate(
    ({ action, done }) =>
      new Promise<number>((resolve, reject) => {
        const shown = () => {
          if (document.querySelector('.summary [role=status]')) return false;
          if (done.heading !== undefined && document.querySelector('.summary-day')?.textContent !== done.heading) return false;
          if (done.rows !== undefined) return document.querySelectorAll('.range-table tbody tr').length === done.rows;
          return document.querySelector('.key-figure') !== null;
        };
        const button = 'click' in action ? [...document.querySelectorAll('button')].find((candidate) => candidate.textContent === action.click) : undefined;
        const field = document.querySelector<HTMLInputElement>('.day-field input');
        if ('click' in action ? !button : !field) return reject(new Error(`nothing to act on for ${JSON.stringify(action)}`));
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          resolve(performance.now() - start);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        if (button) button.click();
        else if ('pickDay' in action) {
          // As the date picker does: the value set through the native setter, then an input event React hears.
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(field, action.pickDay);
          field!.dispatchEvent(new Event('input', { bubbles: true }));
        }
      }),
    { action, done },
  );
}

const timeClick = (page: Page, click: string, done: { heading?: string; rows?: number }) => timeAction(page, { click }, done);

/** The heading the day view shows for a centre day (en, as the bench tablet speaks). */
const dayHeading = (day: string) => formatDay(day, 'en');

/**
 * The lead's summary on a tablet holding a year of a busy centre (seed-year.ts), CPU throttled 4x:
 * from the tap to the figures on screen, for one day and for a 31-day report. "First" is a day
 * whose facts the tablet has not kept yet (worked out from its ~400 records, then kept); "kept"
 * is the same day again, read from its kept facts, as every later look is.
 */
export async function summaryOnTablet(browser: Browser, days = 12): Promise<BenchResult[]> {
  const server = await startServer();
  const { context, page } = await newTablet(browser);
  try {
    await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
    await page.goto(server.url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, USABLE_MARK);
    await serviceWorkerReady(page);
    const plan = yearPlan(Date.now());
    const counts = await page.evaluate(seedInPage, plan);
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const today = plan.dayStarts[plan.dayStarts.length - 1]!.day;

    await page.goto(`${server.url}/summary`);
    await page.locator('.key-figure').first().waitFor();
    // The first screen keeps today and the 30-day trend: let that finish before timing.
    await page.getByText('Children each day, last 30 days').waitFor();
    await throttleCpu(context, page);

    // Days the tablet has not looked at, 40 days apart so no earlier look's 30-day trend kept
    // them; then back a day at a time from today, days the first screen's trend kept.
    const first: number[] = [];
    for (let back = 60; back <= 60 + 40 * (days / 2 - 1); back += 40) {
      const day = addDays(today, -back);
      first.push(await timeAction(page, { pickDay: day }, { heading: dayHeading(day) }));
      await page.getByText('Children each day, last 30 days').waitFor();
    }
    await timeAction(page, { pickDay: today }, { heading: `Today, ${dayHeading(today)}` });
    await page.getByText('Children each day, last 30 days').waitFor();
    const kept: number[] = [];
    for (let i = 1; i <= days; i++) {
      kept.push(await timeClick(page, 'Previous day', { heading: dayHeading(addDays(today, -i)) }));
      // As a lead reads before tapping again; the trend of the day before settles meanwhile.
      await page.getByText('Children each day, last 30 days').waitFor();
    }

    await page.getByRole('radio', { name: 'Several days' }).check();
    await page.getByRole('table').waitFor();
    // Last month: 30 or 31 days the tablet has partly kept (the 30-day trend) and partly not.
    const lastMonthEnd = addDays(firstOfMonth(today), -1);
    const monthDays = Number(lastMonthEnd.slice(8));
    const monthFirst = await timeClick(page, 'Last month', { rows: monthDays });
    await timeClick(page, 'Last 7 days', { rows: 7 });
    const monthKept: number[] = [];
    for (let run = 0; run < 5; run++) {
      monthKept.push(await timeClick(page, 'Last month', { rows: monthDays }));
      await timeClick(page, 'Last 7 days', { rows: 7 });
    }
    const detail = `${rows.toLocaleString('en')} rows; ${days} days`;
    return [
      { name: 'day summary, first look (from ~400 records), year of data, CPU 4x (median)', value: median(first), unit: 'ms', detail: `${first.length} days` },
      { name: 'day summary, kept, year of data, CPU 4x (median)', value: median(kept), unit: 'ms', detail },
      { name: 'day summary, kept, year of data, CPU 4x (p95)', value: percentile(kept, 95), unit: 'ms', target: { max: 50 }, detail },
      { name: `${monthDays}-day report, first look, year of data, CPU 4x`, value: monthFirst, unit: 'ms', detail: 'its facts worked out from the records and kept' },
      { name: `${monthDays}-day report, kept, year of data, CPU 4x (median)`, value: median(monthKept), unit: 'ms', target: { max: 300 }, detail: '5 runs' },
    ];
  } finally {
    await context.close();
    await server.stop();
  }
}

/**
 * GET /api/v1/reports/days for 365 days from the server on PGlite (a temp DATA_DIR) holding the
 * same year, over HTTP on loopback: JSON and CSV, median of a few runs.
 */
export async function yearReportFromServer(runs = 3): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daybook-bench-report-'));
  const store = await openStore({ dataDir });
  const app = await buildApp({ store, version: 'bench' });
  try {
    const base = await listenOnLoopback(app);
    const centre = await createCentre(store, { name: 'Busy centre', timeZone: 'Europe/Paris' });
    const plan = yearPlan(Date.now());
    const records = await yearOfRecords(plan);
    await storeYear(store, centre.id, records);
    const { token } = await enrolOverHttp(base, store, centre.id, 'lead tablet', 'lead');
    const today = plan.dayStarts[plan.dayStarts.length - 1]!.day;
    const from = addDays(today, -364);
    const time = async (format: 'json' | 'csv', count = runs) => {
      const times: number[] = [];
      let bytes = 0;
      for (let run = 0; run < count; run++) {
        const start = performance.now();
        const answer = await call(base, 'GET', `/api/v1/reports/days?from=${from}&to=${today}&format=${format}`, token);
        times.push(performance.now() - start);
        if (answer.status !== 200) throw new Error(`the report answered ${answer.status}`);
        bytes = answer.wireBytes;
      }
      return { ms: median(times), bytes };
    };
    // The first report works every day out from its records and keeps the facts (issue 11);
    // the ones after read the kept day totals.
    const cold = await time('json', 1);
    const json = await time('json');
    const csv = await time('csv');
    const detail = `${records.length.toLocaleString('en')} records on the server`;
    return [
      { name: '365-day report from the server, PGlite, first (works out and keeps day totals)', value: cold.ms, unit: 'ms', detail },
      { name: '365-day report from the server, PGlite, JSON from kept day totals (median)', value: json.ms, unit: 'ms', detail: `${runs} runs; ${Math.round(json.bytes / 1024)} KB gzip` },
      { name: '365-day report from the server, PGlite, CSV from kept day totals (median)', value: csv.ms, unit: 'ms', detail: `${runs} runs; ${Math.round(csv.bytes / 1024)} KB gzip` },
    ];
  } finally {
    await app.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
