/**
 * Renders public/favicon.svg to the PNG icons the web manifest names, in the system Chromium.
 * Run with `npm run icons` after changing the SVG; the PNGs are committed like any asset.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { chromiumPath, CHROMIUM_ARGS } from '../tests/support/chromium';

const svg = await readFile(new URL('../public/favicon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  const render = async (size: number, padding: number, file: string, background = 'transparent') => {
    await page.setViewportSize({ width: size, height: size });
    const inner = size - padding * 2;
    await page.setContent(
      `<html><body style="margin:0;background:${background}"><div style="padding:${padding}px;width:${inner}px;height:${inner}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body></html>`,
    );
    await writeFile(new URL(`../public/icons/${file}`, import.meta.url), await page.screenshot({ omitBackground: background === 'transparent' }));
  };
  await render(192, 0, 'icon-192.png');
  await render(512, 0, 'icon-512.png');
  await render(180, 0, 'apple-touch-icon.png', '#1f5f8b');
  // Maskable: the platform may crop to a circle, so the artwork keeps within the safe 80 %.
  await render(512, 52, 'icon-maskable-512.png', '#1f5f8b');
} finally {
  await browser.close();
}
