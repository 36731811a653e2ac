import { beforeEach, describe, expect, it } from 'vitest';
import { issueCode } from '../../../shared/codes';
import { centreDay } from '../../../shared/dates';
import { checkIn, checkOut, undoCheckOut } from './attendance';
import { registerChild } from './children';
import { db } from '../db';
import { loadPresentChildren } from './presence';
import { addParticipants, loadSessionsOfDay, startSession } from './sessions';

const NOON = Date.UTC(2026, 10, 24, 11, 0, 0);
const DAY = centreDay(NOON, 'Europe/Paris');
const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;

beforeEach(async () => {
  await db.delete();
  await db.open();
});

async function childInSession() {
  const { child } = await registerChild(db, issueCode('K', 4173), profile, NOON);
  await checkIn(db, child.id, NOON);
  const session = await startSession(db, { activity: 'art' }, NOON + 1000);
  await addParticipants(db, session.id, [child.id], NOON + 2000);
  return { child, session };
}

const headcount = async (sessionId: string) => (await loadSessionsOfDay(db, DAY)).find((view) => view.session.id === sessionId)?.headcount;

describe('checking a child out', () => {
  it('takes them out of their running session in the same transaction', async () => {
    const { child, session } = await childInSession();
    expect(await headcount(session.id)).toBe(1);
    const done = await checkOut(db, child.id, NOON + 60_000);
    expect(done.event).toMatchObject({ kind: 'out', childId: child.id, day: DAY });
    expect(done.sessionChange).not.toBeNull();
    expect(await headcount(session.id)).toBe(0);
    expect(await loadPresentChildren(db, DAY)).toEqual([]);
  });

  it('is undone whole: the child is back in and back in the session', async () => {
    const { child, session } = await childInSession();
    const done = await checkOut(db, child.id, NOON + 60_000);
    await undoCheckOut(db, done, NOON + 61_000);
    expect((await loadPresentChildren(db, DAY)).map((entry) => entry.child.id)).toEqual([child.id]);
    expect(await headcount(session.id)).toBe(1);
  });

  it('of a child in no session changes no session', async () => {
    const { child } = await registerChild(db, issueCode('K', 4174), profile, NOON);
    await checkIn(db, child.id, NOON);
    const done = await checkOut(db, child.id, NOON + 60_000);
    expect(done.sessionChange).toBeNull();
  });
});
