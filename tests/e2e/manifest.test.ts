import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './support/harness';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('the installable app, as the server serves the build', () => {
  it('links a web manifest with name, short name, theme colour, standalone display and start URL', async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain('rel="manifest" href="/manifest.webmanifest"');
    const manifest = (await (await fetch(`${server.url}/manifest.webmanifest`)).json()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'Daybook', short_name: 'Daybook', display: 'standalone', start_url: '/', theme_color: '#1f5f8b' });
  });

  it('names 192 and 512 px PNG icons and a maskable one, and serves each at its size', async () => {
    const manifest = (await (await fetch(`${server.url}/manifest.webmanifest`)).json()) as {
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    const wanted = [
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ];
    for (const [sizes, purpose] of wanted) {
      const icon = manifest.icons.find((candidate) => candidate.sizes === sizes && (candidate.purpose ?? 'any') === purpose);
      expect(icon, `${sizes} ${purpose}`).toBeDefined();
      expect(icon!.type).toBe('image/png');
      const response = await fetch(`${server.url}${icon!.src}`);
      expect(response.headers.get('content-type')).toBe('image/png');
      const [width, height] = sizes!.split('x').map(Number);
      expect(pngSize(new Uint8Array(await response.arrayBuffer()))).toEqual({ width, height });
    }
  });

  it('has a service worker that precaches the app shell', async () => {
    const sw = await (await fetch(`${server.url}/sw.js`)).text();
    for (const file of ['index.html', 'manifest.webmanifest', 'icons/icon-192.png']) expect(sw).toContain(file);
    expect(sw).toMatch(/assets\/index-[\w-]+\.js/);
  });
});
