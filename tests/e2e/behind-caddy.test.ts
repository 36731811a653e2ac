import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCentre, listDevices, mintEnrolmentCode } from '../../src/server/store/accounts';
import { chromiumPath, CHROMIUM_ARGS } from '../support/chromium';
import { serviceWorkerReady, startServer, type RunningServer } from './support/harness';

/**
 * Issue 10: the README's deployment, proven. Daybook behind Caddy (Debian's package) with its
 * internal CA, on a name that is not localhost (`daybook.test`, resolved by Chromium's
 * host-resolver rules), TRUST_PROXY naming the proxy. Over HTTPS the service worker installs, a
 * reload offline shows the app, a tablet enrols, and the enrolment limiter counts each client's
 * own address: ten wrong codes from the browser lock out the browser, not another client of the
 * same proxy.
 */

const NAME = 'daybook.test';

function caddyPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v caddy'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('No Caddy for the deployment test: install it with `apt-get install -y caddy` (.ci/run does).');
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A POST through the proxy from the given local address, as another tablet on the network. */
function enrolThroughProxy(port: number, localAddress: string, code: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ code, deviceName: 'Other tablet' });
    const sent = request(
      { host: '127.0.0.1', port, servername: NAME, path: '/api/v1/enrol', method: 'POST', localAddress, rejectUnauthorized: false, headers: { host: `${NAME}:${port}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

let scratch: string;
let server: RunningServer;
let caddy: ChildProcess;
let caddyLog = '';
let port: number;
let browser: Browser;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'daybook-caddy-'));
  server = await startServer({ trustProxy: ['127.0.0.1'] });
  port = await freePort();
  // The README's Caddyfile, with the internal CA for a name no public CA would sign.
  await writeFile(
    join(scratch, 'Caddyfile'),
    `{
  admin off
  auto_https disable_redirects
  skip_install_trust
  storage file_system ${join(scratch, 'data')}
}
https://${NAME}:${port} {
  tls internal
  header Strict-Transport-Security "max-age=31536000"
  reverse_proxy 127.0.0.1:${server.port}
}
`,
  );
  caddy = spawn(caddyPath(), ['run', '--config', join(scratch, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { PATH: process.env.PATH ?? '', HOME: scratch, XDG_DATA_HOME: join(scratch, 'xdg-data'), XDG_CONFIG_HOME: join(scratch, 'xdg-config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  caddy.stderr?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString('utf8')));
  // Up once it answers over TLS (a 404 for a path no route has is an answer).
  for (let tries = 0; ; tries++) {
    const answered = await new Promise<boolean>((resolve) => {
      const probe = request({ host: '127.0.0.1', port, servername: NAME, path: '/api/v1/health', rejectUnauthorized: false, headers: { host: `${NAME}:${port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      probe.on('error', () => resolve(false));
      probe.end();
    });
    if (answered) break;
    if (tries > 200 || caddy.exitCode !== null) throw new Error(`Caddy did not come up: ${caddyLog.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${NAME} 127.0.0.1`, '--ignore-certificate-errors'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  caddy?.kill('SIGTERM');
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('Daybook behind Caddy over HTTPS', () => {
  it('installs its service worker, opens offline, enrols a tablet, and the limiter counts each client’s own address', async () => {
    const url = `https://${NAME}:${port}`;
    const centre = await createCentre(server.store, { name: 'Grande-Synthe', timeZone: 'Europe/Paris' });
    // For the test only: Caddy's internal CA is not in this browser profile's trust store.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    try {
      const page = await context.newPage();
      const first = await page.goto(url);
      expect(first?.headers()).toMatchObject({ 'strict-transport-security': 'max-age=31536000', 'x-content-type-options': 'nosniff' });
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();
      await serviceWorkerReady(page);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);

      // The network goes: the app comes from the service worker.
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('textbox', { name: 'Child code' }).waitFor();
      await context.setOffline(false);

      // A tablet enrols through the proxy, with the QR code's link.
      const { code } = await mintEnrolmentCode(server.store, { centreId: centre.id, role: 'volunteer', uses: 3, now: Date.now() });
      await page.goto(`${url}/enrol?server=${encodeURIComponent(url)}&code=${encodeURIComponent(code)}`);
      await page.getByRole('textbox', { name: 'Name of this tablet' }).fill('Playroom');
      await page.getByRole('button', { name: 'Enrol' }).click();
      await page.getByText(/This tablet is now connected to Grande-Synthe/).waitFor();
      expect((await listDevices(server.store, centre.id)).map((device) => device.name)).toEqual(['Playroom']);

      // Ten wrong codes from the browser: the browser is locked out, another client is not.
      const statuses = await page.evaluate(async () => {
        const answers: number[] = [];
        for (let i = 0; i < 11; i++) {
          const response = await fetch('/api/v1/enrol', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `WRNG-C0DE-000${i % 10}`, deviceName: 'Guess' }) });
          answers.push(response.status);
        }
        return answers;
      });
      expect(statuses).toEqual([...Array<number>(10).fill(403), 429]);
      expect(await enrolThroughProxy(port, '127.0.0.5', code)).toBe(201);
    } finally {
      await context.close();
    }
  });
});
