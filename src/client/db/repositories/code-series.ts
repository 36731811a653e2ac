import { childIdFromCode, drawLocalSeries, isServerSeries, issueCode, nextSerial, seriesSpan } from '../../../shared/codes';
import type { DaybookDatabase, MetaRow } from '../core/database';
import { InvalidWriteError } from '../core/write';
import { loadEnrolment } from './sync-state';

/**
 * The series this tablet issues child codes from (shared/codes.ts): the letter the server gave
 * it at enrolment, or a local series drawn at random while it was never enrolled. Read and
 * advanced inside the registration's transaction, so a code is never handed out twice.
 */

/** Uniform in [0, 1) from the platform's cryptographic source: two fresh tablets must not draw alike. */
export function secureRandom(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

type SeriesRow = Extract<MetaRow, { key: 'codeSeries' }>;

function drawnSeries(random: () => number): SeriesRow {
  const { series, firstSerial } = drawLocalSeries(random);
  return { key: 'codeSeries', series, nextSerial: firstSerial, firstSerial };
}

/** The series after issuing its `nextSerial`: the next serial, or a new local series once it has gone round. */
function advance(row: SeriesRow, random: () => number): SeriesRow {
  const span = seriesSpan(row.series)!;
  // A server series runs once from 1000 to 9999; a tablet that issues all 9,000 goes on locally.
  if (isServerSeries(row.series)) return row.nextSerial < span.last ? { ...row, nextSerial: row.nextSerial + 1 } : drawnSeries(random);
  const next = nextSerial(row.series, row.nextSerial);
  return next === (row.firstSerial ?? span.first) ? drawnSeries(random) : { ...row, nextSerial: next };
}

/**
 * The series this tablet issues from next. A server letter only while enrolled: before this
 * version a tablet that was never enrolled issued from 'A' like the first enrolled tablet, which
 * is how two tablets once both issued 1000 A6; such a tablet now draws a local series instead.
 */
async function currentSeries(database: DaybookDatabase, random: () => number): Promise<SeriesRow> {
  const [row, enrolment] = await Promise.all([database.meta.get('codeSeries'), loadEnrolment(database)]);
  if (row?.key !== 'codeSeries') return drawnSeries(random);
  const span = seriesSpan(row.series);
  const inSpan = span !== undefined && Number.isInteger(row.nextSerial) && row.nextSerial >= span.first && row.nextSerial <= span.last;
  if (!inSpan || (isServerSeries(row.series) && enrolment?.codeSeries !== row.series)) return drawnSeries(random);
  return row;
}

/** The codes this tablet issued ahead and still holds for cards (reserved-codes.ts). */
export async function loadReservedHere(database: DaybookDatabase): Promise<Set<string>> {
  const row = await database.meta.get('reservedCodes');
  return new Set(row?.key === 'reservedCodes' ? row.batches.flatMap((batch) => batch.codes) : []);
}

/**
 * Hands out the tablet's next code (call inside a write transaction), skipping any a child already
 * has here (one that came back after a wipe), any this tablet issued ahead for cards, and any in
 * `passOver` (a batch being issued ahead). The series moves on past every code it hands out, so
 * the reserved ones are skipped only when a local series comes round again to where it was.
 */
export async function issueCodeForTablet(database: DaybookDatabase, random: () => number, passOver: ReadonlySet<string> = new Set()): Promise<string> {
  let row = await currentSeries(database, random);
  const reserved = await loadReservedHere(database);
  // A series holds at most 9,000 codes: after that many taken in a row, something is wrong.
  for (let tries = 0; tries < 9_000; tries++) {
    const code = issueCode(row.series, row.nextSerial);
    row = advance(row, random);
    if (reserved.has(code) || passOver.has(code)) continue;
    if (!(await database.children.get(childIdFromCode(code)))) {
      await database.meta.put(row satisfies MetaRow);
      return code;
    }
  }
  throw new InvalidWriteError('codes-used-up', 'code: every code this tablet tried is taken');
}
