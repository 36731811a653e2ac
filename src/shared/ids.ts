/**
 * Record ids. Most records get a UUIDv7 made on the device, so two offline tablets never pick the
 * same id and ids sort roughly by creation time. Records that two tablets may create for the same
 * thing get an id derived from that thing instead, so both writes land on one record.
 */

const MAX_UUID_MS = 2 ** 48 - 1;

/** RFC 9562 UUIDv7: 48-bit ms timestamp, version 7, variant 10, the other 74 bits random. */
export function uuidv7(now: number = Date.now()): string {
  const ms = Math.floor(now);
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_UUID_MS) throw new RangeError(`uuidv7 needs a time from 0 to 2^48 - 1 ms, not ${now}`);
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  // Big-endian ms in bytes 0-5; division, not bit shifts, because shifts truncate to 32 bits.
  let rest = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One participation per child and session: adding a child twice, on two tablets, is one record. */
export function participationId(sessionId: string, childId: string): string {
  return `${sessionId}:${childId}`;
}

/** One close per day: two leads closing the same day offline write to the same record. */
export function dayCloseId(day: string): string {
  return `day-${day}`;
}
