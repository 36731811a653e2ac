import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatCodeForReading, issueCode } from '../../../shared/codes';
import { centreDay } from '../../../shared/dates';
import { dayCloseId, participationId } from '../../../shared/ids';
import { checkIn } from '../../db/repositories/attendance';
import { registerChild } from '../../db/repositories/children';
import { db } from '../../db/db';
import { enrolAs } from '../../db/testing';
import { addParticipants, startSession } from '../../db/repositories/sessions';
import { writeRecord } from '../../db/core/write';
import { I18nProvider } from '../../i18n/i18n';
import { SessionsScreen } from './sessions-screen';

const profile = { ageBand: '6-8', gender: 'boy', languages: [] } as const;

function renderSessions() {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      {/* The app shell puts every screen in <main>. */}
      <main>
        <SessionsScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

/** Registers and checks in a child now; returns its id and its code as a tile shows it. */
async function presentChild(serial: number): Promise<{ id: string; code: string }> {
  const code = issueCode('K', serial);
  const { child } = await registerChild(db, code, profile);
  await checkIn(db, child.id);
  return { id: child.id, code: formatCodeForReading(code) };
}

/** The children in the session now: taking part and not left. */
const liveIn = async (sessionId: string) =>
  (await db.participations.where('sessionId').equals(sessionId).toArray()).filter((p) => !p.deleted && p.leftAt == null).map((p) => p.childId);

const participants = () => screen.findByRole('list', { name: 'Children in this session' });
const notice = () => screen.getByRole('status');

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe('Sessions: starting one', () => {
  it('starts a session with one tap on its activity, with a place; Undo takes it back', async () => {
    const user = renderSessions();
    expect(await screen.findByText('No sessions yet today.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start a session' }));
    await user.type(screen.getByRole('textbox', { name: 'Place (optional, no names)' }), 'Big tent');
    await user.click(screen.getByRole('button', { name: 'Start Football' }));

    expect(await within(notice()).findByText('Football started')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 2, name: 'Football' })).toHaveFocus();
    expect(screen.getByText('Big tent')).toBeInTheDocument();
    expect(screen.getByText('0 children')).toBeInTheDocument();
    const [session] = await db.sessions.toArray();
    expect(session).toMatchObject({ activity: 'football', place: 'Big tent', endedAt: null, deleted: false });

    await user.click(within(notice()).getByRole('button', { name: 'Undo' }));
    expect(await within(notice()).findByText('Undone')).toBeInTheDocument();
    expect(await screen.findByText('No sessions yet today.')).toBeInTheDocument();
    expect((await db.sessions.get(session!.id))?.deleted).toBe(true);
  });

  it('lists today’s sessions, running first, with place, start time, headcount and state', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art', place: 'Yard' });
    await addParticipants(db, art.id, [a.id]);
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'End session' }));
    expect(await within(notice()).findByText('Art ended')).toBeInTheDocument();
    await startSession(db, { activity: 'music' });
    await user.click(await screen.findByRole('button', { name: 'All sessions' }));
    await screen.findByRole('button', { name: /^Music/ });

    const tiles = within(screen.getByRole('region', { name: "Today's sessions" })).getAllByRole('button');
    expect(tiles.map((tile) => tile.textContent)).toEqual([
      expect.stringMatching(/^Music0 childrenStarted \d\d:\d\d · Running$/),
      expect.stringMatching(/^ArtYard1 childStarted \d\d:\d\d · Ended \d\d:\d\d$/),
    ]);
  });
});

describe('Sessions: who takes part', () => {
  it('adds several children at once from those present; Undo takes them all out', async () => {
    const [a, b] = [await presentChild(4100), await presentChild(4101)];
    await presentChild(4102);
    const art = await startSession(db, { activity: 'art' });
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    await user.click(await screen.findByRole('checkbox', { name: a.code }));
    await user.click(screen.getByRole('checkbox', { name: b.code }));
    await user.click(screen.getByRole('button', { name: 'Add 2 children' }));

    expect(await within(notice()).findByText('2 children added to Art')).toBeInTheDocument();
    expect(await within(await participants()).findByRole('button', { name: `Take out ${a.code}` })).toBeInTheDocument();
    expect(within(await participants()).getByRole('button', { name: `Take out ${b.code}` })).toBeInTheDocument();
    expect(screen.getByText('2 children')).toBeInTheDocument();
    expect((await liveIn(art.id)).sort()).toEqual([a.id, b.id].sort());

    await user.click(within(notice()).getByRole('button', { name: 'Undo' }));
    expect(await within(notice()).findByText('Undone')).toBeInTheDocument();
    expect(await screen.findByText('No children in this session yet.')).toBeInTheDocument();
    expect(await liveIn(art.id)).toEqual([]);
  });

  it('reads a double tap on Add as one add: one participation, and Undo takes it back whole', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art' });
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    await user.click(await screen.findByRole('checkbox', { name: a.code }));
    await user.dblClick(screen.getByRole('button', { name: 'Add 1 child' }));
    expect(await within(notice()).findByText(`${a.code} added to Art`)).toBeInTheDocument();
    expect(await db.participations.count()).toBe(1);
    expect((await db.outbox.toArray()).filter((op) => op.table === 'participations')).toHaveLength(1);
    await user.click(within(notice()).getByRole('button', { name: 'Undo' }));
    expect(await within(notice()).findByText('Undone')).toBeInTheDocument();
    expect(await liveIn(art.id)).toEqual([]);
  });

  it('asks for a child when Add is tapped with none chosen, and stores nothing', async () => {
    await presentChild(4100);
    await startSession(db, { activity: 'art' });
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    await screen.findByRole('group', { name: 'Children here now' });
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    expect(screen.getByText('Choose at least one child.')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Children here now' })).toHaveAccessibleDescription(expect.stringContaining('Choose at least one child.'));
    expect(await db.participations.count()).toBe(0);
  });

  it('takes a child out with one tap on their tile; Undo puts them back', async () => {
    const [a, b] = [await presentChild(4100), await presentChild(4101)];
    const art = await startSession(db, { activity: 'art' });
    await addParticipants(db, art.id, [a.id, b.id]);
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(await within(await participants()).findByRole('button', { name: `Take out ${a.code}` }));

    expect(await within(notice()).findByText(`${a.code} taken out of Art`)).toBeInTheDocument();
    expect(await screen.findByText('1 child')).toBeInTheDocument();
    expect(await liveIn(art.id)).toEqual([b.id]);

    await user.click(within(notice()).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('2 children')).toBeInTheDocument();
    expect((await liveIn(art.id)).sort()).toEqual([a.id, b.id].sort());
  });

  it('moves a child from another running session with one Add, marked beforehand; Undo moves them back', async () => {
    const a = await presentChild(4100);
    const football = await startSession(db, { activity: 'football' });
    const art = await startSession(db, { activity: 'art' });
    await addParticipants(db, football.id, [a.id]);
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    const tile = await screen.findByRole('checkbox', { name: `${a.code} in Football` });
    await user.click(tile);
    await user.click(screen.getByRole('button', { name: 'Add 1 child' }));

    expect(await within(notice()).findByText(`${a.code} moved to Art`)).toBeInTheDocument();
    expect(await liveIn(art.id)).toEqual([a.id]);
    expect(await liveIn(football.id)).toEqual([]);
    // They left football but took part in it: the summary still counts them there.
    expect(await db.participations.get(participationId(football.id, a.id))).toMatchObject({ deleted: false, leftAt: expect.any(Number) as number });

    await user.click(within(notice()).getByRole('button', { name: 'Undo' }));
    expect(await within(notice()).findByText('Undone')).toBeInTheDocument();
    expect(await liveIn(art.id)).toEqual([]);
    expect(await liveIn(football.id)).toEqual([a.id]);
  });

  it('offers only children not already in this session', async () => {
    const [a, b] = [await presentChild(4100), await presentChild(4101)];
    const art = await startSession(db, { activity: 'art' });
    await addParticipants(db, art.id, [a.id]);
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    const group = await screen.findByRole('group', { name: 'Children here now' });
    expect(within(group).getAllByRole('checkbox').map((box) => box.closest('label')?.textContent?.trim())).toEqual([b.code]);
  });
});

describe('Sessions: ending one', () => {
  it('ends a session, keeping who took part; Undo makes it run again', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art' });
    await addParticipants(db, art.id, [a.id]);
    const user = renderSessions();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await user.click(screen.getByRole('button', { name: 'End session' }));

    expect(await within(notice()).findByText('Art ended')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Children who took part' })).toBeInTheDocument();
    expect(screen.getByText(/Ended \d\d:\d\d/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add children' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Take out/ })).not.toBeInTheDocument();
    expect((await db.sessions.get(art.id))?.endedAt).toEqual(expect.any(Number));

    await user.click(within(notice()).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('button', { name: 'Add children' })).toBeInTheDocument();
    expect((await db.sessions.get(art.id))?.endedAt).toBeNull();
  });
});

describe('Sessions: a closed day', () => {
  async function closeToday() {
    const day = centreDay(Date.now(), 'Europe/Paris');
    await writeRecord(db, 'dayCloses', dayCloseId(day), { day, closedAt: Date.now(), closedBy: 'v1', notes: '', deleted: false }, { create: true });
  }

  it('is read-only for a volunteer: sessions are shown, nothing can be started or changed', async () => {
    const a = await presentChild(4100);
    const art = await startSession(db, { activity: 'art' });
    await addParticipants(db, art.id, [a.id]);
    await closeToday();
    await enrolAs(db, 'volunteer');
    const user = renderSessions();
    expect(await screen.findByText('This day is closed. Only a lead can change it.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start a session' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    expect(await screen.findByText(a.code)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add children' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'End session' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Take out/ })).not.toBeInTheDocument();
  });

  it('stays open to a lead, who is told the day is closed', async () => {
    await presentChild(4100);
    await closeToday();
    await enrolAs(db, 'lead');
    const user = renderSessions();
    expect(await screen.findByText('This day is closed. As a lead you can still correct it.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start a session' }));
    await user.click(screen.getByRole('button', { name: 'Start Art' }));
    expect(await within(notice()).findByText('Art started')).toBeInTheDocument();
  });
});

describe('Sessions in French', () => {
  it('speaks French', async () => {
    const user = userEvent.setup();
    render(
      <I18nProvider language="fr">
        <SessionsScreen />
      </I18nProvider>,
    );
    await user.click(await screen.findByRole('button', { name: 'Lancer une activité' }));
    expect(screen.getByRole('textbox', { name: 'Lieu (facultatif, sans noms)' })).toBeInTheDocument();
  });
});

describe('Sessions: accessibility', () => {
  async function violations(): Promise<string[]> {
    const { default: axe } = await import('axe-core');
    // Colour contrast needs real layout, which jsdom lacks; the e2e axe run in Chromium covers it.
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('has no axe violations in the list, the start view, a session and the add view', async () => {
    const a = await presentChild(4100);
    await presentChild(4101);
    const football = await startSession(db, { activity: 'football' });
    const art = await startSession(db, { activity: 'art', place: 'Yard' });
    await addParticipants(db, art.id, [a.id]);
    await addParticipants(db, football.id, [(await presentChild(4102)).id]);
    const user = renderSessions();
    await screen.findByRole('button', { name: /^Art/ });
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Start a session' }));
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(await screen.findByRole('button', { name: /^Art/ }));
    await within(await participants()).findByRole('button', { name: `Take out ${a.code}` });
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    await screen.findByRole('group', { name: 'Children here now' });
    await user.click(screen.getByRole('button', { name: 'Add children' }));
    await screen.findByText('Choose at least one child.');
    expect(await violations()).toEqual([]);
  });
});
