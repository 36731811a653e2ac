import { useLiveQuery } from 'dexie-react-hooks';
import { fromAttendance, presentAt } from '../../../shared/presence';
import { db } from '../../db/db';
import type { Stored } from '../../db/database';

export type PresentChild = { child: Stored<'children'>; since: number; eventId: string };

/** The children present on `day`, most recent arrival first; undefined while loading. */
export function usePresentChildren(day: string): PresentChild[] | undefined {
  return useLiveQuery(async () => {
    const events = await db.attendance.where('day').equals(day).toArray();
    const present = presentAt(fromAttendance(events));
    const ids = [...present.keys()];
    const children = await db.children.bulkGet(ids);
    const list: PresentChild[] = [];
    children.forEach((child, index) => {
      const presence = present.get(ids[index]!);
      if (child && !child.deleted && presence) list.push({ child, ...presence });
    });
    return list.sort((a, b) => b.since - a.since || a.child.id.localeCompare(b.child.id));
  }, [day]);
}
