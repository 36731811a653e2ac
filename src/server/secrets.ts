import { createHash, randomBytes, randomInt } from 'node:crypto';
import { CODE_ALPHABET, normaliseCode } from '../shared/codes';

/**
 * Device tokens and enrolment codes. Both are secrets: the database keeps only their SHA-256, and
 * neither is ever logged. A token is 32 random bytes, so a plain hash is enough; an enrolment
 * code is short enough to type, which is why wrong codes are rate-limited (enrol-limiter.ts) and
 * codes expire.
 */

/** Twelve symbols of the child codes' alphabet (no B, G, I, O, Q, S, Z): about 58 bits. */
export const ENROLMENT_CODE_LENGTH = 12;
const GROUP = 4;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A bearer token: 32 random bytes, base64url (43 characters). */
export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

/** An enrolment code as it is shown and read aloud: `7KCM-4TXA-9P2D`. */
export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < ENROLMENT_CODE_LENGTH; i++) {
    if (i > 0 && i % GROUP === 0) code += '-';
    code += CODE_ALPHABET.charAt(randomInt(CODE_ALPHABET.length));
  }
  return code;
}

/**
 * What someone typed, as the code it most likely means: case, dashes and spaces do not matter,
 * and the look-alikes the alphabet leaves out (O for 0, I for 1...) are read as the digit, as for
 * child codes. The hash of this is what the database is asked about.
 */
export function normaliseEnrolmentCode(typed: string): string {
  return normaliseCode(typed, 'issued');
}

export function hashEnrolmentCode(typed: string): string {
  return hashSecret(normaliseEnrolmentCode(typed));
}
