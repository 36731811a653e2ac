import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../shared/codes';
import { hashEnrolmentCode, hashSecret, newDeviceToken, newEnrolmentCode, normaliseEnrolmentCode } from './secrets';

describe('enrolment codes', () => {
  it('are twelve symbols of the unambiguous alphabet, in groups of four', () => {
    for (let i = 0; i < 200; i++) {
      const code = newEnrolmentCode();
      expect(code).toMatch(/^.{4}-.{4}-.{4}$/);
      for (const char of code.replace(/-/g, '')) expect(CODE_ALPHABET).toContain(char);
    }
  });

  it('use every symbol of the alphabet', () => {
    const seen = new Set(Array.from({ length: 300 }, newEnrolmentCode).join('').replace(/-/g, ''));
    expect([...seen].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
  });

  it.each([
    ['7kcm-4txa-9p2d', '7KCM4TXA9P2D'],
    [' 7KCM 4TXA 9P2D ', '7KCM4TXA9P2D'],
    ['7KCM–4TXA–9P2D', '7KCM4TXA9P2D'],
    ['O1CM-ITXA-SZ2D', '01CM1TXA522D'],
  ])('read %j as %s', (typed, normalised) => {
    expect(normaliseEnrolmentCode(typed)).toBe(normalised);
    expect(hashEnrolmentCode(typed)).toBe(hashSecret(normalised));
  });
});

describe('device tokens', () => {
  it('are 32 random bytes in base64url, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 100 }, newDeviceToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('are stored as a SHA-256 in hex', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
