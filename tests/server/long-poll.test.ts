import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pullResponse } from '../../src/shared/schema/wire';
import { buildApp } from '../../src/server/app';
import type { Store } from '../../src/server/store';
import { ChangeFeed } from '../../src/server/sync/change-feed';
import { checkIn, databases, enrolDevice, errorCode, newCentre, NOW, postgresDatabases, push, type EnrolledDevice, type TestServer } from './support';

/**
 * The long-poll `wait` of sync-protocol.md's pull: a pull that finds nothing new waits for the
 * centre's next commit and answers as soon as it lands, costs nothing while it waits, and leaves
 * nothing behind when the tablet goes away or the server stops.
 */

/** A server whose change feed the test can look into. */
async function serverWithFeed(store: Store): Promise<TestServer & { feed: ChangeFeed }> {
  const feed = new ChangeFeed();
  const app = await buildApp({ store, version: 'test', clock: () => NOW, changeFeed: feed });
  return { app, store, feed, now: () => NOW, setNow: () => undefined, close: () => app.close() };
}

function waitingPull(server: TestServer, device: EnrolledDevice, cursor: number, wait: number) {
  return server.app.inject({ method: 'GET', url: `/api/v1/sync/pull?cursor=${cursor}&wait=${wait}`, headers: device.headers });
}

describe.each(databases)('the long-poll on $name', (database) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let server: TestServer & { feed: ChangeFeed };
  beforeAll(async () => {
    ({ store, dispose } = await database.open());
    server = await serverWithFeed(store);
  });
  afterAll(async () => {
    await server.close();
    await dispose();
  });

  async function centre() {
    const { id } = await newCentre(store);
    return { centreId: id, desk: await enrolDevice(server, id), door: await enrolDevice(server, id) };
  }

  it('answers at once when there are changes already, as a pull without wait', async () => {
    const { desk, door } = await centre();
    await push(server, desk, [checkIn(1, 'visit-1')]);
    const response = await waitingPull(server, door, 0, 30);
    expect(response.statusCode).toBe(200);
    expect(pullResponse.parse(response.json()).changes.map((change) => change.id)).toEqual(['visit-1']);
    expect(server.feed.size).toBe(0);
  });

  it('waits with nothing new, and answers within a second of another tablet’s commit with the change', async () => {
    const { desk, door } = await centre();
    await push(server, desk, [checkIn(1, 'visit-1')]);
    const answered = waitingPull(server, door, 1, 20).then((response) => ({ response, at: performance.now() }));
    // Waiting: in the queue, and nothing answered yet.
    await vi.waitFor(() => expect(server.feed.size).toBe(1), { timeout: 10_000 });
    await push(server, desk, [checkIn(2, 'visit-2')]);
    const committed = performance.now();
    const { response, at } = await answered;
    const page = pullResponse.parse(response.json());
    expect(page.changes.map((change) => change.id)).toEqual(['visit-2']);
    expect(page.hasMore).toBe(false);
    expect(at - committed, 'ms from the commit to the answer').toBeLessThan(1000);
    expect(server.feed.size).toBe(0);
  });

  it('is not woken by another centre’s changes, and answers an empty page when the wait is over', async () => {
    const { door } = await centre();
    const other = await centre();
    const answered = waitingPull(server, door, 0, 1);
    await vi.waitFor(() => expect(server.feed.size).toBe(1), { timeout: 10_000 });
    await push(server, other.desk, [checkIn(1, 'visit-elsewhere')]);
    const page = pullResponse.parse((await answered).json());
    expect(page).toMatchObject({ changes: [], nextCursor: 0, hasMore: false });
    expect(server.feed.size).toBe(0);
  });

  it('refuses a wait outside 0 to 30 seconds', async () => {
    const { door } = await centre();
    for (const wait of ['31', '-1', '1.5', 'soon']) {
      const response = await server.app.inject({ method: 'GET', url: `/api/v1/sync/pull?cursor=0&wait=${wait}`, headers: door.headers });
      expect(response.statusCode, wait).toBe(400);
      expect(errorCode(response)).toBe('BAD_REQUEST');
    }
  });

  it('leaves nothing waiting when the tablet goes away mid-wait', async () => {
    const { door } = await centre();
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = server.app.server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const going = new AbortController();
      const request = fetch(`http://127.0.0.1:${address.port}/api/v1/sync/pull?cursor=0&wait=30`, { headers: door.headers, signal: going.signal }).catch((error: unknown) => error);
      await vi.waitFor(() => expect(server.feed.size).toBe(1), { timeout: 10_000 });
      going.abort();
      expect(await request).toBeInstanceOf(Error);
      await vi.waitFor(() => expect(server.feed.size).toBe(0), { timeout: 10_000 });
    } finally {
      // Listening was this test's only: the others inject.
      await server.close();
      server = await serverWithFeed(store);
    }
  });

  it('answers every waiting pull when the server stops, without holding the stop up', async () => {
    const stopping = await serverWithFeed(store);
    const { id } = await newCentre(store);
    const door = await enrolDevice(stopping, id);
    const answered = waitingPull(stopping, door, 0, 30);
    await vi.waitFor(() => expect(stopping.feed.size).toBe(1), { timeout: 10_000 });
    const started = performance.now();
    await stopping.close();
    const response = await answered;
    expect(response.statusCode).toBe(200);
    expect(pullResponse.parse(response.json()).changes).toEqual([]);
    expect(performance.now() - started, 'ms the stop took').toBeLessThan(10_000);
    expect(stopping.feed.size).toBe(0);
  });
});

describe.each(postgresDatabases)('the long-poll across two server processes on one $name database', (database) => {
  it('wakes a tablet waiting on one server when another tablet pushes to the other', async () => {
    const { store, dispose } = await database.open();
    // Two apps, each with a feed of its own and its own LISTEN connection: as two processes.
    const first = await serverWithFeed(store);
    const second = await serverWithFeed(store);
    try {
      const { id } = await newCentre(store);
      const door = await enrolDevice(first, id);
      const desk = await enrolDevice(second, id);
      const answered = waitingPull(first, door, 0, 20).then((response) => ({ response, at: performance.now() }));
      await vi.waitFor(() => expect(first.feed.size).toBe(1), { timeout: 10_000 });
      await push(second, desk, [checkIn(1, 'visit-1')]);
      const committed = performance.now();
      const { response, at } = await answered;
      expect(pullResponse.parse(response.json()).changes.map((change) => change.id)).toEqual(['visit-1']);
      expect(at - committed, 'ms from the commit on the other server to the answer').toBeLessThan(1000);
    } finally {
      await first.close();
      await second.close();
      await dispose();
    }
  });
});
