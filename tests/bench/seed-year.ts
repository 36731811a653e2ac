/**
 * One year of a busy centre, written straight into the tablet's IndexedDB in the page, as a
 * tablet holds it after syncing: 300 open days, about 150 visits a day, 2,000 children, 8
 * sessions and 10 shift events a day, and today half-way through. Rows carry their clock like
 * synced rows do; the outbox stays empty (all of it came from the server).
 *
 * `seedInPage` runs inside the page (page.evaluate), so it must not close over anything.
 */
export type SeedPlan = {
  codes: string[];
  /** Epoch ms of 10:00 local time on each open day, oldest first; the last is today. */
  dayStarts: { day: string; opensAt: number }[];
  node: string;
  now: number;
  /** Children present now, today. */
  presentToday: number;
};

export type SeedCounts = Record<string, number>;

export async function seedInPage(plan: SeedPlan): Promise<SeedCounts> {
  let seed = 20_261_124;
  const random = () => {
    // A fixed-seed generator: every run seeds the same year.
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  let counter = 0;
  const clock = (at: number) => `${String(at).padStart(13, '0')}-${hex(counter++ % 65_536, 4)}-${plan.node}`;
  let idCounter = 0;
  const uuid = (at: number) => {
    idCounter += 1;
    const time = hex(at, 12);
    const rest = hex(idCounter, 20);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${rest.slice(0, 3)}-8${rest.slice(3, 6)}-${rest.slice(6, 18)}`;
  };

  const ageBands = ['0-2', '3-5', '6-8', '9-12', '13-17'];
  const genders = ['girl', 'boy', 'other', 'unspecified'];
  const languages = ['ar', 'ckb', 'kmr', 'fa', 'ps', 'ti'];
  const activities = ['art', 'football', 'music', 'reading', 'games', 'free-play'];
  const rows: Record<string, unknown[]> = { children: [], attendance: [], sessions: [], participations: [], volunteers: [], shifts: [] };
  const first = plan.dayStarts[0]!;

  plan.codes.forEach((code, i) => {
    const registered = plan.dayStarts[Math.floor((i / plan.codes.length) * (plan.dayStarts.length - 1))]!;
    rows.children!.push({
      id: `child-${code}`,
      code,
      ageBand: pick(ageBands),
      gender: pick(genders),
      languages: [pick(languages)],
      registeredOn: registered.day,
      deleted: false,
      _hlc: clock(registered.opensAt),
    });
  });
  const volunteerIds = Array.from({ length: 40 }, (_, i) => uuid(first.opensAt + i));
  volunteerIds.forEach((id, i) => rows.volunteers!.push({ id, displayName: `Volunteer ${i + 1}`, active: true, deleted: false, _hlc: clock(first.opensAt) }));

  const lastIndex = plan.dayStarts.length - 1;
  plan.dayStarts.forEach(({ day, opensAt }, index) => {
    const today = index === lastIndex;
    const visits = today ? plan.presentToday + 20 : 130 + Math.floor(random() * 40);
    const openMs = 8 * 3_600_000;
    const registered = Math.max(50, Math.floor(((index + 1) / plan.dayStarts.length) * plan.codes.length));
    const visitors: string[] = [];
    for (let v = 0; v < visits; v++) {
      const code = plan.codes[Math.floor(random() * registered)]!;
      const childId = `child-${code}`;
      const inAt = today ? opensAt + Math.floor(random() * (plan.now - opensAt)) : opensAt + Math.floor(random() * openMs * 0.8);
      const stillIn = today && v < plan.presentToday;
      const outAt = stillIn ? null : Math.min(inAt + 20 * 60_000 + Math.floor(random() * 3 * 3_600_000), today ? plan.now : opensAt + openMs);
      rows.attendance!.push({ id: uuid(inAt), childId, day, kind: 'in', at: inAt, deleted: false, _hlc: clock(inAt) });
      if (outAt !== null && outAt > inAt) rows.attendance!.push({ id: uuid(outAt), childId, day, kind: 'out', at: outAt, deleted: false, _hlc: clock(outAt) });
      visitors.push(childId);
    }
    for (let s = 0; s < 8; s++) {
      const startedAt = opensAt + s * 3_600_000;
      if (today && startedAt > plan.now) break;
      const id = uuid(startedAt);
      const ended = !(today && startedAt + 3_600_000 > plan.now);
      rows.sessions!.push({ id, day, activity: pick(activities), startedAt, endedAt: ended ? startedAt + 50 * 60_000 : null, deleted: false, _hlc: clock(startedAt) });
      for (let p = 0; p < 10; p++) {
        const childId = pick(visitors);
        rows.participations!.push({ id: `${id}:${childId}`, sessionId: id, childId, deleted: false, _hlc: clock(startedAt) });
      }
    }
    for (let v = 0; v < 5; v++) {
      const volunteerId = volunteerIds[(index * 3 + v) % volunteerIds.length]!;
      const onAt = opensAt - 30 * 60_000 + v * 60_000;
      rows.shifts!.push({ id: uuid(onAt), volunteerId, day, kind: 'on', at: onAt, deleted: false, _hlc: clock(onAt) });
      if (!today) rows.shifts!.push({ id: uuid(onAt + openMs), volunteerId, day, kind: 'off', at: onAt + openMs + 30 * 60_000, deleted: false, _hlc: clock(onAt + openMs) });
    }
  });

  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('daybook');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(String(request.error)));
  });
  const counts: SeedCounts = {};
  const BATCH = 5_000;
  for (const [table, items] of Object.entries(rows)) {
    counts[table] = items.length;
    for (let start = 0; start < items.length; start += BATCH) {
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(table, 'readwrite');
        const store = tx.objectStore(table);
        for (const item of items.slice(start, start + BATCH)) store.put(item);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error(String(tx.error)));
      });
    }
  }
  // Later clocks on this device must come after the seeded ones, as after a real pull.
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('meta', 'readwrite');
    const meta = tx.objectStore('meta');
    const device = meta.get('device');
    device.onsuccess = () => {
      const { node } = device.result as { node: string };
      meta.put({ key: 'clock', hlc: `${String(plan.now).padStart(13, '0')}-0000-${node}` });
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new Error(String(tx.error)));
  });
  db.close();
  return counts;
}
