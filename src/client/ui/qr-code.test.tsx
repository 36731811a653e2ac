import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { enrolLink, readEnrolLink } from './enrol-link';
import { QrCode, qrModules } from './qr-code';
import { decodeModules, modulesOfSvg } from './qr-testing';

/**
 * The QR codes Daybook draws, read back by an independent decoder (jsQR, qr-testing.ts): what a
 * tablet's camera would read off the screen.
 */

/**
 * The error correction level written in the symbol's format information (ISO/IEC 18004 7.9):
 * fifteen bits beside the top-left finder, masked with 101010000010010. 'M' is 00.
 */
function correctionLevel(modules: boolean[][], quietZone = 4): string {
  const at = (x: number, y: number) => (modules[y + quietZone]![x + quietZone] ? 1 : 0);
  const positions: [number, number][] = [
    ...[0, 1, 2, 3, 4, 5].map((y) => [8, y] as [number, number]),
    [8, 7],
    [8, 8],
    [7, 8],
    ...[5, 4, 3, 2, 1, 0].map((x) => [x, 8] as [number, number]),
  ];
  const bits = positions.reduce((word, [x, y], i) => word | (at(x, y) << i), 0) ^ 0b101010000010010;
  return ['M', 'L', 'H', 'Q'][(bits >> 13) & 3]!;
}

const version = (modules: boolean[][]) => (modules.length - 8 - 17) / 4;

function drawn(text: string) {
  const { unmount } = render(<QrCode text={text} label="QR" />);
  const modules = modulesOfSvg(screen.getByRole('img', { name: 'QR' }));
  unmount();
  return modules;
}

describe('QR codes: what is drawn decodes to what was meant', () => {
  it.each([
    ['a lead’s enrol link', enrolLink('https://daybook.example.org', '7KCM-4TXA-9P2D')],
    ['an enrol link behind a proxy path', enrolLink('https://centre-dunkirk.example.org/daybook/', 'A2C4-6E8F-1H3J')],
    ['a short child code', '4173KL'],
    ['text beyond ASCII', 'Salle de jeux – été'],
  ])('%s', (_case, text) => {
    const modules = drawn(text);
    expect(modules).toEqual(qrModules(text));
    expect(decodeModules(modules)?.text).toBe(text);
    expect(correctionLevel(modules)).toBe('M');
  });

  it('keeps an enrol link to a small version, so its modules stay big enough to scan from a metre', () => {
    const modules = qrModules(enrolLink('https://daybook.example.org', '7KCM-4TXA-9P2D'));
    // 94 characters are more than version 5 holds at level M (84 bytes): version 6 (106 bytes), 41 modules.
    expect(version(modules)).toBe(6);
    expect(decodeModules(modules)?.version).toBe(6);
  });

  it('draws nothing dark in the quiet zone', () => {
    const modules = drawn('4173KL');
    const edge = [...modules.slice(0, 4), ...modules.slice(-4)].flat();
    const sides = modules.flatMap((row) => [...row.slice(0, 4), ...row.slice(-4)]);
    expect([...edge, ...sides].some(Boolean)).toBe(false);
  });
});

describe('Enrol links', () => {
  it('carry the server and code the enrol screen reads back, whatever they hold', () => {
    const link = new URL(enrolLink('https://daybook.example.org/', '7KCM 4TXA&x=1'));
    expect(link.origin + link.pathname).toBe('https://daybook.example.org/enrol');
    expect(readEnrolLink(link.search)).toEqual({ server: 'https://daybook.example.org', code: '7KCM 4TXA&x=1' });
  });

  it('read nothing from an address without them', () => {
    expect(readEnrolLink('')).toEqual({ server: null, code: null });
  });
});
