import { describe, expect, it } from 'vitest';
import { activityName } from './activity-label';

/** The default activities speak the tablet's language until a lead renames them. */
describe('activity names', () => {
  it.each([
    [{ id: 'reading', label: 'Reading' }, 'en', 'Reading'],
    [{ id: 'reading', label: 'Reading' }, 'fr', 'Lecture'],
    [{ id: 'free-play', label: 'Free play' }, 'fr', 'Jeu libre'],
    // Renamed by a lead: shown as typed, in every language.
    [{ id: 'reading', label: 'Story time' }, 'fr', 'Story time'],
    [{ id: 'art', label: 'Dessin' }, 'en', 'Dessin'],
    // A type the lead added: its own name.
    [{ id: 'chess', label: 'Chess' }, 'fr', 'Chess'],
  ] as const)('%o in %s: %s', (type, language, shown) => {
    expect(activityName(type, language)).toBe(shown);
  });
});
