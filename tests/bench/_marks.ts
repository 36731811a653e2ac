import { formatCodeForReading } from '../../src/shared/codes';
import { launchBrowser, newTablet, serviceWorkerReady, startServer } from '../e2e/support/harness';
import { seedInPage } from './seed-year';
import { yearPlan } from './tablet';
const server = await startServer();
const browser = await launchBrowser();
const { context, page } = await newTablet(browser);
await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
await page.goto(server.url);
await page.waitForFunction(() => performance.getEntriesByName('daybook:today-usable').length > 0);
await serviceWorkerReady(page);
const plan = yearPlan(Date.now(), Number(process.argv[2] ?? 75));
await page.evaluate(seedInPage, plan);
await page.reload();
await page.waitForFunction(() => performance.getEntriesByName('daybook:today-usable').length > 0);
const cdp = await context.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
const present = new Set(await page.locator('.tile-code').allTextContents());
for (const code of plan.codes.filter((c) => !present.has(formatCodeForReading(c))).slice(-6)) {
  await page.getByRole('textbox', { name: 'Child code' }).fill(code);
  await page.evaluate(() => performance.clearMarks());
  await page.evaluate(() => { performance.mark('click'); (document.querySelector('.find-child button[type=submit]') as HTMLElement).click(); });
  await page.getByText(`${formatCodeForReading(code)} checked in`).waitFor();
  await page.waitForTimeout(300);
  console.log(await page.evaluate(() => { const c = performance.getEntriesByName('click')[0]!.startTime; return performance.getEntriesByType('mark').map((m) => `${m.name}:${(m.startTime - c).toFixed(0)}`).join(' '); }));
}
await browser.close();
await server.stop();
