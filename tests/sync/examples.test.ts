import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRecord } from '../../src/client/db/write';
import { injectTransport, newCentreId, newTablet, serverState, startInProcessServer, tabletState, type Tablet } from './support';

let server: Awaited<ReturnType<typeof startInProcessServer>>;

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await server?.close();
});

async function syncAll(tablets: Tablet[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const tablet of tablets) await tablet.engine(injectTransport(server.app)).syncOnce();
}

describe('sync, case by case', () => {
  it('a delete from one tablet sticks when another tablet later edits a field of a record it has not seen', async () => {
    const centreId = await newCentreId(server.store, 'Deletes stick');
    const [a, b] = [await newTablet(server, centreId, 'ds-a'), await newTablet(server, centreId, 'ds-b')];
    try {
      await writeRecord('volunteers', 'v1', { displayName: 'Amira', active: true }, { create: true, database: b.database });
      await b.engine(injectTransport(server.app)).syncOnce();
      await writeRecord('volunteers', 'v1', { deleted: true }, { database: b.database });
      await b.engine(injectTransport(server.app)).syncOnce();
      // Tablet A has never pulled v1; it edits one field of it, later than the delete.
      await writeRecord('volunteers', 'v1', { active: false }, { database: a.database });
      await syncAll([a, b]);
      const onServer = await serverState(server.store, centreId);
      expect(onServer['volunteers/v1']).toMatchObject({ deleted: true, active: false, displayName: 'Amira' });
      expect(await tabletState(a.database)).toEqual(onServer);
      expect(await tabletState(b.database)).toEqual(onServer);
    } finally {
      await a.database.delete();
      await b.database.delete();
    }
  });
});
