import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centreRecords, RANDOM_CENTRE_CHILDREN, RANDOM_CENTRE_RULES, randomCentre } from '../../../tests/support/random-centre';
import { atLocalTime } from '../dates';
import { correctionsForRemoval } from './removal';
import { combineCorrections, noCorrection } from './corrections';
import { dayFacts, type DayRecords } from './day-facts';
import { summariseRange, type ChildRow, type DaySummary } from './summarise';

const factsOf = (records: readonly DayRecords[]) => records.map((day) => dayFacts(day, RANDOM_CENTRE_RULES));

/** The records without one child's events: what erasing them leaves. */
const withoutChild = (records: readonly DayRecords[], childId: string): DayRecords[] =>
  records.map((day) => ({ ...day, attendance: day.attendance.filter((row) => row.childId !== childId), participations: day.participations.filter((row) => row.childId !== childId) }));

/** What a range total keeps exactly after an erasure: all but the erased child's band and gender. */
const withoutBreakdown = ({ byAgeBand: _bands, byGender: _genders, ...rest }: DaySummary) => rest;

describe('corrections', () => {
  it('combine by adding, the later peak time first', () => {
    const a = { ...noCorrection('2026-11-02'), visits: 2, peakPresent: 1, peakAt: 10, standIns: ['x'] };
    const b = { ...noCorrection('2026-11-02'), visits: 1, peakPresent: 1, peakAt: 20, standIns: ['y', 'x'] };
    expect(combineCorrections(a, b)).toMatchObject({ visits: 3, peakPresent: 2, peakAt: 20, standIns: ['x', 'y'] });
    expect(combineCorrections(b, noCorrection('2026-11-02'))).toMatchObject({ peakAt: 20 });
  });

  it('an erasure leaves every day\u2019s figures as they were, and the range\u2019s but for the child\u2019s band and gender (property)', () => {
    fc.assert(
      fc.property(randomCentre, fc.nat(RANDOM_CENTRE_CHILDREN - 1), (input, erased) => {
        const { records, children } = centreRecords(input);
        const childId = `c${erased}`;
        const before = summariseRange(factsOf(records), children);
        const after = { facts: factsOf(withoutChild(records, childId)), children: children.filter((child) => child.id !== childId) };
        const corrections = correctionsForRemoval({ facts: factsOf(records), children }, after, (id) => (id === childId ? 'stand-in' : undefined));
        const corrected = summariseRange(after.facts, after.children, corrections);
        expect(corrected.days).toEqual(before.days);
        expect(withoutBreakdown(corrected.total)).toEqual(withoutBreakdown(before.total));
        // Nothing in a correction names the child.
        expect(JSON.stringify(corrections)).not.toContain(`"${childId}"`);
      }),
      { numRuns: 200 },
    );
  });

  it('a purge leaves every day\u2019s figures as they were; the range\u2019s children are approximate once they cannot be told apart (property)', () => {
    fc.assert(
      fc.property(randomCentre, fc.nat(3), (input, purgedDays) => {
        const { days, records, children } = centreRecords(input);
        const purged = days.slice(0, Math.min(purgedDays, days.length));
        const bound = days[purged.length] ?? '9999-12-31';
        const before = summariseRange(factsOf(records), children);
        const kept = records.map((day) => (purged.includes(day.day) ? { day: day.day, attendance: [], shifts: [], sessions: [], participations: [] } : day));
        // A child with no record left and registered before the bound goes too.
        const remaining = new Set(kept.flatMap((day) => [...day.attendance, ...day.participations].map((row) => row.childId)));
        const keptChildren = children.filter((child: ChildRow) => remaining.has(child.id) || (child.registeredOn ?? '') >= bound);
        const after = { facts: factsOf(kept), children: keptChildren };
        const corrections = correctionsForRemoval({ facts: factsOf(records), children }, after, () => undefined);
        const corrected = summariseRange(after.facts, after.children, corrections);
        expect(corrected.days).toEqual(before.days);
        const { uniqueChildren, approximate, ...exact } = withoutBreakdown(corrected.total);
        const { uniqueChildren: trueChildren, ...trueExact } = withoutBreakdown(before.total);
        expect(exact).toEqual(trueExact);
        if (approximate) expect(uniqueChildren).toBeGreaterThanOrEqual(trueChildren);
        else expect(uniqueChildren).toBe(trueChildren);
        expect(JSON.stringify(corrections)).not.toMatch(/"c\d+"/);
      }),
      { numRuns: 200 },
    );
  });

  it('a late check-in on a day with an erasure still adds to its figures', () => {
    const { records, children } = centreRecords({
      days: 1,
      children: Array.from({ length: RANDOM_CENTRE_CHILDREN }, () => ({ band: 0, gender: 0, registeredDay: 0 })),
      visits: [0, 1, 2].map((child) => ({ child, day: 0, start: 600, length: 60 })),
      sessions: [],
      shifts: [],
    });
    const after = { facts: factsOf(withoutChild(records, 'c0')), children: children.filter((child) => child.id !== 'c0') };
    const corrections = correctionsForRemoval({ facts: factsOf(records), children }, after, (id) => (id === 'c0' ? 'stand-in' : undefined));
    const late = records.map((day) => ({ ...withoutChild([day], 'c0')[0]!, attendance: [...withoutChild([day], 'c0')[0]!.attendance, { id: 'late', childId: 'c5', kind: 'in', at: atLocalTime(day.day, '12:00', 'Europe/Paris') }] }));
    const figures = summariseRange(factsOf(late), after.children, corrections).days[0]!;
    expect([figures.uniqueChildren, figures.visits, figures.byAgeBand['0-2']]).toEqual([4, 4, 4]);
  });
});
