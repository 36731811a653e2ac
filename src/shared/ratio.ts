import type { CentreSettings } from './schema';

export type RatioLimits = CentreSettings['ratioLimits'];

/**
 * How safe the room is at one moment (product.md: ratio = children present / volunteers on
 * duty; default at most 8 children per volunteer, and never children with no volunteer).
 * - `empty`: no children present;
 * - `ok`: within the limits;
 * - `over-limit`: more children than the volunteers on duty may look after;
 * - `no-volunteer`: children present and nobody on duty (when the centre forbids it).
 */
export type RatioState = 'empty' | 'ok' | 'over-limit' | 'no-volunteer';

export type RatioStatus = {
  state: RatioState;
  children: number;
  volunteers: number;
  /** Children per volunteer, one decimal; null with no volunteer on duty. */
  childrenPerVolunteer: number | null;
  /** How many children the volunteers on duty may look after. */
  capacity: number;
};

export function ratioStatus(children: number, volunteers: number, limits: RatioLimits): RatioStatus {
  const capacity = volunteers * limits.maxChildrenPerVolunteer;
  const childrenPerVolunteer = volunteers > 0 ? Math.round((children / volunteers) * 10) / 10 : null;
  let state: RatioState;
  if (children === 0) state = 'empty';
  else if (volunteers === 0) state = limits.requireVolunteerWhenChildrenPresent ? 'no-volunteer' : 'ok';
  else state = children > capacity ? 'over-limit' : 'ok';
  return { state, children, volunteers, childrenPerVolunteer, capacity };
}
