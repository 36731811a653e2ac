import jsQR from 'jsqr';

/**
 * For tests: reading back a QR code Daybook drew, as a camera would, with an independent decoder
 * (jsQR). The SVG path is rasterised as drawn, so a run one module too long or on the wrong row
 * fails the test rather than the scan in the playroom.
 */

const PIXELS_PER_MODULE = 4;

/** The dark modules of a path `qrPath` drew, back as a matrix of `size` × `size`. */
export function modulesOfPath(path: string, size: number): boolean[][] {
  const modules = Array.from({ length: size }, () => Array.from({ length: size }, () => false));
  const commands = path.match(/M\d+ \d+h\d+v1h-\d+z/g) ?? [];
  if (commands.join('') !== path) throw new Error(`not a path qrPath draws: ${path.slice(0, 80)}`);
  for (const command of commands) {
    const [x, y, run] = /^M(\d+) (\d+)h(\d+)/.exec(command)!.slice(1).map(Number) as [number, number, number];
    for (let dx = 0; dx < run; dx++) modules[y]![x + dx] = true;
  }
  return modules;
}

/** The modules of a QR code's SVG as drawn on screen. */
export function modulesOfSvg(svg: Element): boolean[][] {
  const size = Number(svg.getAttribute('viewBox')?.split(' ')[2]);
  return modulesOfPath(svg.querySelector('path')?.getAttribute('d') ?? '', size);
}

/** What a decoder reads off black and white pixels of `modules`, or null when it reads nothing. */
export function decodeModules(modules: boolean[][]): { text: string; version: number } | null {
  const width = modules.length * PIXELS_PER_MODULE;
  const pixels = new Uint8ClampedArray(width * width * 4);
  for (let py = 0; py < width; py++) {
    for (let px = 0; px < width; px++) {
      const dark = modules[Math.floor(py / PIXELS_PER_MODULE)]![Math.floor(px / PIXELS_PER_MODULE)];
      const at = (py * width + px) * 4;
      pixels.fill(dark ? 0 : 255, at, at + 3);
      pixels[at + 3] = 255;
    }
  }
  const read = jsQR(pixels, width, width, { inversionAttempts: 'dontInvert' });
  return read ? { text: read.data, version: read.version } : null;
}

/** What a QR code's SVG reads as, scanned. */
export function decodeQrSvg(svg: Element): string | null {
  return decodeModules(modulesOfSvg(svg))?.text ?? null;
}
