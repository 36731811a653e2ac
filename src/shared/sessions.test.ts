import { describe, expect, it } from 'vitest';
import {
  runningSessionByChild,
  runningSessionOf,
  sessionState,
  sessionsOfDay,
  type ParticipationInput,
  type SessionInput,
  type SessionState,
} from './sessions';

const running = (id: string, startedAt: number): SessionInput => ({ id, startedAt, endedAt: null, deleted: false });
const ended = (id: string, startedAt: number, endedAt = startedAt + 60): SessionInput => ({ id, startedAt, endedAt, deleted: false });
const gone = (id: string, startedAt: number): SessionInput => ({ id, startedAt, endedAt: null, deleted: true });
const takes = (sessionId: string, childId: string, writtenAt = 'h1', deleted = false): ParticipationInput => ({
  id: `${sessionId}:${childId}`,
  sessionId,
  childId,
  deleted,
  writtenAt,
});

describe('sessionState', () => {
  it.each<[string, SessionInput, SessionState]>([
    ['no end time: running', running('s', 10), 'running'],
    ['an end time: ended', ended('s', 10), 'ended'],
    ['deleted, no end: deleted', gone('s', 10), 'deleted'],
    ['deleted and ended: deleted', { ...ended('s', 10), deleted: true }, 'deleted'],
    ['endedAt not synced yet: running', { id: 's', startedAt: 10 }, 'running'],
    ['deleted not set: not deleted', { id: 's', startedAt: 10, endedAt: 20 }, 'ended'],
  ])('%s', (_case, session, expected) => {
    expect(sessionState(session)).toBe(expected);
  });
});

describe('runningSessionOf (a child is in at most one running session)', () => {
  it.each<[string, SessionInput[], ParticipationInput[], string | null]>([
    ['in no session', [running('s1', 10)], [], null],
    ['in one running session', [running('s1', 10)], [takes('s1', 'c')], 's1'],
    ['removed from it', [running('s1', 10)], [takes('s1', 'c', 'h1', true)], null],
    ['left it (checked out, moved, taken out)', [running('s1', 10)], [{ ...takes('s1', 'c'), leftAt: 30 }], null],
    ['left one, still in the other', [running('s1', 10), running('s2', 20)], [{ ...takes('s1', 'c', 'h2'), leftAt: 30 }, takes('s2', 'c', 'h1')], 's2'],
    ['came back after leaving (leftAt cleared)', [running('s1', 10)], [{ ...takes('s1', 'c'), leftAt: null }], 's1'],
    ['its session ended', [ended('s1', 10)], [takes('s1', 'c')], null],
    ['its session was deleted (start undone)', [gone('s1', 10)], [takes('s1', 'c')], null],
    ['a session of another day (not in the list)', [running('s1', 10)], [takes('s9', 'c')], null],
    ['moved: removed from the first, in the second', [running('s1', 10), running('s2', 20)], [takes('s1', 'c', 'h1', true), takes('s2', 'c', 'h2')], 's2'],
    ['ended first, then joined a second', [ended('s1', 10), running('s2', 20)], [takes('s1', 'c', 'h1'), takes('s2', 'c', 'h2')], 's2'],
    ['two tablets, both running: the later write wins', [running('s1', 10), running('s2', 20)], [takes('s1', 'c', 'h5'), takes('s2', 'c', 'h3')], 's1'],
    ['two tablets, the other way round', [running('s1', 10), running('s2', 20)], [takes('s1', 'c', 'h3'), takes('s2', 'c', 'h5')], 's2'],
    ['same write time: the later-started session', [running('s1', 10), running('s2', 20)], [takes('s1', 'c', 'h5'), takes('s2', 'c', 'h5')], 's2'],
    ['same write time and start: the greater id', [running('sb', 10), running('sa', 10)], [takes('sa', 'c', 'h5'), takes('sb', 'c', 'h5')], 'sb'],
    ['no write time counts as oldest', [running('s1', 10), running('s2', 20)], [{ id: 'p1', sessionId: 's1', childId: 'c', writtenAt: 'h1' }, { id: 'p2', sessionId: 's2', childId: 'c' }], 's1'],
    ['a participation with no child is ignored', [running('s1', 10)], [{ id: 'p', sessionId: 's1' }], null],
    ['another child does not count', [running('s1', 10)], [takes('s1', 'other')], null],
  ])('%s', (_case, sessions, participations, expected) => {
    expect(runningSessionOf('c', sessions, participations)).toBe(expected);
  });

  it('does not depend on the order records arrive in', () => {
    const sessions = [running('s1', 10), running('s2', 20), running('s3', 30)];
    const participations = [takes('s1', 'a', 'h4'), takes('s2', 'a', 'h2'), takes('s3', 'a', 'h4'), takes('s2', 'b', 'h1'), takes('s3', 'b', 'h1')];
    const expected = Object.fromEntries(runningSessionByChild(sessions, participations));
    expect(expected).toEqual({ a: 's3', b: 's3' });
    for (let i = 0; i < 20; i++) {
      const shuffle = <T>(list: T[]) => [...list].sort(() => Math.random() - 0.5);
      expect(Object.fromEntries(runningSessionByChild(shuffle(sessions), shuffle(participations)))).toEqual(expected);
    }
  });
});

const summary = (sessions: SessionInput[], participations: ParticipationInput[]) =>
  sessionsOfDay(sessions, participations).map((s) => `${s.session.id} ${s.state} ${s.headcount} [${s.participantIds.join(',')}]`);

describe('sessionsOfDay', () => {
  it.each<[string, SessionInput[], ParticipationInput[], string[]]>([
    ['no sessions', [], [], []],
    ['one session, nobody yet', [running('s1', 10)], [], ['s1 running 0 []']],
    ['participants ordered by id, headcount', [running('s1', 10)], [takes('s1', 'b'), takes('s1', 'a')], ['s1 running 2 [a,b]']],
    ['a removed child is not counted', [running('s1', 10)], [takes('s1', 'a'), takes('s1', 'b', 'h1', true)], ['s1 running 1 [a]']],
    ['a deleted session is left out', [gone('s1', 10), running('s2', 20)], [takes('s1', 'a')], ['s2 running 0 []']],
    ['running first, then by start', [ended('s1', 10), running('s3', 30), running('s2', 20), ended('s0', 5)], [], ['s2 running 0 []', 's3 running 0 []', 's0 ended 0 []', 's1 ended 0 []']],
    ['same start: by id', [running('sb', 10), running('sa', 10)], [], ['sa running 0 []', 'sb running 0 []']],
    ['an ended session keeps who took part', [ended('s1', 10), running('s2', 20)], [takes('s1', 'a', 'h1'), takes('s2', 'a', 'h2')], ['s2 running 1 [a]', 's1 ended 1 [a]']],
    ['two tablets: the child counts only in the later-written running session', [running('s1', 10), running('s2', 20)], [takes('s1', 'a', 'h5'), takes('s2', 'a', 'h3'), takes('s2', 'b', 'h3')], ['s1 running 1 [a]', 's2 running 1 [b]']],
    ['a participation in another day\'s session changes nothing', [running('s1', 10)], [takes('s9', 'a')], ['s1 running 0 []']],
  ])('%s', (_case, sessions, participations, expected) => {
    expect(summary(sessions, participations)).toEqual(expected);
  });
});

describe('children who left a session', () => {
  it('are not in a running session any more, but count among those who took part once it ends', () => {
    const left = { ...takes('s1', 'c1'), leftAt: 30 };
    expect(sessionsOfDay([running('s1', 10)], [left, takes('s1', 'c2')]).map((view) => view.participantIds)).toEqual([['c2']]);
    expect(sessionsOfDay([ended('s1', 10)], [left, takes('s1', 'c2')]).map((view) => view.participantIds)).toEqual([['c1', 'c2']]);
  });
});
