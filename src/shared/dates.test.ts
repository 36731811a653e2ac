import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, atLocalTime, centreDay, dayCount, dayEnd, dayStart, daysInRange, firstOfMonth, isValidTimeZone, localHour, localHourSlots, localTime } from './dates';

const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
const AMMAN = 'Asia/Amman';
const HOUR = 60 * 60 * 1000;
const utc = (iso: string) => Date.parse(iso);

describe('centreDay', () => {
  it.each([
    ['2026-01-15T22:59:59.999Z', PARIS, '2026-01-15'], // winter, UTC+1: 23:59 local
    ['2026-01-15T23:00:00.000Z', PARIS, '2026-01-16'], // 00:00 local, still the 15th in UTC
    ['2026-07-15T21:59:59.999Z', PARIS, '2026-07-15'], // summer, UTC+2
    ['2026-07-15T22:00:00.000Z', PARIS, '2026-07-16'],
    ['2026-03-29T00:59:59.999Z', PARIS, '2026-03-29'], // 01:59 on the spring-forward day
    ['2026-10-25T22:59:59.999Z', PARIS, '2026-10-25'], // last instant of the 25-hour day
    ['2026-10-25T23:00:00.000Z', PARIS, '2026-10-26'],
    ['2026-01-16T04:59:59.999Z', NEW_YORK, '2026-01-15'], // UTC-5
    ['2026-01-16T05:00:00.000Z', NEW_YORK, '2026-01-16'],
    ['2026-06-30T20:59:59.999Z', AMMAN, '2026-06-30'], // UTC+3 all year since 2022
    ['2026-06-30T21:00:00.000Z', AMMAN, '2026-07-01'],
    ['2026-06-30T21:00:00.000Z', 'UTC', '2026-06-30'],
  ])('%s in %s is %s', (iso, zone, day) => {
    expect(centreDay(utc(iso), zone)).toBe(day);
  });
});

describe('dayStart and dayEnd', () => {
  it.each([
    ['2026-01-16', PARIS, '2026-01-15T23:00:00.000Z', '2026-01-16T23:00:00.000Z', 24],
    ['2026-07-16', PARIS, '2026-07-15T22:00:00.000Z', '2026-07-16T22:00:00.000Z', 24],
    ['2026-03-29', PARIS, '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23], // spring forward
    ['2026-10-25', PARIS, '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25], // fall back
    ['2026-03-08', NEW_YORK, '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
    ['2026-11-01', NEW_YORK, '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25],
    ['2026-07-01', AMMAN, '2026-06-30T21:00:00.000Z', '2026-07-01T21:00:00.000Z', 24],
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z', 23], // no midnight that day
  ])('%s in %s runs from %s to %s (%i h)', (day, zone, start, end, hours) => {
    expect(new Date(dayStart(day, zone)).toISOString()).toBe(start);
    expect(new Date(dayEnd(day, zone)).toISOString()).toBe(end);
    expect((dayEnd(day, zone) - dayStart(day, zone)) / HOUR).toBe(hours);
  });

  it('holds every instant of its day: dayStart ≤ t < dayEnd for the centreDay of t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: utc('2020-01-01T00:00:00Z'), max: utc('2035-01-01T00:00:00Z') }),
        fc.constantFrom(PARIS, NEW_YORK, AMMAN, 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu'),
        (t, zone) => {
          const day = centreDay(t, zone);
          expect(dayStart(day, zone)).toBeLessThanOrEqual(t);
          expect(dayEnd(day, zone)).toBeGreaterThan(t);
          expect(centreDay(dayStart(day, zone), zone)).toBe(day);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each(['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', ''])('throws on the day %j', (day) => {
    expect(() => dayStart(day, PARIS)).toThrow(/calendar day/);
  });
});

describe('localHour and localTime', () => {
  it.each([
    ['2026-01-16T13:05:00.000Z', PARIS, 14, '14:05'],
    ['2026-07-16T13:05:00.000Z', PARIS, 15, '15:05'],
    ['2026-03-29T00:59:59.999Z', PARIS, 1, '01:59'], // the last minute before spring forward
    ['2026-03-29T01:00:00.000Z', PARIS, 3, '03:00'], // hour 2 never happens that day
    ['2026-10-25T00:30:00.000Z', PARIS, 2, '02:30'], // 02:30 summer time
    ['2026-10-25T01:30:00.000Z', PARIS, 2, '02:30'], // 02:30 again, winter time
    ['2026-10-25T02:00:00.000Z', PARIS, 3, '03:00'],
    ['2026-01-16T04:59:00.000Z', NEW_YORK, 23, '23:59'],
    ['2026-06-30T21:00:00.000Z', AMMAN, 0, '00:00'],
    ['2026-06-30T21:00:00.000Z', 'Asia/Kathmandu', 2, '02:45'],
  ])('%s in %s is hour %i, %s', (iso, zone, hour, time) => {
    expect(localHour(utc(iso), zone)).toBe(hour);
    expect(localTime(utc(iso), zone)).toBe(time);
  });
});

describe('atLocalTime', () => {
  it.each([
    ['2026-01-16', '18:00', PARIS, '2026-01-16T17:00:00.000Z'],
    ['2026-07-16', '18:00', PARIS, '2026-07-16T16:00:00.000Z'],
    ['2026-07-16', '00:00', PARIS, '2026-07-15T22:00:00.000Z'],
    ['2026-07-16', '23:59', PARIS, '2026-07-16T21:59:00.000Z'],
    ['2026-03-29', '01:59', PARIS, '2026-03-29T00:59:00.000Z'],
    ['2026-03-29', '02:30', PARIS, '2026-03-29T01:30:00.000Z'], // skipped wall time: 03:30 summer time
    ['2026-03-29', '03:00', PARIS, '2026-03-29T01:00:00.000Z'],
    ['2026-10-25', '02:30', PARIS, '2026-10-25T00:30:00.000Z'], // repeated wall time: the earlier one
    ['2026-10-25', '03:00', PARIS, '2026-10-25T02:00:00.000Z'],
    ['2026-11-01', '01:30', NEW_YORK, '2026-11-01T05:30:00.000Z'], // repeated: 01:30 EDT, not EST
    ['2026-03-08', '02:30', NEW_YORK, '2026-03-08T07:30:00.000Z'], // skipped: 03:30 EDT
    ['2026-01-15', '18:00', NEW_YORK, '2026-01-15T23:00:00.000Z'],
    ['2026-07-01', '09:30', AMMAN, '2026-07-01T06:30:00.000Z'],
  ])('%s %s in %s is %s', (day, hhmm, zone, iso) => {
    expect(new Date(atLocalTime(day, hhmm, zone)).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-01-16', '24:00'],
    ['2026-01-16', '9:30'],
    ['2026-01-16', '09:60'],
    ['2026-01-16', ''],
    ['2026-02-30', '09:30'],
  ])('throws on %s %j', (day, hhmm) => {
    expect(() => atLocalTime(day, hhmm, PARIS)).toThrow(RangeError);
  });

  it('round trips with localTime and centreDay on ordinary days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 364 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (offset, h, m) => {
          const day = addDays('2026-01-01', offset);
          const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          fc.pre(!(day === '2026-03-29' && h === 2)); // the hour that does not exist in Paris
          const t = atLocalTime(day, hhmm, PARIS);
          expect([centreDay(t, PARIS), localTime(t, PARIS)]).toEqual([day, hhmm]);
        },
      ),
    );
  });
});

describe("the device's own zone", () => {
  // A tablet may be set to any zone. Node re-reads TZ when it changes, so the test can be the
  // tablet: the answers must be the centre's, not the device's.
  const answers = () => [
    centreDay(utc('2026-10-25T00:30:00Z'), PARIS),
    localTime(utc('2026-10-25T01:30:00Z'), PARIS),
    localHour(utc('2026-03-29T01:00:00Z'), PARIS),
    dayStart('2026-03-29', PARIS),
    dayEnd('2026-10-25', PARIS),
    dayStart('2026-09-06', 'America/Santiago'),
    atLocalTime('2026-10-25', '02:30', PARIS),
    atLocalTime('2026-03-29', '02:30', PARIS),
    atLocalTime('2026-11-01', '01:30', NEW_YORK),
  ];

  it.each(['UTC', 'America/Los_Angeles', 'Asia/Kathmandu', 'Europe/London', 'Australia/Lord_Howe'])('does not change the answers when it is %s', (deviceZone) => {
    const saved = process.env.TZ;
    const expected = answers();
    try {
      process.env.TZ = deviceZone;
      expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset() === 0).toBe(deviceZone === 'UTC' || deviceZone === 'Europe/London');
      expect(answers()).toEqual(expected);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('addDays', () => {
  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-28', 1, '2026-03-29'], // the clocks change overnight: still one day
    ['2026-03-29', 1, '2026-03-30'],
    ['2026-10-25', -1, '2026-10-24'],
    ['2026-07-16', 0, '2026-07-16'],
    ['2026-01-01', 365, '2027-01-01'],
  ])('%s + %i = %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });

  it.each([
    ['2026-02-30', 1],
    ['2026-01-01', 0.5],
    ['2026-01-01', Number.NaN],
  ])('throws on %s + %d', (day, n) => {
    expect(() => addDays(day, n)).toThrow(RangeError);
  });
});

describe('daysInRange', () => {
  it.each([
    ['2026-03-28', '2026-03-30', ['2026-03-28', '2026-03-29', '2026-03-30']],
    ['2026-12-31', '2027-01-01', ['2026-12-31', '2027-01-01']],
    ['2026-07-16', '2026-07-16', ['2026-07-16']],
    ['2026-07-17', '2026-07-16', []],
  ])('%s to %s', (from, to, days) => {
    expect(daysInRange(from, to)).toEqual(days);
  });

  it('counts 365 days in 2026', () => {
    expect(daysInRange('2026-01-01', '2026-12-31')).toHaveLength(365);
  });

  it.each([
    ['2026-02-30', '2026-03-01'],
    ['2026-03-01', '2026-02-30'],
  ])('throws on %s to %s', (from, to) => {
    expect(() => daysInRange(from, to)).toThrow(RangeError);
  });
});

describe('time zones', () => {
  it.each([
    [PARIS, true],
    [AMMAN, true],
    [NEW_YORK, true],
    ['UTC', true],
    ['Nowhere/City', false],
    ['Europe/Pariss', false],
    ['', false],
    [' ', false],
  ])('%j is valid: %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });

  it.each([
    ['centreDay', () => centreDay(0, 'Nowhere/City')],
    ['dayStart', () => dayStart('2026-01-01', 'Nowhere/City')],
    ['dayEnd', () => dayEnd('2026-01-01', 'Nowhere/City')],
    ['localHour', () => localHour(0, 'Nowhere/City')],
    ['localTime', () => localTime(0, 'Nowhere/City')],
    ['atLocalTime', () => atLocalTime('2026-01-01', '09:00', 'Nowhere/City')],
  ])('%s throws on an unknown zone, naming it', (_name, call) => {
    expect(call).toThrow(/unknown time zone "Nowhere\/City"/);
  });

  it('throws on a time that is not a number', () => {
    expect(() => centreDay(Number.NaN, PARIS)).toThrow(RangeError);
  });
});

describe('localHourSlots', () => {
  const hours = (day: string, zone: string) => localHourSlots(day, zone).map((slot) => slot.hour);
  it.each<[string, string, string, number[]]>([
    ['an ordinary day', '2026-11-24', 'Europe/Paris', Array.from({ length: 24 }, (_, h) => h)],
    ['spring forward: 02:00 is skipped', '2026-03-29', 'Europe/Paris', [0, 1, ...Array.from({ length: 21 }, (_, h) => h + 3)]],
    ['fall back: 02:00 comes twice', '2026-10-25', 'Europe/Paris', [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, h) => h + 3)]],
    ['a half-hour zone', '2026-11-24', 'Asia/Kolkata', Array.from({ length: 24 }, (_, h) => h)],
  ])('%s', (_case, day, zone, expected) => {
    expect(hours(day, zone)).toEqual(expected);
  });

  it('starts each slot on the hour, local time, and covers the day without a gap', () => {
    for (const [day, zone] of [['2026-10-25', 'Europe/Paris'], ['2026-11-24', 'Asia/Kolkata'], ['2026-03-29', 'Europe/Paris']] as const) {
      const slots = localHourSlots(day, zone);
      expect(slots[0]!.start).toBe(dayStart(day, zone));
      for (const slot of slots) expect(localTime(slot.start, zone)).toBe(`${String(slot.hour).padStart(2, '0')}:00`);
      for (let i = 1; i < slots.length; i++) expect(slots[i]!.start - slots[i - 1]!.start).toBe(3_600_000);
      expect(dayEnd(day, zone) - slots[slots.length - 1]!.start).toBe(3_600_000);
    }
  });
});

describe('dayCount and firstOfMonth', () => {
  it.each<[string, string, number]>([
    ['2026-11-24', '2026-11-24', 1],
    ['2026-11-01', '2026-11-30', 30],
    ['2028-01-01', '2028-12-31', 366],
    ['2026-11-25', '2026-11-24', 0],
    ['0100-01-01', '9999-12-31', 3_615_900],
  ])('%s to %s: %d days', (from, to, expected) => {
    expect(dayCount(from, to)).toBe(expected);
  });

  it('agrees with daysInRange', () => {
    expect(dayCount('2026-03-20', '2026-04-02')).toBe(daysInRange('2026-03-20', '2026-04-02').length);
  });

  it('gives the first of the month', () => {
    expect(firstOfMonth('2026-11-24')).toBe('2026-11-01');
    expect(() => firstOfMonth('2026-11')).toThrow(RangeError);
  });
});
