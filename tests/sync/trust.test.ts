import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaybookDatabase } from '../../src/client/db/core/database';
import { createRepositories } from '../../src/client/db/repositories';
import { loadCodeClashes } from '../../src/client/db/repositories/code-clashes';
import { loadLateArrivals } from '../../src/client/db/repositories/day-close';
import { loadDayClose } from '../../src/client/db/repositories/day-guard';
import { loadOnDuty, loadPresentChildren } from '../../src/client/db/repositories/presence';
import { loadSettings } from '../../src/client/db/repositories/settings';
import { centreDay } from '../../src/shared/dates';
import { enrolInto, freshTablet, newCentreId, serverState, startInProcessServer, syncAll, tabletState } from './support';

/**
 * Trust across tablets (issue 9), on simulated tablets running the app's own actions against
 * the real server in process: tablets that start on their own and enrol later, two children
 * under one code, a volunteer's lead-only writes, and changes that reach a closed day late.
 */

const RUNS = Math.max(10, Math.round(Number(process.env.SYNC_PROPERTY_RUNS ?? 200) / 5));
const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);
const DAY = centreDay(NOON, 'Europe/Paris');
const MINUTE = 60_000;
const girl = { ageBand: '6-8', gender: 'girl', languages: [] } as const;
const boy = { ageBand: '3-5', gender: 'boy', languages: ['ar'] } as const;

let server: Awaited<ReturnType<typeof startInProcessServer>>;
let count = 0;

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await server?.close();
});

const fresh = async (label: string) => freshTablet(`trust-${label}-${++count}`);

/** Dice that always roll the same numbers: two tablets given the same dice draw the same series. */
const loaded = (...rolls: number[]) => {
  let i = 0;
  return () => rolls[i++ % rolls.length]!;
};

async function activeChildren(database: DaybookDatabase) {
  return (await database.children.toArray()).filter((child) => !child.deleted);
}

async function checkInsKept(database: DaybookDatabase) {
  return (await database.attendance.toArray()).filter((event) => !event.deleted && event.kind === 'in').length;
}

describe('tablets that were never enrolled', () => {
  it('register children on their own, enrol into one centre and sync: every child is its own record everywhere', async () => {
    const centreId = await newCentreId(server.store, 'Never enrolled');
    const [a, b] = [await fresh('a'), await fresh('b')];
    // Each tablet's own secure dice, as in the field.
    for (let i = 0; i < 6; i++) {
      await createRepositories(a).registerAndCheckIn(null, girl, NOON + i * MINUTE);
      await createRepositories(b).registerAndCheckIn(null, boy, NOON + i * MINUTE);
    }
    await enrolInto(server, centreId, a, 'lead');
    await enrolInto(server, centreId, b, 'volunteer');
    await syncAll(server, [a, b]);

    const state = await serverState(server.store, centreId);
    const children = Object.keys(state).filter((key) => key.startsWith('children/'));
    expect(children).toHaveLength(12);
    for (const tablet of [a, b]) {
      expect(await tabletState(tablet)).toEqual(state);
      expect(await loadCodeClashes(tablet)).toEqual([]);
      expect(await loadPresentChildren(tablet, DAY)).toHaveLength(12);
    }
  });

  it('that drew the same series are shown the clash, and the lead’s new code keeps every visit', async () => {
    const centreId = await newCentreId(server.store, 'Same series');
    const [a, b] = [await fresh('a'), await fresh('b')];
    const dice = [0.3, 0.3, 0.1];
    const onA = await createRepositories(a).registerAndCheckIn(null, girl, NOON, loaded(...dice));
    const onB = await createRepositories(b).registerAndCheckIn(null, boy, NOON + MINUTE, loaded(...dice));
    // The forced collision: one code, two different children.
    expect(onA.child.code).toBe(onB.child.code);
    await createRepositories(b).checkOut(onB.child.id, NOON + 30 * MINUTE);
    await enrolInto(server, centreId, a, 'lead');
    await enrolInto(server, centreId, b, 'volunteer');
    await syncAll(server, [a, b]);

    const [clash] = await loadCodeClashes(a);
    expect(clash?.registrations.map((r) => [r.gender, r.visits])).toEqual([
      ['girl', 1],
      ['boy', 1],
    ]);
    expect(await loadCodeClashes(b)).toHaveLength(1);
    const given = await createRepositories(a).giveNewCode(clash!.registrations[1]!.id, NOON + 60 * MINUTE);
    await syncAll(server, [a, b]);

    const state = await serverState(server.store, centreId);
    for (const tablet of [a, b]) {
      expect(await tabletState(tablet)).toEqual(state);
      expect(await loadCodeClashes(tablet)).toEqual([]);
      expect((await activeChildren(tablet)).map((child) => [child.code, child.gender]).sort()).toEqual(
        [
          [onA.child.code, 'girl'],
          [given.code, 'boy'],
        ].sort(),
      );
      // Two visits, as two children made them: none lost, none merged.
      expect(await checkInsKept(tablet)).toBe(2);
      expect((await loadPresentChildren(tablet, DAY)).map((entry) => entry.child.code)).toEqual([onA.child.code]);
    }
  });

  it('keep what they set as their own lead only if they enrol as a lead: a volunteer’s goes back to the centre’s', async () => {
    const centreId = await newCentreId(server.store, 'Authority');
    const [lead, volunteer] = [await fresh('lead'), await fresh('volunteer')];
    await enrolInto(server, centreId, lead, 'lead');
    await createRepositories(lead).saveSetting('ratioLimits', { maxChildrenPerVolunteer: 6, requireVolunteerWhenChildrenPresent: true }, NOON);
    await syncAll(server, [lead]);
    // On its own, this tablet set the limit to 20 and closed today; then it enrolled as a volunteer's.
    await createRepositories(volunteer).saveSetting('ratioLimits', { maxChildrenPerVolunteer: 20, requireVolunteerWhenChildrenPresent: false }, NOON + MINUTE);
    const sam = await createRepositories(volunteer).addVolunteer('Sam', NOON + MINUTE);
    await createRepositories(volunteer).closeDay({ day: DAY, checkOutAt: NOON + 2 * MINUTE, closedBy: sam.id }, NOON + 2 * MINUTE);
    await enrolInto(server, centreId, volunteer, 'volunteer');
    await syncAll(server, [lead, volunteer]);

    const state = await serverState(server.store, centreId);
    expect(state['settings/ratioLimits']).toMatchObject({ value: { maxChildrenPerVolunteer: 6 } });
    expect(state[`dayCloses/day-${DAY}`]).toBeUndefined();
    for (const tablet of [lead, volunteer]) {
      expect(await tabletState(tablet)).toEqual(state);
      expect((await loadSettings(tablet)).ratioLimits.maxChildrenPerVolunteer).toBe(6);
      expect(await loadDayClose(tablet, DAY)).toBeUndefined();
    }
    // The volunteer is still there: only the lead-only writes were refused.
    expect(state[`volunteers/${sam.id}`]).toMatchObject({ displayName: 'Sam' });
    expect((await volunteer.rejections.toArray()).map((rejection) => rejection.code).sort()).toEqual(['LEAD_ONLY', 'LEAD_ONLY']);
  });
});

describe('closing the day across tablets', () => {
  it('leaves nobody on duty and no session running everywhere, and lists a check-in that arrives later', async () => {
    const centreId = await newCentreId(server.store, 'Closing');
    const [lead, other] = [await fresh('lead'), await fresh('other')];
    await enrolInto(server, centreId, lead, 'lead');
    await enrolInto(server, centreId, other, 'volunteer');
    const leadActions = createRepositories(lead);
    const amira = await leadActions.addVolunteer('Amira', NOON - 120 * MINUTE);
    await leadActions.signOn(amira.id, NOON - 120 * MINUTE);
    const child = await leadActions.registerAndCheckIn(null, girl, NOON - 60 * MINUTE);
    const art = await leadActions.startSession({ activity: 'art' }, NOON - 50 * MINUTE);
    await leadActions.addParticipants(art.id, [child.child.id], NOON - 49 * MINUTE);
    await syncAll(server, [lead, other]);

    // The other tablet goes offline and checks a new child in; the lead closes the day meanwhile.
    const late = await createRepositories(other).registerAndCheckIn(null, boy, NOON + 10 * MINUTE);
    await leadActions.closeDay({ day: DAY, checkOutAt: NOON + 20 * MINUTE, closedBy: amira.id }, NOON + 25 * MINUTE);
    await syncAll(server, [lead, other]);

    for (const tablet of [lead, other]) {
      expect(await loadOnDuty(tablet, DAY)).toEqual([]);
      const sessions = (await tablet.sessions.toArray()).filter((session) => !session.deleted);
      expect(sessions.every((session) => session.endedAt !== null)).toBe(true);
    }
    // Kept, never refused: the late child is still in, and the lead is told.
    expect((await loadPresentChildren(lead, DAY)).map((entry) => entry.child.id)).toEqual([late.child.id]);
    const arrivals = await loadLateArrivals(lead, DAY);
    expect(arrivals).toEqual([expect.objectContaining({ kind: 'check-in', code: late.child.code })]);
  });
});

describe('property: tablets that start on their own never merge two children silently', () => {
  it(`holds over ${RUNS} random histories`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // A small space of dice, so that tablets often draw the same local series and start.
            dice: fc.array(fc.constantFrom(0.05, 0.95), { minLength: 3, maxLength: 3 }),
            before: fc.array(fc.boolean(), { maxLength: 4 }),
            after: fc.array(fc.boolean(), { maxLength: 3 }),
          }),
          { minLength: 2, maxLength: 3 },
        ),
        async (plans) => {
          const centreId = await newCentreId(server.store, 'Property');
          const tablets = await Promise.all(plans.map((_, i) => fresh(`p${i}`)));
          const registered: { tablet: number; gender: string }[] = [];
          const register = async (i: number, asBoy: boolean, minute: number) => {
            await createRepositories(tablets[i]!).registerAndCheckIn(null, asBoy ? boy : girl, NOON + minute * MINUTE, loaded(...plans[i]!.dice));
            registered.push({ tablet: i, gender: asBoy ? 'boy' : 'girl' });
          };
          for (const [i, plan] of plans.entries()) for (const [k, asBoy] of plan.before.entries()) await register(i, asBoy, k);
          for (const [i, tablet] of tablets.entries()) await enrolInto(server, centreId, tablet, i === 0 ? 'lead' : 'volunteer');
          for (const [i, plan] of plans.entries()) for (const [k, asBoy] of plan.after.entries()) await register(i, asBoy, 10 + k);
          await syncAll(server, tablets);

          const state = await serverState(server.store, centreId);
          for (const tablet of tablets) expect(await tabletState(tablet)).toEqual(state);
          // Nothing lost: every registration and every check-in reached the server.
          const rows = Object.entries(state);
          expect(rows.filter(([key, fields]) => key.startsWith('registrations/') && !fields.deleted)).toHaveLength(registered.length);
          expect(rows.filter(([key, fields]) => key.startsWith('attendance/') && !fields.deleted)).toHaveLength(registered.length);
          // Nothing merged silently: every code two tablets issued (to two new children) is a
          // clash the lead sees, on every tablet; codes issued after enrolment never clash.
          const issuedTo = new Map<string, number>();
          for (const [key, fields] of rows) {
            if (key.startsWith('registrations/') && fields.issued === true) issuedTo.set(String(fields.childId), (issuedTo.get(String(fields.childId)) ?? 0) + 1);
          }
          const mixed = [...issuedTo].filter(([, n]) => n > 1).map(([childId]) => childId).sort();
          for (const tablet of tablets) expect((await loadCodeClashes(tablet)).map((clash) => clash.childId).sort()).toEqual(mixed);
          expect(rows.filter(([key, fields]) => key.startsWith('children/') && !fields.deleted)).toHaveLength(registered.length - mixed.reduce((n, id) => n + issuedTo.get(id)! - 1, 0));
          // Only tablets that drew the same series can share a code.
          const series = plans.map((plan) => plan.dice.slice(0, 2).join());
          if (new Set(series).size === series.length) expect(mixed).toEqual([]);
          await Promise.all(tablets.map((tablet) => tablet.delete()));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
