import { fromAttendance, fromShifts, presentAt } from '../../../shared/presence';
import type { DaybookDatabase, Stored } from '../core/database';

export type PresentChild = { child: Stored<'children'>; since: number; eventId: string };
export type OnDutyVolunteer = { volunteer: Stored<'volunteers'>; since: number; eventId: string };

/** The children present on `day`, most recent arrival first. */
export async function loadPresentChildren(database: DaybookDatabase, day: string): Promise<PresentChild[]> {
  const events = await database.attendance.where('day').equals(day).toArray();
  const present = presentAt(fromAttendance(events));
  const ids = [...present.keys()];
  const children = await database.children.bulkGet(ids);
  const list: PresentChild[] = [];
  children.forEach((child, index) => {
    const presence = present.get(ids[index]!);
    if (child && !child.deleted && presence) list.push({ child, ...presence });
  });
  return list.sort((a, b) => b.since - a.since || a.child.id.localeCompare(b.child.id));
}

/** The volunteers on duty on `day`, longest on duty first. */
export async function loadOnDuty(database: DaybookDatabase, day: string): Promise<OnDutyVolunteer[]> {
  const events = await database.shifts.where('day').equals(day).toArray();
  const onDuty = presentAt(fromShifts(events));
  const ids = [...onDuty.keys()];
  const volunteers = await database.volunteers.bulkGet(ids);
  const list: OnDutyVolunteer[] = [];
  volunteers.forEach((volunteer, index) => {
    const duty = onDuty.get(ids[index]!);
    if (volunteer && !volunteer.deleted && duty) list.push({ volunteer, ...duty });
  });
  return list.sort((a, b) => a.since - b.since || a.volunteer.id.localeCompare(b.volunteer.id));
}
