import { describe, expect, it } from 'vitest';
import { ratioStatus, type RatioState } from './ratio';

const strict = { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: true };
const lenient = { maxChildrenPerVolunteer: 8, requireVolunteerWhenChildrenPresent: false };

describe('ratioStatus', () => {
  it.each<[string, number, number, typeof strict, RatioState, number | null, number]>([
    ['nobody', 0, 0, strict, 'empty', null, 0],
    ['volunteers, no children', 0, 2, strict, 'empty', 0, 16],
    ['children and no volunteer', 3, 0, strict, 'no-volunteer', null, 0],
    ['children and no volunteer, allowed', 3, 0, lenient, 'ok', null, 0],
    ['exactly at the limit', 8, 1, strict, 'ok', 8, 8],
    ['one over the limit', 9, 1, strict, 'over-limit', 9, 8],
    ['two volunteers, 16 children', 16, 2, strict, 'ok', 8, 16],
    ['two volunteers, 17 children', 17, 2, strict, 'over-limit', 8.5, 16],
    ['three volunteers, 10 children', 10, 3, strict, 'ok', 3.3, 24],
  ])('%s', (_case, children, volunteers, limits, state, perVolunteer, capacity) => {
    expect(ratioStatus(children, volunteers, limits)).toEqual({ state, children, volunteers, childrenPerVolunteer: perVolunteer, capacity });
  });
});
