import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { enrolAs } from '../testing';
import { loadDeviceRole } from './device';

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe("a tablet's role (sync-protocol.md, Authority)", () => {
  it('is a lead while the tablet was never enrolled: it works alone', async () => {
    expect(await loadDeviceRole(db)).toBe('lead');
  });

  it.each(['lead', 'volunteer'] as const)('is %s when it enrolled with a code of that role', async (role) => {
    await enrolAs(db, role);
    expect(await loadDeviceRole(db)).toBe(role);
  });

  it('ignores the role row an older version let Settings write: only enrolment decides', async () => {
    await enrolAs(db, 'volunteer');
    // Version 3 kept a switchable role here; a volunteer tablet could make itself a lead.
    await db.meta.put({ key: 'role', role: 'lead' } as never);
    expect(await loadDeviceRole(db)).toBe('volunteer');
  });

  it('changes only with a new enrolment of the other role', async () => {
    await enrolAs(db, 'volunteer');
    await enrolAs(db, 'lead');
    expect(await loadDeviceRole(db)).toBe('lead');
  });
});
