import { summariseRange, summaryRules, type RangeReport } from '../../shared/summary';
import { centreSettings, dayCorrections, factsFromRecords, factsSnapshot, keepDayFacts, keptDayFacts } from './day-totals';
import { childRow, type RecordRow } from './report-rows';
import type { Store } from './types';

/**
 * A range report of the centre (sync-protocol.md, reports/days) from its kept day totals
 * (day-totals.ts): the days whose facts are kept are read, the others worked out from their
 * records and kept, and the corrections of erasures and purges added, so a purged or erased day
 * gives the figures it gave before. One snapshot, so a push committing half-way cannot give a
 * report a session without its participations.
 */
export async function rangeReport(store: Store, centreId: string, days: readonly string[]): Promise<RangeReport> {
  const from = days[0]!;
  const to = days[days.length - 1]!;
  const read = await store.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const snapshot = await factsSnapshot(tx, centreId);
    const rules = summaryRules(await centreSettings(tx, centreId));
    const kept = await keptDayFacts(tx, centreId, from, to, rules);
    const missing = days.filter((day) => !kept.has(day));
    const worked = missing.length === 0 ? [] : await factsFromRecords(tx, centreId, missing, rules);
    const children = (await tx.query<RecordRow>(`SELECT tbl, id, fields FROM records WHERE centre_id = $1 AND tbl = 'children'`, [centreId])).map(childRow);
    const corrections = await dayCorrections(tx, centreId, from, to);
    return { snapshot, rules, kept, worked, children, corrections };
  });
  await keepDayFacts(store, centreId, read.snapshot, read.worked, read.rules);
  const byDay = new Map(read.kept);
  for (const facts of read.worked) byDay.set(facts.day, facts);
  return summariseRange(
    days.map((day) => byDay.get(day)!),
    read.children,
    read.corrections,
  );
}
