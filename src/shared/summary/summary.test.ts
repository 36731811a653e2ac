import { describe, expect, it } from 'vitest';
import { atLocalTime } from '../dates';
import { dayFacts, recordsByDay, type DayRecords, type SummaryRules } from './day-facts';
import { summariseRange, type ChildRow, type DaySummary } from './summarise';

const PARIS = 'Europe/Paris';
const RULES: SummaryRules = { timeZone: PARIS, maxChildrenPerVolunteer: 2 };
const DAY = '2026-11-24';

let counter = 0;
const nextId = () => `e${String(counter++).padStart(4, '0')}`;

/** A compact day: `in c1 10:00` style lines for attendance and shifts, plus sessions. */
type DayPlan = {
  day?: string;
  children?: [childId: string, kind: 'in' | 'out', time: string, deleted?: boolean][];
  shifts?: [volunteerId: string, kind: 'on' | 'off', time: string][];
  sessions?: [sessionId: string, activity: string, childIds: string[], deleted?: boolean][];
  closedAt?: string;
};

function records(plan: DayPlan): DayRecords {
  const day = plan.day ?? DAY;
  const at = (time: string) => atLocalTime(day, time, PARIS);
  return {
    day,
    attendance: (plan.children ?? []).map(([childId, kind, time, deleted]) => ({ id: nextId(), childId, kind, at: at(time), deleted: deleted ?? false })),
    shifts: (plan.shifts ?? []).map(([volunteerId, kind, time]) => ({ id: nextId(), volunteerId, kind, at: at(time), deleted: false })),
    sessions: (plan.sessions ?? []).map(([id, activity, , deleted]) => ({ id, activity, deleted: deleted ?? false })),
    participations: (plan.sessions ?? []).flatMap(([sessionId, , childIds]) => childIds.map((childId) => ({ id: `${sessionId}:${childId}`, sessionId, childId }))),
    dayClose: plan.closedAt === undefined ? undefined : { closedAt: at(plan.closedAt), deleted: false },
  };
}

const child = (id: string, ageBand: string, gender: string, registeredOn = '2026-01-05'): ChildRow => ({ id, ageBand, gender, registeredOn });
const summary = (plan: DayPlan, children: ChildRow[] = [], rules = RULES): DaySummary =>
  summariseRange([dayFacts(records(plan), rules)], children).days[0]!;

/** The figures a case checks, picked from the whole summary. */
type Expected = Partial<DaySummary>;
const pick = (whole: DaySummary, expected: Expected) => Object.fromEntries(Object.keys(expected).map((key) => [key, whole[key as keyof DaySummary]]));

describe('day summary: a day with no data', () => {
  it('gives zero figures, not errors', () => {
    expect(summary({})).toEqual({
      day: DAY,
      uniqueChildren: 0,
      newChildren: 0,
      visits: 0,
      byAgeBand: { '0-2': 0, '3-5': 0, '6-8': 0, '9-12': 0, '13-17': 0 },
      byGender: { girl: 0, boy: 0, other: 0, unspecified: 0 },
      peakPresent: 0,
      peakAt: null,
      presentByHour: {},
      averageVisitMinutes: null,
      sessions: 0,
      sessionsByActivity: {},
      volunteers: 0,
      volunteerMinutes: 0,
      minutesOverRatio: 0,
      minutesWithoutVolunteer: 0,
      mostChildrenPerVolunteer: null,
    });
  });

  it('a closed day with nobody in is still all zeros', () => {
    expect(pick(summary({ closedAt: '18:00' }), { uniqueChildren: 0, peakAt: null, minutesWithoutVolunteer: 0 })).toEqual({ uniqueChildren: 0, peakAt: null, minutesWithoutVolunteer: 0 });
  });
});

describe('day summary: children and visits', () => {
  it.each<[string, DayPlan, Expected]>([
    ['one visit of an hour', { children: [['c1', 'in', '10:00'], ['c1', 'out', '11:00']] }, { uniqueChildren: 1, visits: 1, averageVisitMinutes: 60 }],
    [
      'a double check-in from two tablets is one visit from the first in',
      { children: [['c1', 'in', '10:00'], ['c1', 'in', '10:05'], ['c1', 'out', '11:00']] },
      { uniqueChildren: 1, visits: 1, peakPresent: 1, averageVisitMinutes: 60 },
    ],
    [
      'two visits of one child: one child, two visits',
      { children: [['c1', 'in', '10:00'], ['c1', 'out', '10:30'], ['c1', 'in', '14:00'], ['c1', 'out', '15:30']] },
      { uniqueChildren: 1, visits: 2, averageVisitMinutes: 60 },
    ],
    ['an undone check-in counts for nothing', { children: [['c1', 'in', '10:00', true], ['c2', 'in', '10:00'], ['c2', 'out', '10:10']] }, { uniqueChildren: 1, visits: 1 }],
    ['an out with no in changes nothing', { children: [['c1', 'out', '10:00']] }, { uniqueChildren: 0, visits: 0, averageVisitMinutes: null, peakPresent: 0 }],
    [
      'a visit still open on a day not closed is left out of lengths',
      { children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c2', 'out', '10:20']] },
      { visits: 2, averageVisitMinutes: 20 },
    ],
    [
      'a visit still open at closing runs until the closing',
      { children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c2', 'out', '10:20']], closedAt: '18:00' },
      { visits: 2, averageVisitMinutes: (8 * 60 + 20) / 2 },
    ],
    [
      'average visit rounds to the nearest minute',
      { children: [['c1', 'in', '10:00'], ['c1', 'out', '10:01'], ['c2', 'in', '10:00'], ['c2', 'out', '10:02']] },
      { averageVisitMinutes: 2 },
    ],
  ])('%s', (_case, plan, expected) => {
    expect(pick(summary(plan), expected)).toEqual(expected);
  });

  it('counts children by age band and gender, once each however many visits', () => {
    const children = [child('c1', '0-2', 'girl'), child('c2', '6-8', 'boy'), child('c3', '6-8', 'unspecified')];
    const result = summary({ children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c2', 'out', '10:05'], ['c2', 'in', '11:00'], ['c3', 'in', '12:00']] }, children);
    expect(result.byAgeBand).toEqual({ '0-2': 1, '3-5': 0, '6-8': 2, '9-12': 0, '13-17': 0 });
    expect(result.byGender).toEqual({ girl: 1, boy: 1, other: 0, unspecified: 1 });
  });

  it('a child whose record has not arrived counts as a child but in no band', () => {
    const result = summary({ children: [['c9', 'in', '10:00']] });
    expect(result.uniqueChildren).toBe(1);
    expect(Object.values(result.byAgeBand).reduce((a, b) => a + b)).toBe(0);
  });

  it('new children are the live ones registered that day, whether or not they came in', () => {
    const children = [child('c1', '0-2', 'girl', DAY), child('c2', '3-5', 'boy', DAY), { ...child('c3', '3-5', 'boy', DAY), deleted: true }, child('c4', '3-5', 'boy', '2026-11-23')];
    expect(summary({}, children).newChildren).toBe(2);
    expect(summary({}, [...children, ...children]).newChildren).toBe(2);
  });
});

describe('day summary: presence through the day', () => {
  it.each<[string, DayPlan, Expected]>([
    [
      'the peak and when it was first reached',
      {
        children: [['c1', 'in', '10:00'], ['c2', 'in', '10:30'], ['c2', 'out', '11:00'], ['c3', 'in', '12:00'], ['c1', 'out', '13:00']],
      },
      { peakPresent: 2, peakAt: atLocalTime(DAY, '10:30', PARIS) },
    ],
    [
      'a check-out and a check-in at the same instant make no phantom peak',
      { children: [['c1', 'in', '10:00'], ['c1', 'out', '11:00'], ['c2', 'in', '11:00'], ['c2', 'out', '12:00']] },
      { peakPresent: 1, peakAt: atLocalTime(DAY, '10:00', PARIS) },
    ],
    [
      'most present in each local hour that had anyone in',
      { children: [['c1', 'in', '10:50'], ['c2', 'in', '11:00'], ['c2', 'out', '11:30'], ['c1', 'out', '12:10']] },
      { presentByHour: { '10': 1, '11': 2, '12': 1 } },
    ],
    [
      'a child who stays in counts in the last hour of the day’s records',
      { children: [['c1', 'in', '16:59']] },
      { presentByHour: { '16': 1 } },
    ],
    [
      'on a closed day a child left in counts until the closing',
      { children: [['c1', 'in', '16:30']], closedAt: '18:15' },
      { presentByHour: { '16': 1, '17': 1, '18': 1 } },
    ],
  ])('%s', (_case, plan, expected) => {
    expect(pick(summary(plan), expected)).toEqual(expected);
  });
});

describe('day summary: volunteers and the ratio (limit 2 children per volunteer)', () => {
  it.each<[string, DayPlan, Expected]>([
    [
      'volunteer hours add up every shift',
      { shifts: [['v1', 'on', '09:00'], ['v1', 'off', '12:00'], ['v2', 'on', '10:00'], ['v2', 'off', '10:30'], ['v1', 'on', '14:00'], ['v1', 'off', '15:00']] },
      { volunteers: 2, volunteerMinutes: 4 * 60 + 30 },
    ],
    ['a shift still open on a day not closed is left out', { shifts: [['v1', 'on', '09:00']] }, { volunteers: 1, volunteerMinutes: 0 }],
    ['a shift still open at closing runs until the closing', { shifts: [['v1', 'on', '09:00']], closedAt: '17:00' }, { volunteers: 1, volunteerMinutes: 8 * 60 }],
    [
      'minutes over the ratio: three children with one volunteer for 30 minutes',
      {
        shifts: [['v1', 'on', '09:00'], ['v1', 'off', '12:00']],
        children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c3', 'in', '10:00'], ['c3', 'out', '10:30'], ['c1', 'out', '11:00'], ['c2', 'out', '11:00']],
      },
      { minutesOverRatio: 30, minutesWithoutVolunteer: 0, mostChildrenPerVolunteer: 3 },
    ],
    [
      'at the limit is not over it',
      { shifts: [['v1', 'on', '09:00'], ['v1', 'off', '12:00']], children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c1', 'out', '11:00'], ['c2', 'out', '11:00']] },
      { minutesOverRatio: 0, mostChildrenPerVolunteer: 2 },
    ],
    [
      'a second volunteer signing on brings the room back within the limit',
      {
        shifts: [['v1', 'on', '09:00'], ['v2', 'on', '10:20'], ['v1', 'off', '12:00'], ['v2', 'off', '12:00']],
        children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c3', 'in', '10:00'], ['c1', 'out', '11:00'], ['c2', 'out', '11:00'], ['c3', 'out', '11:00']],
      },
      { minutesOverRatio: 20, mostChildrenPerVolunteer: 3 },
    ],
    [
      'minutes with children present and nobody on duty',
      { shifts: [['v1', 'on', '10:15'], ['v1', 'off', '12:00']], children: [['c1', 'in', '10:00'], ['c1', 'out', '10:45']] },
      { minutesWithoutVolunteer: 15, minutesOverRatio: 0 },
    ],
    [
      'children left in at closing with nobody on duty count until the closing',
      { shifts: [['v1', 'on', '10:00'], ['v1', 'off', '17:00']], children: [['c1', 'in', '16:00']], closedAt: '17:30' },
      { minutesWithoutVolunteer: 30 },
    ],
    ['children but never a volunteer: no ratio to speak of', { children: [['c1', 'in', '10:00'], ['c1', 'out', '10:10']] }, { mostChildrenPerVolunteer: null, minutesWithoutVolunteer: 10 }],
  ])('%s', (_case, plan, expected) => {
    expect(pick(summary(plan), expected)).toEqual(expected);
  });

  it('a day signed off the next morning ends what was left open at midnight, not at the sign-off', () => {
    const day = records({ shifts: [['v1', 'on', '18:00']], children: [['c1', 'in', '23:00']] });
    const nextMorning = atLocalTime('2026-11-25', '09:00', PARIS);
    const facts = dayFacts({ ...day, dayClose: { closedAt: nextMorning, deleted: false } }, RULES);
    expect(facts.volunteerMinutes).toBe(6 * 60);
    expect(facts.visitMs).toBe(3_600_000);
    expect(facts.horizon).toBe(atLocalTime('2026-11-25', '00:00', PARIS));
  });

  it('reads the limit from the centre’s rules', () => {
    const plan: DayPlan = { shifts: [['v1', 'on', '09:00'], ['v1', 'off', '12:00']], children: [['c1', 'in', '10:00'], ['c2', 'in', '10:00'], ['c3', 'in', '10:00'], ['c1', 'out', '11:00'], ['c2', 'out', '11:00'], ['c3', 'out', '11:00']] };
    expect(summary(plan, [], { timeZone: PARIS, maxChildrenPerVolunteer: 8 }).minutesOverRatio).toBe(0);
    expect(summary(plan, [], { timeZone: PARIS, maxChildrenPerVolunteer: 1 }).minutesOverRatio).toBe(60);
  });

  it('rounds total milliseconds to the nearest minute', () => {
    const day = DAY;
    const start = atLocalTime(day, '10:00', PARIS);
    const make = (ms: number): DayRecords => ({
      day,
      attendance: [],
      shifts: [
        { id: 'a', volunteerId: 'v1', kind: 'on', at: start },
        { id: 'b', volunteerId: 'v1', kind: 'off', at: start + ms },
      ],
      sessions: [],
      participations: [],
    });
    expect(dayFacts(make(89_999), RULES).volunteerMinutes).toBe(1);
    expect(dayFacts(make(90_000), RULES).volunteerMinutes).toBe(2);
  });
});

describe('day summary: sessions', () => {
  it.each<[string, DayPlan, Expected]>([
    [
      'a child in two sessions counts in each activity',
      { sessions: [['s1', 'art', ['c1', 'c2']], ['s2', 'football', ['c1']]] },
      { sessions: 2, sessionsByActivity: { art: { sessions: 1, participants: 2 }, football: { sessions: 1, participants: 1 } } },
    ],
    [
      'a child in two sessions of one activity is one participant of it',
      { sessions: [['s1', 'art', ['c1', 'c2']], ['s2', 'art', ['c1', 'c3']]] },
      { sessions: 2, sessionsByActivity: { art: { sessions: 2, participants: 3 } } },
    ],
    ['an undone session counts for nothing', { sessions: [['s1', 'art', ['c1'], true], ['s2', 'music', []]] }, { sessions: 1, sessionsByActivity: { music: { sessions: 1, participants: 0 } } }],
  ])('%s', (_case, plan, expected) => {
    expect(pick(summary(plan), expected)).toEqual(expected);
  });

  it('a child who left a session part-way (checked out, moved) still took part in it', () => {
    const day = records({ sessions: [['s1', 'art', ['c1', 'c2']]] });
    const participations = day.participations.map((p) => (p.childId === 'c2' ? { ...p, leftAt: 5 } : p));
    expect(dayFacts({ ...day, participations }, RULES).sessionsByActivity).toEqual({ art: { sessions: 1, participants: 2 } });
  });

  it('a child added by mistake (the addition undone: participation deleted) is not a participant', () => {
    const day = records({ sessions: [['s1', 'art', ['c1', 'c2']]] });
    const participations = day.participations.map((p) => (p.childId === 'c2' ? { ...p, deleted: true } : p));
    expect(dayFacts({ ...day, participations }, RULES).sessionsByActivity).toEqual({ art: { sessions: 1, participants: 1 } });
  });
});

describe('day summary: the days the clocks change (Europe/Paris)', () => {
  it('fall back (25 hours): 01:30 to 03:30 on the wall is three hours, and 02:00 is one hour key', () => {
    const result = summary({ day: '2026-10-25', children: [['c1', 'in', '01:30'], ['c1', 'out', '03:30']], shifts: [['v1', 'on', '01:00'], ['v1', 'off', '04:00']] });
    expect(result.averageVisitMinutes).toBe(180);
    expect(result.volunteerMinutes).toBe(240);
    expect(result.presentByHour).toEqual({ '1': 1, '2': 1, '3': 1 });
  });

  it('spring forward (23 hours): 01:30 to 03:30 on the wall is one hour, and there is no 02:00', () => {
    const result = summary({ day: '2026-03-29', children: [['c1', 'in', '01:30'], ['c1', 'out', '03:30']], shifts: [['v1', 'on', '01:00'], ['v1', 'off', '04:00']] });
    expect(result.averageVisitMinutes).toBe(60);
    expect(result.volunteerMinutes).toBe(120);
    expect(result.presentByHour).toEqual({ '1': 1, '3': 1 });
  });

  it('minutes without a volunteer across the repeated hour are real minutes', () => {
    const result = summary({ day: '2026-10-25', children: [['c1', 'in', '01:30'], ['c1', 'out', '03:30']] });
    expect(result.minutesWithoutVolunteer).toBe(180);
  });
});

describe('range summary', () => {
  const monday = '2026-11-23';
  const tuesday = '2026-11-24';
  const children = [child('c1', '0-2', 'girl', monday), child('c2', '6-8', 'boy', tuesday), child('c3', '9-12', 'other', '2026-01-01')];
  const facts = [
    dayFacts(
      records({
        day: monday,
        children: [['c1', 'in', '10:00'], ['c1', 'out', '11:00'], ['c3', 'in', '10:00'], ['c3', 'out', '10:30']],
        shifts: [['v1', 'on', '09:00'], ['v1', 'off', '12:00']],
        sessions: [['s1', 'art', ['c1', 'c3']]],
      }),
      RULES,
    ),
    dayFacts(records({ day: '2026-11-22' }), RULES),
    dayFacts(
      records({
        day: tuesday,
        children: [['c1', 'in', '10:00'], ['c1', 'out', '10:40'], ['c2', 'in', '10:00'], ['c2', 'out', '12:00']],
        shifts: [['v1', 'on', '09:00'], ['v1', 'off', '12:00'], ['v2', 'on', '09:00'], ['v2', 'off', '10:00']],
        sessions: [['s2', 'art', ['c1']], ['s3', 'music', ['c2']]],
      }),
      RULES,
    ),
  ];
  const report = summariseRange(facts, children);

  it('keeps one summary per day, in order, an empty day included', () => {
    expect(report.days.map((day) => [day.day, day.uniqueChildren, day.newChildren])).toEqual([
      [monday, 2, 1],
      ['2026-11-22', 0, 0],
      [tuesday, 2, 1],
    ]);
  });

  it('counts children once over the range, with their bands and genders', () => {
    expect(report.total.uniqueChildren).toBe(3);
    expect(report.total.byAgeBand).toEqual({ '0-2': 1, '3-5': 0, '6-8': 1, '9-12': 1, '13-17': 0 });
    expect(report.total.byGender).toEqual({ girl: 1, boy: 1, other: 1, unspecified: 0 });
    expect(report.total).not.toHaveProperty('day');
  });

  it('sums the counts and minutes, and takes the highest day’s peak', () => {
    expect(pick(report.total, { newChildren: 2, visits: 4, sessions: 3, volunteers: 3, volunteerMinutes: 3 * 60 + 3 * 60 + 60, peakPresent: 2 })).toEqual({
      newChildren: 2,
      visits: 4,
      sessions: 3,
      volunteers: 3,
      volunteerMinutes: 3 * 60 + 3 * 60 + 60,
      peakPresent: 2,
    });
    expect(report.total.peakAt).toBe(report.days[0]!.peakAt);
    expect(report.total.sessionsByActivity).toEqual({ art: { sessions: 2, participants: 3 }, music: { sessions: 1, participants: 1 } });
    // Monday's children had all left at 11:00 sharp; Tuesday's c2 stayed until 12:00.
    expect(report.total.presentByHour).toEqual({ '10': 4, '11': 1 });
  });

  it('averages over every visit of the range, not over daily averages', () => {
    // Visits of 60, 30, 40 and 120 minutes: 62.5, rounded to 63.
    expect(report.total.averageVisitMinutes).toBe(63);
    const uneven = summariseRange([facts[0]!, dayFacts(records({ day: tuesday, children: [['c2', 'in', '10:00'], ['c2', 'out', '10:10']] }), RULES)], children);
    expect(uneven.total.averageVisitMinutes).toBe(Math.round((60 + 30 + 10) / 3));
  });
});

describe('recordsByDay', () => {
  it('sorts records into their days, participations with their session, and ignores other days', () => {
    const grouped = recordsByDay(['2026-11-23', '2026-11-24'], {
      attendance: [
        { id: 'a1', day: '2026-11-24', childId: 'c1', kind: 'in', at: 1 },
        { id: 'a2', day: '2026-11-20', childId: 'c1', kind: 'in', at: 1 },
      ],
      shifts: [{ id: 's1', day: '2026-11-23', volunteerId: 'v1', kind: 'on', at: 1 }],
      sessions: [{ id: 'x1', day: '2026-11-24', activity: 'art' }],
      participations: [
        { id: 'x1:c1', sessionId: 'x1', childId: 'c1' },
        { id: 'y:c1', sessionId: 'y', childId: 'c1' },
      ],
      dayCloses: [
        { id: 'day-2026-11-23', day: '2026-11-23', closedAt: 5 },
        // Not the day's own sign-off (its id is not derived from the day): ignored.
        { id: 'other', day: '2026-11-23', closedAt: 9 },
        { id: 'other-2', day: '2026-11-24', closedAt: 9 },
      ],
    });
    expect(grouped.map((d) => [d.day, d.attendance.length, d.shifts.length, d.sessions.length, d.participations.length, d.dayClose?.closedAt])).toEqual([
      ['2026-11-23', 0, 1, 0, 0, 5],
      ['2026-11-24', 1, 0, 1, 1, undefined],
    ]);
  });
});
