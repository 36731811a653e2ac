import { useLiveQuery } from 'dexie-react-hooks';
import { isDayClosed } from '../../db/day-guard';
import { useDeviceRole } from '../../db/device';

export type DayAccess = 'open' | 'closed-lead' | 'read-only';

/**
 * Whether this tablet may change `day`, live: a closed day is read-only except for a lead
 * (product.md). The repositories refuse such writes anyway; this hides the buttons that would fail.
 */
export function useDayAccess(day: string): DayAccess {
  const closed = useLiveQuery(() => isDayClosed(day), [day], false);
  const role = useDeviceRole();
  if (!closed) return 'open';
  return role === 'lead' ? 'closed-lead' : 'read-only';
}
