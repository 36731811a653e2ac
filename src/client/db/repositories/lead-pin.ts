import type { DaybookDatabase, MetaRow } from '../core/database';
import { InvalidWriteError } from '../core/write';
import { loadDeviceRole } from './device';

/**
 * The lead's PIN (product.md, Roles: lead actions on a lead's tablet left in the playroom sit
 * behind it). Local to the tablet, never synced; stored as a salted PBKDF2 hash, never the PIN.
 * A forgotten PIN is recovered by enrolling the tablet again, which removes it.
 */

export const PIN_PATTERN = /^\d{4,8}$/;
/** Slow enough that guessing all 10,000 four-digit PINs from a copied database takes a while; a tap still feels instant. */
const ITERATIONS = 120_000;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function hashPin(pin: string, salt: string, iterations: number): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode(salt), iterations }, key, 256);
  return hex(new Uint8Array(bits));
}

/** Sets (or changes) the PIN. Only a lead's tablet has one: a volunteer's has no lead actions to guard. */
export async function setLeadPin(database: DaybookDatabase, pin: string): Promise<void> {
  if ((await loadDeviceRole(database)) !== 'lead') throw new InvalidWriteError('lead-only', 'role: only a lead sets a lead PIN');
  if (!PIN_PATTERN.test(pin)) throw new InvalidWriteError('pin-invalid', 'pin: 4 to 8 digits');
  // Hashed before the transaction: IndexedDB commits a transaction left waiting on WebCrypto.
  const salt = hex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const hash = await hashPin(pin, salt, ITERATIONS);
  await database.meta.put({ key: 'leadPin', salt, hash, iterations: ITERATIONS } satisfies MetaRow);
}

export async function removeLeadPin(database: DaybookDatabase): Promise<void> {
  await database.meta.bulkDelete(['leadPin', 'pinTries']);
}

/** After this many wrong PINs in a row, the next try waits a minute: four digits are few. */
export const PIN_TRIES = 5;
export const PIN_WAIT_MS = 60_000;

export type PinTry = 'right' | 'wrong' | 'wait';

/**
 * A try at the lead's PIN, counted in the database, not in the page: a reload or a second tab
 * gives a guesser no fresh tries. Right resets the count.
 */
export async function tryLeadPin(database: DaybookDatabase, pin: string, now = Date.now()): Promise<PinTry> {
  const tries = await database.meta.get('pinTries');
  const count = tries?.key === 'pinTries' ? tries : { key: 'pinTries' as const, wrong: 0, waitUntil: 0 };
  if (now < count.waitUntil) return 'wait';
  if (await checkLeadPin(database, pin)) {
    await database.meta.delete('pinTries');
    return 'right';
  }
  const wrong = count.wrong + 1;
  await database.meta.put(
    (wrong >= PIN_TRIES ? { key: 'pinTries', wrong: 0, waitUntil: now + PIN_WAIT_MS } : { key: 'pinTries', wrong, waitUntil: 0 }) satisfies MetaRow,
  );
  return 'wrong';
}

/** Whether `pin` is the lead's PIN; true when no PIN is set. */
export async function checkLeadPin(database: DaybookDatabase, pin: string): Promise<boolean> {
  const row = await database.meta.get('leadPin');
  if (row?.key !== 'leadPin') return true;
  if (!PIN_PATTERN.test(pin)) return false;
  const hash = await hashPin(pin, row.salt, row.iterations);
  // Equal length hex strings: compare every character, so the time taken says nothing.
  let difference = 0;
  for (let i = 0; i < hash.length; i++) difference |= hash.charCodeAt(i) ^ row.hash.charCodeAt(i);
  return difference === 0 && hash.length === row.hash.length;
}
