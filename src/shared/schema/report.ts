import { day, epochMs, z } from './common';
import { AGE_BANDS, GENDERS } from './tables';

/**
 * The report's JSON (sync-protocol.md, "Day summary" and `GET /reports/days`), as a schema: the
 * server's answer is checked against it in the tests, an integrator can generate a client from
 * it, and the summary's TypeScript types are derived from it (shared/summary/summarise.ts), so
 * the code cannot drift from what the contract says.
 */

const count = z.int().check(z.minimum(0));
/** A count as a report shows it: the number, `<k` where it is below the threshold, `*` where it would give one away. */
const cell = z.union([count, z.string().check(z.regex(/^(<\d+|\*)$/))]);
const minutes = z.int().check(z.minimum(0));

function summaryOf<C extends typeof count | typeof cell>(c: C) {
  return z.strictObject({
    /** Absent on a range's total. */
    day: z.optional(day),
    uniqueChildren: c,
    newChildren: c,
    visits: c,
    byAgeBand: z.record(z.enum(AGE_BANDS), c),
    byGender: z.record(z.enum(GENDERS), c),
    peakPresent: c,
    peakAt: z.nullable(epochMs),
    presentByHour: z.record(z.string().check(z.regex(/^(1?\d|2[0-3])$/)), c),
    averageVisitMinutes: z.nullable(minutes),
    sessions: c,
    sessionsByActivity: z.record(z.string(), z.strictObject({ sessions: c, participants: c })),
    volunteers: c,
    volunteerMinutes: minutes,
    minutesOverRatio: minutes,
    minutesWithoutVolunteer: minutes,
    /** product.md: the lowest ratio cover reached, children per volunteer (one decimal). */
    mostChildrenPerVolunteer: z.nullable(z.number().check(z.minimum(0))),
    /**
     * On a range's total only, when some of its days are purged: their children can no longer be
     * told apart from other days', so `uniqueChildren` counts them once per day (at most that many).
     */
    approximate: z.optional(z.literal(true)),
  });
}

export const daySummary = summaryOf(count);
/** A summary whose counts may be hidden (`minCell`, complementary suppression). */
export const reportSummary = summaryOf(cell);
export const reportResponse = z.strictObject({ days: z.array(reportSummary), total: reportSummary });

export type DaySummary = z.infer<typeof daySummary>;
export type ReportSummary = z.infer<typeof reportSummary>;
export type ReportResponse = z.infer<typeof reportResponse>;
