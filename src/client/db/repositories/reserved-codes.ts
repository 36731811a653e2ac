import { childIdFromCode } from '../../../shared/codes';
import { uuidv7 } from '../../../shared/ids';
import type { DaybookDatabase, MetaRow, ReservedBatch } from '../core/database';
import { inWriteTransaction } from '../core/write';
import { issueCodeForTablet, secureRandom } from './code-series';
import { loadSettings } from './settings';

/**
 * Codes issued ahead for a busy opening (product.md, code cards): printed on cards before the
 * children come, then typed or scanned at registration like any card's code. They are issued from
 * this tablet's own series, as New child issues them, so:
 *
 * - no other tablet issues them: a series belongs to one tablet (a server letter per enrolment, or
 *   a local series drawn at random, shared/codes.ts);
 * - this tablet never issues them again: the series moves past them in the same transaction, and
 *   New child passes over the ones still kept here (code-series.ts).
 *
 * Registering one needs nothing special: a typed code of this centre's scheme registers on any
 * tablet (children.ts registerChild), and becomes the same child wherever it is registered.
 */

/** The most a lead issues in one go: 20 sheets of cards, as many as a printer takes without a jam. */
export const MAX_CODES_AHEAD = 200;

/** A batch as the Cards screen shows it: which of its kept codes are still waiting for a child. */
export type ReservedBatchView = ReservedBatch & { waiting: string[] };

async function loadBatches(database: DaybookDatabase): Promise<ReservedBatch[]> {
  const row = await database.meta.get('reservedCodes');
  return row?.key === 'reservedCodes' ? row.batches : [];
}

/**
 * The codes not yet given: neither registered to a child here (a registration undone frees its
 * code again) nor an erased child's. Read in bulk: a batch is up to 200 codes.
 */
async function waitingCodes(database: DaybookDatabase, codes: readonly string[]): Promise<string[]> {
  const ids = codes.map(childIdFromCode);
  const [children, erasures] = await Promise.all([database.children.bulkGet(ids), database.erasures.bulkGet(ids)]);
  return codes.filter((_, i) => (children[i] === undefined || children[i].deleted === true) && erasures[i] === undefined);
}

/**
 * Issues `count` codes from this tablet's series and keeps them as one batch, in one write
 * transaction: a tab that dies half-way leaves neither a moved series without its codes kept nor
 * kept codes the series could issue again. Codes already given to children are forgotten from
 * older batches on the way, so the row keeps only what may still be printed.
 */
export async function reserveCodesAhead(database: DaybookDatabase, count: number, now = Date.now(), random: () => number = secureRandom): Promise<ReservedBatch> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES_AHEAD) throw new RangeError(`count: a whole number from 1 to ${MAX_CODES_AHEAD}, not ${count}`);
  return inWriteTransaction(database, async () => {
    const settings = await loadSettings(database);
    // A centre on pre-numbered wristbands issues no codes: theirs are printed by someone else.
    if (settings.codeScheme !== 'issued') throw new Error('codes are issued ahead only where Daybook issues codes');
    const codes: string[] = [];
    const taken = new Set<string>();
    while (codes.length < count) {
      const code = await issueCodeForTablet(database, random, taken);
      taken.add(code);
      // An erased child's code stays theirs (children.ts): passed over, as New child passes it over.
      if (await database.erasures.get(childIdFromCode(code))) continue;
      codes.push(code);
    }
    const batch: ReservedBatch = { id: uuidv7(now), reservedAt: now, issued: count, codes };
    const kept: ReservedBatch[] = [];
    for (const older of await loadBatches(database)) {
      const waiting = await waitingCodes(database, older.codes);
      if (waiting.length > 0) kept.push({ ...older, codes: waiting });
    }
    await database.meta.put({ key: 'reservedCodes', batches: [...kept, batch] } satisfies MetaRow);
    return batch;
  });
}

/** This tablet's batches issued ahead, newest first, each with its codes still waiting for a child. */
export async function loadReservedBatches(database: DaybookDatabase): Promise<ReservedBatchView[]> {
  const batches = await loadBatches(database);
  const views = await Promise.all(batches.map(async (batch) => ({ ...batch, waiting: await waitingCodes(database, batch.codes) })));
  return views.reverse();
}
