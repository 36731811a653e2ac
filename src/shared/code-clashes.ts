/**
 * Two children under one code (product.md, Codes). A child's record id comes from its code, so
 * two children registered under one code on two tablets (a card typed wrong, a tablet restored
 * from an old backup, two fresh tablets drawing the same local series) merge into one record,
 * field by field. Each registration is also a row of its own (`registrations`), immutable like
 * a check-in, so every replica can see that it happened: registrations of one child that
 * disagree on age band or gender are a clash, which the lead answers. Pure: the tablet and any
 * other replica decide the same from the same rows.
 */

/** A registration as these rules read it; `registeredHlc` is the clock of the write that made it. */
export type RegistrationFacts = {
  id: string;
  childId: string;
  code: string;
  ageBand: string;
  gender: string;
  at: number;
  /** The registering tablet issued the code for a new child (not a code typed from a card). */
  issued: boolean;
  resolution: 'same-child' | 'new-code' | null;
  deleted: boolean;
  registeredHlc: string;
};

export type CodeClash<R extends RegistrationFacts = RegistrationFacts> = {
  childId: string;
  code: string;
  /** The registrations the lead has not answered yet, oldest first: at least two, not all alike. */
  registrations: R[];
};

/** Same age band and gender: the same child registered twice, which one record rightly is. */
export function sameProfile(a: Pick<RegistrationFacts, 'ageBand' | 'gender'>, b: Pick<RegistrationFacts, 'ageBand' | 'gender'>): boolean {
  return a.ageBand === b.ageBand && a.gender === b.gender;
}

/**
 * The codes that name two children: per child, the registrations nobody has answered (not
 * deleted, not resolved) that do not all agree on age band and gender, or of which two issued
 * the code (a tablet issues a code only for a new child, so two issues are two children however
 * alike). Languages are left out: a volunteer ticking one more language is no second child.
 */
export function findCodeClashes<R extends RegistrationFacts>(registrations: readonly R[]): CodeClash<R>[] {
  const open = new Map<string, R[]>();
  for (const registration of registrations) {
    if (registration.deleted || registration.resolution !== null) continue;
    const list = open.get(registration.childId) ?? [];
    list.push(registration);
    open.set(registration.childId, list);
  }
  const clashes: CodeClash<R>[] = [];
  for (const [childId, list] of open) {
    const issuedTwice = list.filter((registration) => registration.issued).length >= 2;
    if (!issuedTwice && list.every((registration) => sameProfile(registration, list[0]!))) continue;
    const sorted = [...list].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    clashes.push({ childId, code: sorted[0]!.code, registrations: sorted });
  }
  return clashes.sort((a, b) => a.code.localeCompare(b.code));
}

/** The 16 hex digits of the device that wrote an HLC (`<ms>-<counter>-<node>`). */
export function writerOf(hlc: string): string {
  return hlc.slice(hlc.lastIndexOf('-') + 1);
}

/** An attendance event or participation of a child, with the clock of the write that made it. */
export type ChildRecordFacts = { id: string; childId: string; deleted: boolean; createdHlc: string };

/**
 * Which of a child's records go with a registration the lead gave a new code: those written by
 * the tablet that made that registration, after it (a child cannot visit before being
 * registered), and before the lead's answer (a tap on that tablet after it heard the answer was
 * made for the child who kept the code). Events of other tablets stay: their child is the one
 * they knew. HLC strings sort in clock order, and one tablet's clock only moves forward.
 */
export function recordsThatMove<R extends ChildRecordFacts>(
  move: { childId: string; registeredHlc: string; resolvedHlc: string },
  records: readonly R[],
): R[] {
  const writer = writerOf(move.registeredHlc);
  return records.filter(
    (record) =>
      record.childId === move.childId &&
      !record.deleted &&
      writerOf(record.createdHlc) === writer &&
      record.createdHlc > move.registeredHlc &&
      record.createdHlc < move.resolvedHlc,
  );
}

/** An attendance event as the move reads it: its kind and time besides who made it. */
export type AttendanceFacts = ChildRecordFacts & { kind: 'in' | 'out'; at: number };

/**
 * The attendance events that move. Under one merged record two children's events interleave:
 * the registering tablet's (recordsThatMove: they move) and everyone else's (they stay). A
 * check-out another tablet made (or the lead's close) belongs to the child it can have ended:
 * the one who stays when they were in, else the one who moves when they were in, so a visit
 * begun on the registering tablet and ended elsewhere moves whole. With both in, it is taken
 * for the child who stays: the tablet that tapped it knew only that one. Events are read in the
 * presence rule's order (product.md: by `at`, then by `id`).
 */
export function visitEventsThatMove<E extends AttendanceFacts>(move: { childId: string; registeredHlc: string; resolvedHlc: string }, events: readonly E[]): E[] {
  const ofChild = events.filter((event) => event.childId === move.childId && !event.deleted).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const theirs = new Set(recordsThatMove(move, ofChild).map((event) => event.id));
  const moving: E[] = [];
  let movingIn = false;
  let stayingIn = false;
  for (const event of ofChild) {
    if (theirs.has(event.id)) {
      moving.push(event);
      movingIn = event.kind === 'in';
    } else if (event.kind === 'in') {
      stayingIn = true;
    } else if (stayingIn) {
      stayingIn = false;
    } else if (movingIn) {
      moving.push(event);
      movingIn = false;
    }
  }
  return moving;
}

/** 32-bit FNV-1a of `text`, from `seed`: small, and the same on every replica. */
function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The id of an attendance event moved to another child: derived from the original and the child
 * it moves to, so two tablets moving the same event write the same record, not two visits.
 * 64 bits of hash keep it short enough to move again (ids are at most 64 characters).
 */
export function movedEventId(originalId: string, toChildId: string): string {
  const key = `${originalId}>${toChildId}`;
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `moved-${hex(fnv1a(key, 0x811c9dc5))}${hex(fnv1a(key, 0x01234567))}`;
}
