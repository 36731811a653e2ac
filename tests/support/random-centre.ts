import fc from 'fast-check';
import { atLocalTime, daysInRange } from '../../src/shared/dates';
import { AGE_BANDS, GENDERS } from '../../src/shared/schema/tables';
import type { ChildRow, DayRecords, SummaryRules } from '../../src/shared/summary';

/**
 * Random days of a small centre for property tests of the figures: a handful of children, short
 * days, three activities, a few volunteers, from Monday 2 November 2026 on.
 */
export const RANDOM_CENTRE_CHILDREN = 14;
export const RANDOM_CENTRE_RULES: SummaryRules = { timeZone: 'Europe/Paris', maxChildrenPerVolunteer: 3 };

const child = fc.record({ band: fc.nat(AGE_BANDS.length - 1), gender: fc.nat(GENDERS.length - 1), registeredDay: fc.nat(3) });
const visit = fc.record({
  child: fc.nat(RANDOM_CENTRE_CHILDREN - 1),
  day: fc.nat(3),
  start: fc.integer({ min: 9 * 60, max: 15 * 60 }),
  length: fc.option(fc.integer({ min: 10, max: 200 }), { nil: undefined }),
});
const session = fc.record({ day: fc.nat(3), activity: fc.constantFrom('art', 'football', 'music'), children: fc.uniqueArray(fc.nat(RANDOM_CENTRE_CHILDREN - 1), { maxLength: 8 }) });
const shift = fc.record({ volunteer: fc.nat(3), day: fc.nat(3), start: fc.integer({ min: 8 * 60, max: 12 * 60 }), length: fc.option(fc.integer({ min: 30, max: 300 }), { nil: undefined }) });

export const randomCentre = fc.record({
  days: fc.integer({ min: 1, max: 4 }),
  children: fc.array(child, { minLength: RANDOM_CENTRE_CHILDREN, maxLength: RANDOM_CENTRE_CHILDREN }),
  visits: fc.array(visit, { maxLength: 60 }),
  sessions: fc.array(session, { maxLength: 10 }),
  shifts: fc.array(shift, { maxLength: 8 }),
});

export type RandomCentre = typeof randomCentre extends fc.Arbitrary<infer T> ? T : never;

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The centre's records, day by day, and its children (ids `c0`, `c1`, ...). */
export function centreRecords(input: RandomCentre): { days: string[]; records: DayRecords[]; children: ChildRow[] } {
  const days = daysInRange('2026-11-02', '2026-11-05').slice(0, input.days);
  const tz = RANDOM_CENTRE_RULES.timeZone;
  const children: ChildRow[] = input.children.map((c, i) => ({ id: `c${i}`, ageBand: AGE_BANDS[c.band], gender: GENDERS[c.gender], registeredOn: days[c.registeredDay % days.length] }));
  const records = days.map((day, d): DayRecords => {
    const sessions = input.sessions.filter((s) => s.day % input.days === d);
    return {
      day,
      attendance: input.visits
        .filter((v) => v.day % input.days === d)
        .flatMap((v, i) => [
          { id: `in${d}-${i}`, childId: `c${v.child}`, kind: 'in', at: atLocalTime(day, hhmm(v.start), tz) },
          ...(v.length === undefined ? [] : [{ id: `out${d}-${i}`, childId: `c${v.child}`, kind: 'out', at: atLocalTime(day, hhmm(v.start + v.length), tz) }]),
        ]),
      shifts: input.shifts
        .filter((s) => s.day % input.days === d)
        .flatMap((s, i) => [
          { id: `on${d}-${i}`, volunteerId: `v${s.volunteer}`, kind: 'on', at: atLocalTime(day, hhmm(s.start), tz) },
          ...(s.length === undefined ? [] : [{ id: `off${d}-${i}`, volunteerId: `v${s.volunteer}`, kind: 'off', at: atLocalTime(day, hhmm(s.start + s.length), tz) }]),
        ]),
      sessions: sessions.map((s, i) => ({ id: `se${d}-${i}`, activity: s.activity })),
      participations: sessions.flatMap((s, i) => s.children.map((c) => ({ id: `p${d}-${i}-${c}`, sessionId: `se${d}-${i}`, childId: `c${c}` }))),
    };
  });
  return { days, records, children };
}
