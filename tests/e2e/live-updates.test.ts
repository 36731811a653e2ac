import { describe, expect, it } from 'vitest';
import { createCentre } from '../../src/server/store/accounts';
import { formatCodeForReading, issueCode } from '../../src/shared/codes';
import { newTablet } from './support/harness';
import { browserAndServer } from './support/suite';
import { enrolTablet, registerAndCheckIn } from './support/tablet-steps';

const suite = browserAndServer();

describe('live updates between two online tablets', () => {
  it('shows a check-in made on the desk tablet on the door tablet without anyone touching it', async () => {
    const centre = await createCentre(suite.server.store, { name: 'Grande-Synthe', timeZone: 'Europe/Paris' });
    const desk = await newTablet(suite.browser);
    const door = await newTablet(suite.browser);
    try {
      await enrolTablet(desk.page, suite.server, { centre, name: 'Desk' });
      await enrolTablet(door.page, suite.server, { centre, name: 'Door' });
      // The door tablet has just synced (on enrolling): its next timed sync is a minute away,
      // so only the waiting pull can bring the desk's check-in sooner.
      await door.page.getByText('All changes sent').waitFor({ timeout: 30_000 });
      const code = issueCode('K', 4173);
      await registerAndCheckIn(desk.page, code);
      await desk.page.getByText('All changes sent').waitFor({ timeout: 30_000 });
      // Within seconds, not at the next minute's sync: the tile and the headcount.
      await door.page.locator('.tiles .tile-code', { hasText: formatCodeForReading(code) }).waitFor({ timeout: 15_000 });
      expect(await door.page.getByTestId('children-in').textContent()).toBe('1');
    } finally {
      await desk.context.close();
      await door.context.close();
    }
  });
});
