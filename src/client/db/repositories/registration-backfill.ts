import { writerOf } from '../../../shared/code-clashes';
import { uuidv7 } from '../../../shared/ids';
import { parseHlc } from '../../../shared/hlc';
import type { DaybookDatabase, MetaRow } from '../core/database';
import { inWriteTransaction, writeInTransaction } from '../core/write';

/**
 * Children registered before registrations were rows of their own (database version 4) have
 * none, so a code two tablets both issued then (two fresh tablets once both issued 1000 A6) would
 * merge silently. Once, before the first sync after the update, this tablet writes a
 * registration for each child it registered itself (the child's code was written here), as
 * registering would have; the server and the lead then see any clash. Idempotent: done once,
 * and a child that has a registration row is skipped.
 */
export async function backfillRegistrations(database: DaybookDatabase, now = Date.now()): Promise<number> {
  if ((await database.meta.get('registrationsBackfilled'))?.key === 'registrationsBackfilled') return 0;
  return inWriteTransaction(database, async () => {
    const [clock, series, children, registrations] = await Promise.all([
      database.meta.get('clock'),
      database.meta.get('codeSeries'),
      database.children.toArray(),
      database.registrations.toArray(),
    ]);
    if (clock?.key !== 'clock') return 0;
    const node = writerOf(clock.hlc);
    const registered = new Set(registrations.map((row) => row.childId));
    // The series this tablet issued from then: its own codes are issued, others were typed in.
    const letter = series?.key === 'codeSeries' && series.series.length === 1 ? series.series : null;
    let written = 0;
    for (const child of children) {
      const codeHlc = child._hlcs?.code ?? child._hlc;
      const { code, ageBand, gender, registeredOn } = child;
      if (child.deleted || registered.has(child.id) || writerOf(codeHlc) !== node) continue;
      if (code === undefined || ageBand === undefined || gender === undefined || registeredOn === undefined) continue;
      const issued = letter !== null && /^\d{4}[A-Z][0-9A-Z]$/.test(code) && code.charAt(4) === letter;
      const fields = { childId: child.id, code, ageBand, gender, languages: child.languages ?? [], registeredOn, at: parseHlc(codeHlc).ms, issued, deleted: false };
      await writeInTransaction(database, 'registrations', uuidv7(now), fields, { create: true, fresh: true, now });
      written += 1;
    }
    await database.meta.put({ key: 'registrationsBackfilled', at: now } satisfies MetaRow);
    return written;
  });
}
