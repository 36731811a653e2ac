import type { AttendanceRow, ChildRow, DayCloseRow, ParticipationRow, SessionRow, ShiftRow } from '../../shared/summary';
import type { Store } from './types';

type WithDay<T> = T & { day?: string };

/** Every record a range report needs, as the tablets hold them (sync-protocol.md, reports/days). */
export type ReportRecords = {
  attendance: WithDay<AttendanceRow>[];
  shifts: WithDay<ShiftRow>[];
  sessions: WithDay<SessionRow>[];
  participations: ParticipationRow[];
  dayCloses: WithDay<DayCloseRow>[];
  children: ChildRow[];
  settings: { id: string; value?: unknown; deleted?: boolean }[];
};

type Row = { tbl: keyof ReportRecords; id: string; fields: Record<string, unknown> };

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const time = (value: unknown) => (typeof value === 'number' ? value : undefined);
const flag = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

/**
 * Each stored record as the summary reads it. Every op was checked at push, but a record may
 * still lack a field (its first op set only some) or hold one a newer app added: the fields the
 * summary reads are taken by type, and anything else stays out.
 */
function addRow(records: ReportRecords, { tbl, id, fields: f }: Row): void {
  const deleted = flag(f.deleted);
  switch (tbl) {
    case 'attendance':
      records.attendance.push({ id, day: text(f.day), childId: text(f.childId), kind: text(f.kind), at: time(f.at), deleted });
      break;
    case 'shifts':
      records.shifts.push({ id, day: text(f.day), volunteerId: text(f.volunteerId), kind: text(f.kind), at: time(f.at), deleted });
      break;
    case 'sessions':
      records.sessions.push({ id, day: text(f.day), activity: text(f.activity), deleted });
      break;
    case 'participations':
      records.participations.push({ id, sessionId: text(f.sessionId), childId: text(f.childId), deleted });
      break;
    case 'dayCloses':
      records.dayCloses.push({ id, day: text(f.day), closedAt: time(f.closedAt), deleted });
      break;
    case 'children':
      records.children.push({ id, ageBand: text(f.ageBand), gender: text(f.gender), registeredOn: text(f.registeredOn), deleted });
      break;
    case 'settings':
      records.settings.push({ id, value: f.value, deleted });
      break;
  }
}

/**
 * The centre's records for the days from `from` to `to`: the events, sessions, shifts and
 * sign-offs of those days, the participations of those sessions, every child (their age band,
 * gender and registration day) and the settings. One snapshot, so a push committing half-way
 * cannot give a report a session without its participations.
 */
export async function recordsForReport(store: Store, centreId: string, from: string, to: string): Promise<ReportRecords> {
  const rows = await store.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const byDay = await tx.query<Row>(
      `SELECT tbl, id, fields FROM records
       WHERE centre_id = $1 AND tbl = ANY($2::text[]) AND fields ? 'day' AND fields->>'day' BETWEEN $3 AND $4`,
      [centreId, ['attendance', 'shifts', 'sessions', 'dayCloses'], from, to],
    );
    const participations = await tx.query<Row>(
      `SELECT p.tbl, p.id, p.fields FROM records s
       JOIN records p ON p.centre_id = s.centre_id AND p.tbl = 'participations' AND p.fields->>'sessionId' = s.id
       WHERE s.centre_id = $1 AND s.tbl = 'sessions' AND s.fields ? 'day' AND s.fields->>'day' BETWEEN $2 AND $3`,
      [centreId, from, to],
    );
    const centreWide = await tx.query<Row>(`SELECT tbl, id, fields FROM records WHERE centre_id = $1 AND tbl IN ('children', 'settings')`, [centreId]);
    return [...byDay, ...participations, ...centreWide];
  });
  const records: ReportRecords = { attendance: [], shifts: [], sessions: [], participations: [], dayCloses: [], children: [], settings: [] };
  for (const row of rows) addRow(records, row);
  return records;
}
