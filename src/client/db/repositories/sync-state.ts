import { FIRST_SERIAL, isServerSeries } from '../../../shared/codes';
import { parseHlc } from '../../../shared/hlc';
import type { DaybookDatabase, Enrolment, MetaRow, RejectedChange, SyncOutcome } from '../core/database';

/**
 * The device's sync bookkeeping: its enrolment, the pull cursor, how the last sync ended and the
 * changes the server refused. Local to the device, never synced. The sync engine and the
 * enrolment screen write through these functions; components read through sync/status.ts.
 */

export async function loadEnrolment(database: DaybookDatabase): Promise<Enrolment | null> {
  const row = await database.meta.get('enrolment');
  if (row?.key !== 'enrolment') return null;
  const { key: _key, ...enrolment } = row;
  return enrolment;
}

/**
 * Stores what enrolment gave the device, in one transaction: the enrolment (with the device's
 * role, which only a new enrolment changes) and its code series. Enrolling into another centre or server starts pulling from the beginning;
 * re-enrolling into the same one keeps the cursor (cursors belong to the centre, not the token).
 * The outbox is kept whatever happens: those ops are writes a volunteer made.
 */
export function storeEnrolment(database: DaybookDatabase, enrolment: Enrolment): Promise<void> {
  return database.transaction('rw', database.meta, async () => {
    const [previous, series] = await Promise.all([loadEnrolment(database), database.meta.get('codeSeries')]);
    const rows: MetaRow[] = [{ key: 'enrolment', ...enrolment }];
    if (enrolment.codeSeries !== null && isServerSeries(enrolment.codeSeries)) {
      // The same series again keeps its next serial: handing out 1000 again would issue a code
      // this tablet already gave a child.
      const sameSeries = series?.key === 'codeSeries' && series.series === enrolment.codeSeries;
      rows.push(sameSeries ? series : { key: 'codeSeries', series: enrolment.codeSeries, nextSerial: FIRST_SERIAL });
    }
    const sameCentre = previous?.centre.id === enrolment.centre.id && previous.serverUrl === enrolment.serverUrl;
    if (!sameCentre) rows.push({ key: 'pullCursor', cursor: 0 });
    await database.meta.bulkPut(rows);
    // A "needs enrolment" from the old token no longer applies; and enrolling again is how a
    // forgotten lead PIN is recovered, so the PIN goes too.
    await database.meta.bulkDelete(['syncOutcome', 'leadPin']);
  });
}

export async function loadPullCursor(database: DaybookDatabase): Promise<number> {
  const row = await database.meta.get('pullCursor');
  return row?.key === 'pullCursor' ? row.cursor : 0;
}

/**
 * Records how a sync attempt ended, unless the device was re-enrolled while it ran: a 401 for the
 * old token must not mark the new enrolment as refused.
 */
export function recordSyncOutcome(
  database: DaybookDatabase,
  outcome: { outcome: SyncOutcome; at: number; message?: string },
  token: string,
): Promise<void> {
  return database.transaction('rw', database.meta, async () => {
    const current = await loadEnrolment(database);
    if (current?.token !== token) return;
    const rows: MetaRow[] = [{ key: 'syncOutcome', ...outcome }];
    if (outcome.outcome === 'synced') rows.push({ key: 'lastSyncedAt', at: outcome.at });
    await database.meta.bulkPut(rows);
  });
}

/** What every tab shows about sync, read in one go so a live query sees one consistent state. */
export type SyncRecords = {
  enrolment: Enrolment | null;
  waiting: number;
  outcome: { outcome: SyncOutcome; at: number; message?: string } | null;
  lastSyncedAt: number | null;
  /**
   * When the oldest change in the outbox was made, on this tablet's clock (its HLC less the
   * server offset); null when none waits. Never earlier than the real moment: an HLC is at least
   * the corrected clock of its write, so an age read from it errs short, never raising a false alarm.
   */
  oldestWaitingAt: number | null;
  rejections: RejectedChange[];
  rejectionCount: number;
  /** Changes pulled for tables this version does not know are held: an update is waiting. */
  updateWaiting: boolean;
  /**
   * Changes made here wait for the server's update: a server of another version refused them
   * as invalid, and they go again once it changes version (sync/engine.ts). Counted in `waiting`.
   */
  serverUpdateWaiting: boolean;
};

/** At most this many refused changes are shown; the count says how many there are. */
export const REJECTIONS_SHOWN = 50;

export function loadSyncRecords(database: DaybookDatabase): Promise<SyncRecords> {
  return database.transaction('r', [database.meta, database.outbox, database.rejections, database.heldOps], async () => {
    const [enrolment, waiting, outcome, lastSynced, rejections, rejectionCount, updateWaiting] = await Promise.all([
      loadEnrolment(database),
      database.outbox.count(),
      database.meta.get('syncOutcome'),
      database.meta.get('lastSyncedAt'),
      database.rejections.reverse().limit(REJECTIONS_SHOWN).toArray(),
      database.rejections.count(),
      database.meta.get('updateWaiting'),
    ]);
    // Held for a server update: out of the outbox, and not on the server either.
    const held = await database.heldOps.count();
    const [oldest, offset] = await Promise.all([database.outbox.toCollection().first(), database.meta.get('serverOffset')]);
    const offsetMs = offset?.key === 'serverOffset' ? offset.ms : 0;
    return {
      enrolment,
      waiting: waiting + held,
      outcome: outcome?.key === 'syncOutcome' ? { outcome: outcome.outcome, at: outcome.at, message: outcome.message } : null,
      lastSyncedAt: lastSynced?.key === 'lastSyncedAt' ? lastSynced.at : null,
      oldestWaitingAt: oldest ? parseHlc(oldest.hlc).ms - offsetMs : null,
      rejections,
      rejectionCount,
      updateWaiting: updateWaiting?.key === 'updateWaiting',
      serverUpdateWaiting: held > 0,
    };
  });
}

/** Clears the list of refused changes once someone has read it. */
export async function clearRejections(database: DaybookDatabase): Promise<void> {
  await database.rejections.clear();
}
