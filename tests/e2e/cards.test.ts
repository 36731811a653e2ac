import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCentre } from '../../src/server/store/accounts';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { axeViolations } from './support/axe';
import { newTablet } from './support/harness';
import { localMeta } from './support/local-db';
import { browserAndServer } from './support/suite';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

const suite = browserAndServer();
const require = createRequire(import.meta.url);

/** CSS pixels in a millimetre: the sheets are sized in millimetres, the layout measured in pixels. */
const PX_PER_MM = 96 / 25.4;
/** A4 is 297 mm tall; cards.css prints on `@page daybook-cards` with 12 mm above and below. */
const PAGE_CONTENT_HEIGHT_PX = (297 - 2 * 12) * PX_PER_MM;
/** pdf.js renders a PDF point (1/72 in) as `scale` pixels; a CSS pixel is 1/96 in. */
const RENDER_SCALE = 3;
const DEVICE_PX_PER_CSS_PX = (RENDER_SCALE * 72) / 96;

type Box = { x: number; y: number; width: number; height: number };
type PrintedSheet = { sheet: Box; cards: { box: Box; qr: Box; code: string }[] };

/**
 * The sheets as laid out for print: each page's box, and each card's box, its QR code's box and
 * the code it shows in large type (as the lead reads it, spaces taken out: as typed on the keypad).
 */
async function sheetsInPrint(page: Page): Promise<PrintedSheet[]> {
  await page.emulateMedia({ media: 'print' });
  const sheets = await page.getByRole('group', { name: /^Page \d+ of \d+$/ }).all();
  const printed: PrintedSheet[] = [];
  for (const sheet of sheets) {
    printed.push(
      await sheet.evaluate((element) => {
        const box = (node: Element) => {
          const { x, y, width, height } = node.getBoundingClientRect();
          return { x, y, width, height };
        };
        return {
          sheet: box(element),
          cards: [...element.children].map((card) => ({
            box: box(card),
            qr: box(card.querySelector('[role="img"]')!),
            code: [...card.querySelectorAll('[translate="no"] span')].map((part) => part.textContent).join(''),
          })),
        };
      }),
    );
  }
  return printed;
}

/** The smallest box holding all of `boxes`. */
function union(boxes: readonly Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}

type ReadPdf = { pages: number; ink: Box[]; scanned: (string | null)[][]; text: string[][] };

/**
 * Reads a PDF as a person with a phone would: pdf.js (loaded in a blank Chromium page from
 * node_modules) draws each page on a canvas, and jsQR, a decoder that owes nothing to the
 * encoder, reads each QR code cut out of the drawn page. Where each QR code is on a page comes
 * from the print layout, relative to the cards' cut lines: the box of all dark pixels on the
 * page is the box of its cards, wherever the printer's margins put it.
 */
async function readPdf(browser: Browser, pdf: Buffer, cropsPerPage: Box[][]): Promise<ReadPdf> {
  const origin = 'http://pdf.test';
  const files: Record<string, { body: Buffer | string; contentType: string }> = {
    '/': { body: '<!doctype html><title>PDF</title>', contentType: 'text/html' },
    '/pdf.mjs': { body: readFileSync(require.resolve('pdfjs-dist/build/pdf.min.mjs')), contentType: 'text/javascript' },
    '/pdf.worker.mjs': { body: readFileSync(require.resolve('pdfjs-dist/build/pdf.worker.min.mjs')), contentType: 'text/javascript' },
    '/jsqr.js': { body: readFileSync(require.resolve('jsqr/dist/jsQR.js')), contentType: 'text/javascript' },
    '/sheet.pdf': { body: pdf, contentType: 'application/pdf' },
  };
  const reader = await browser.newPage();
  try {
    await reader.route(`${origin}/**`, (route) => {
      const file = files[new URL(route.request().url()).pathname];
      return file ? route.fulfill({ status: 200, body: file.body, contentType: file.contentType }) : route.fulfill({ status: 404 });
    });
    await reader.goto(`${origin}/`);
    // As script tags rather than an import() in the evaluated function, which the test's own
    // bundler would rewrite: pdf.js sets globalThis.pdfjsLib, jsQR globalThis.jsQR.
    await reader.addScriptTag({ url: '/pdf.mjs', type: 'module' });
    await reader.addScriptTag({ url: '/jsqr.js' });
    await reader.waitForFunction(() => 'pdfjsLib' in globalThis && 'jsQR' in globalThis);
    return await reader.evaluate(
      async ({ cropsPerPage, scale, pxPerCss }) => {
        type Pdfjs = {
          GlobalWorkerOptions: { workerSrc: string };
          getDocument: (url: string) => {
            promise: Promise<{
              numPages: number;
              getPage: (n: number) => Promise<{
                getViewport: (options: { scale: number }) => { width: number; height: number };
                render: (options: { canvas: HTMLCanvasElement; canvasContext: CanvasRenderingContext2D; viewport: unknown }) => { promise: Promise<void> };
                getTextContent: () => Promise<{ items: { str?: string }[] }>;
              }>;
            }>;
          };
        };
        type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
        const pdfjs = (globalThis as unknown as { pdfjsLib: Pdfjs }).pdfjsLib;
        pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
        const jsQR = (globalThis as unknown as { jsQR: JsQr }).jsQR;
        const document = await pdfjs.getDocument('/sheet.pdf').promise;
        const read = { pages: document.numPages, ink: [] as Box[], scanned: [] as (string | null)[][], text: [] as string[][] };
        for (let n = 1; n <= document.numPages; n++) {
          const page = await document.getPage(n);
          const viewport = page.getViewport({ scale });
          const canvas = Object.assign(window.document.createElement('canvas'), { width: Math.ceil(viewport.width), height: Math.ceil(viewport.height) });
          const context = canvas.getContext('2d', { willReadFrequently: true })!;
          await page.render({ canvas, canvasContext: context, viewport }).promise;
          const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
          let [left, top, right, bottom] = [width, height, -1, -1];
          for (let y = 0; y < height; y++) {
            for (let x = 0; x < width; x++) {
              const at = (y * width + x) * 4;
              if (data[at]! + data[at + 1]! + data[at + 2]! > 3 * 160) continue;
              left = Math.min(left, x);
              right = Math.max(right, x);
              top = Math.min(top, y);
              bottom = Math.max(bottom, y);
            }
          }
          read.ink.push({ x: left, y: top, width: right - left + 1, height: bottom - top + 1 });
          read.scanned.push(
            (cropsPerPage[n - 1] ?? []).map((crop) => {
              const x = Math.round(left + crop.x * pxPerCss);
              const y = Math.round(top + crop.y * pxPerCss);
              const w = Math.round(crop.width * pxPerCss);
              const h = Math.round(crop.height * pxPerCss);
              const cut = context.getImageData(x, y, w, h);
              return jsQR(cut.data, w, h)?.data ?? null;
            }),
          );
          read.text.push((await page.getTextContent()).items.map((item) => item.str?.trim() ?? '').filter((str) => str.length > 0));
        }
        return read;
      },
      { cropsPerPage, scale: RENDER_SCALE, pxPerCss: DEVICE_PX_PER_CSS_PX },
    );
  } finally {
    await reader.close();
  }
}

/**
 * Prints the screen to PDF as Chromium prints it, and checks what the issue asks of the sheet:
 * as many pages as the layout says, every card whole on one page, and every QR code on it
 * decoding to exactly the code printed beside it. Returns the codes read, page by page.
 */
async function printAndScan(browser: Browser, page: Page, expected: { pages: number; perPage: number; centre: string }): Promise<string[][]> {
  const sheets = await sheetsInPrint(page);
  expect(sheets).toHaveLength(expected.pages);
  for (const { sheet, cards } of sheets) {
    // A sheet is one page: no taller than the page inside its margins, every card inside it.
    expect(sheet.height).toBeLessThanOrEqual(PAGE_CONTENT_HEIGHT_PX);
    expect(cards.length).toBeLessThanOrEqual(expected.perPage);
    for (const { box } of cards) {
      expect(box.y).toBeGreaterThanOrEqual(sheet.y - 0.5);
      expect(box.y + box.height).toBeLessThanOrEqual(sheet.y + sheet.height + 0.5);
    }
  }
  // The header, the navigation and the screen's controls stay off paper.
  expect(await page.getByRole('navigation', { name: 'Screens' }).isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);

  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const crops = sheets.map(({ cards }) => {
    const cuts = union(cards.map((card) => card.box));
    // A millimetre more all round: the quiet zone is inside the symbol, this is for rounding.
    return cards.map(({ qr }) => ({ x: qr.x - cuts.x - PX_PER_MM, y: qr.y - cuts.y - PX_PER_MM, width: qr.width + 2 * PX_PER_MM, height: qr.height + 2 * PX_PER_MM }));
  });
  const read = await readPdf(browser, pdf, crops);
  expect(read.pages).toBe(expected.pages);
  sheets.forEach(({ cards }, index) => {
    // The printed page is the layout measured: the cards' cut lines span what the layout says.
    const cuts = union(cards.map((card) => card.box));
    expect(read.ink[index]!.width / DEVICE_PX_PER_CSS_PX).toBeCloseTo(cuts.width, -1);
    expect(read.ink[index]!.height / DEVICE_PX_PER_CSS_PX).toBeCloseTo(cuts.height, -1);
    expect(read.scanned[index]).toEqual(cards.map((card) => card.code));
    // Nothing printed but the centre's name and the codes (product.md, data protection).
    const words = (texts: readonly string[]) => texts.flatMap((text) => text.split(/\s+/)).sort();
    expect(words(read.text[index]!)).toEqual(words(cards.flatMap((card) => [expected.centre, formatCodeForReading(card.code)])));
  });
  return read.scanned as string[][];
}

/**
 * As tests/e2e/layout.test.ts checks the screens in the navigation bar: controls at least 48 px,
 * text at least 16 px, nothing wider than the screen. The sheets in the preview are a picture of
 * paper at a reduced size, so their text is exempt (printed, it is at its size in points).
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const visible = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden' && !element.closest('.visually-hidden, .skip-link');
    };
    const name = (element: Element) => `${element.tagName.toLowerCase()}.${String(element.className)} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    for (const control of document.querySelectorAll('main button, main a[href], main input, main label.card-child')) {
      // A checkbox is the whole row of its label: the row is the target.
      if (!visible(control) || (control instanceof HTMLInputElement && control.type === 'checkbox')) continue;
      const box = control.getBoundingClientRect();
      if (box.width < 47.5 || box.height < 47.5) problems.push(`target ${Math.round(box.width)}x${Math.round(box.height)}: ${name(control)}`);
    }
    for (const element of document.querySelectorAll('main *')) {
      if (!visible(element) || element.closest('.card-sheet')) continue;
      const ownText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim());
      if (ownText && parseFloat(getComputedStyle(element).fontSize) < 16) problems.push(`text ${getComputedStyle(element).fontSize}: ${name(element)}`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`page ${document.documentElement.scrollWidth}px wide on a ${window.innerWidth}px screen`);
    return problems;
  });
}

describe('Code cards printed to PDF', () => {
  it('a lead issues 10 codes ahead and prints them: one A4 page of 10 whole cards, every QR code reading as its code', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Dunkirk', timeZone: 'Europe/Paris' });
    const lead = await newTablet(suite.browser);
    try {
      await enrolTablet(lead.page, suite.server, { centre, name: 'Office laptop', role: 'lead' });
      await lead.page.goto(`${suite.server.url}/cards`);
      await lead.page.getByRole('heading', { name: 'Code cards', level: 1 }).waitFor();
      await lead.page.getByRole('radio', { name: 'Codes issued ahead' }).check();
      await lead.page.getByRole('form', { name: 'Issue codes ahead' }).getByRole('button', { name: 'Issue 10 codes' }).click();
      await lead.page.getByText(/^10 codes issued ahead, from .+ to .+\. They are kept on this tablet\.$/).waitFor();
      await lead.page.getByText('10 cards on 1 page').waitFor();
      expect(await axeViolations(lead.page)).toEqual([]);
      const found: string[] = [];
      for (const width of [1280, 800, 390]) {
        await lead.page.setViewportSize({ width, height: 900 });
        for (const problem of await layoutProblems(lead.page)) found.push(`${width} px: ${problem}`);
      }
      expect(found).toEqual([]);

      const kept = (await localMeta(lead.page, 'reservedCodes')) as { batches: { codes: string[] }[] } | null;
      const reserved = kept!.batches.flatMap((batch) => batch.codes);
      expect(reserved).toHaveLength(10);
      const scanned = await printAndScan(suite.browser, lead.page, { pages: 1, perPage: 10, centre: 'Dunkirk' });
      expect(scanned).toEqual([reserved]);

      // A card handed out that morning registers on Today as any typed code, and leaves the batch.
      await lead.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
      await registerAndCheckIn(lead.page, reserved[0]!);
      await lead.page.goto(`${suite.server.url}/cards`);
      await lead.page.getByRole('radio', { name: 'Codes issued ahead' }).check();
      await lead.page.getByText('9 not yet given to a child').waitFor();
      await lead.page.getByText('9 cards on 1 page').waitFor();
    } finally {
      await lead.context.close();
    }
  });

  it('cards for chosen children, as cards and as wristband labels: 12 children on 2 pages each, every QR code reading as its code', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Grande-Synthe', timeZone: 'Europe/Paris' });
    const lead = await newTablet(suite.browser);
    try {
      await enrolTablet(lead.page, suite.server, { centre, name: 'Office laptop', role: 'lead' });
      // Cards from another tablet's series, typed at registration.
      const codes = Array.from({ length: 12 }, (_, i) => issueCode('L', 1000 + i));
      for (const code of codes) await registerAndCheckIn(lead.page, code);
      await lead.page.goto(`${suite.server.url}/cards`);
      const list = lead.page.getByRole('region', { name: 'Choose children' });
      await list.getByRole('button', { name: 'Choose all 12 shown' }).click();
      await lead.page.getByText('12 cards on 2 pages').waitFor();
      expect(await printAndScan(suite.browser, lead.page, { pages: 2, perPage: 10, centre: 'Grande-Synthe' })).toEqual([codes.slice(0, 10), codes.slice(10)]);

      await lead.page.getByRole('radio', { name: 'Wristband labels, 10 to a page' }).check();
      await lead.page.getByText('12 wristband labels on 2 pages').waitFor();
      expect(await axeViolations(lead.page)).toEqual([]);
      expect(await printAndScan(suite.browser, lead.page, { pages: 2, perPage: 10, centre: 'Grande-Synthe' })).toEqual([codes.slice(0, 10), codes.slice(10)]);
    } finally {
      await lead.context.close();
    }
  });
});
