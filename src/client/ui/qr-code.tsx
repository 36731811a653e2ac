import { useMemo } from 'react';
import { encode } from 'uqr';

/**
 * The modules of `text` as a QR code: byte mode as the text needs, error correction level M
 * (15 % of the symbol may be smudged or glared and it still reads), the spec's quiet zone of
 * four modules around it. `true` is a dark module.
 */
export function qrModules(text: string): boolean[][] {
  return encode(text, { ecc: 'M', border: QUIET_ZONE }).data;
}

const QUIET_ZONE = 4;

/**
 * The dark modules as one SVG path, a rectangle per run of dark modules on a row: a few hundred
 * commands instead of a node per module, and crisp at any size since the unit is one module.
 */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  let path = '';
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      path += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  return path;
}

type QrCodeProps = { text: string; label: string; className?: string };

/**
 * A QR code drawn as SVG, black on white whatever the theme (a scanner needs the contrast), its
 * size set by the CSS of `className`. `label` says what it holds for a screen reader.
 */
export function QrCode({ text, label, className }: QrCodeProps) {
  const modules = useMemo(() => qrModules(text), [text]);
  const size = modules.length;
  return (
    <svg className={className} role="img" aria-label={label} viewBox={`0 0 ${size} ${size}`} shapeRendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <rect width={size} height={size} fill="#fff" />
      <path d={qrPath(modules)} fill="#000" />
    </svg>
  );
}
