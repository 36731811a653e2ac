import type { FastifyPluginCallback } from 'fastify';
import { PROTOCOL_VERSION, pullQuery, pullResponse, pushRequest, pushResponse, type PullResponse, type PushResponse } from '../../shared/schema/wire';
import { deviceOf, requireDevice } from '../auth';
import { ApiError } from '../errors';
import { analyseWhenPushesPause } from '../store/statistics';
import type { Store } from '../store/types';
import type { ChangeFeed } from '../sync/change-feed';
import { pullPage } from '../sync/pull';
import { pushBatch } from '../sync/push';
import { parseInput } from './parse';

export interface SyncRouteOptions {
  store: Store;
  clock: () => number;
  /** Where pushes announce their changes and long-polling pulls wait for them. */
  feed: ChangeFeed;
}

/** `POST /sync/push` and `GET /sync/pull` of sync-protocol.md. */
export function syncRoutes({ store, clock, feed }: SyncRouteOptions): FastifyPluginCallback {
  return (app, _options, done) => {
    const onRequest = requireDevice(store, clock);
    const statistics = analyseWhenPushesPause(store);
    app.addHook('onClose', (_instance, closed) => {
      statistics.stop();
      closed();
    });

    app.post('/sync/push', { onRequest, schema: { response: { 200: pushResponse } } }, async (request): Promise<PushResponse> => {
      // Before the shape: a tablet too old to speak this protocol must be told to update, not
      // that its body is malformed. Its outbox stays as it is.
      if (protocolOf(request.body) < PROTOCOL_VERSION) {
        throw new ApiError(426, 'PROTOCOL_TOO_OLD', `This server speaks sync protocol ${PROTOCOL_VERSION}; update the app, your changes are kept.`);
      }
      const { ops } = parseInput(pushRequest, request.body, 'body');
      const device = deviceOf(request);
      const { ackedSeq, rejected, changed } = await pushBatch(store, { deviceId: device.id, centreId: device.centreId, ops, now: clock() });
      statistics.pushed(ops.length);
      // Committed: the centre's waiting pulls read again now.
      if (changed > 0) feed.announce(device.centreId);
      return { ackedSeq, rejected, serverTime: clock() };
    });

    app.get('/sync/pull', { onRequest, schema: { response: { 200: pullResponse } } }, async (request, reply): Promise<PullResponse> => {
      const { cursor, limit, wait } = parseInput(pullQuery, request.query, 'query');
      const { centreId } = deviceOf(request);
      const read = () => pullPage(store, { centreId, cursor, limit });
      if (wait === 0) return { ...(await read()), serverTime: clock() };
      // The long-poll: in the queue before each read, so a commit between the read and the
      // wait still wakes it. Nothing runs while it waits; a tablet that goes away leaves the
      // queue at once (its connection closes), and a closing server answers every waiting pull.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const until = performance.now() + wait * 1000;
      for (;;) {
        const waiter = feed.waiter(centreId);
        const page = await read();
        const left = until - performance.now();
        if (page.changes.length > 0 || left <= 0 || gone.signal.aborted) {
          waiter.cancel();
          return { ...page, serverTime: clock() };
        }
        // A wake whose read finds nothing (a change another transaction still holds back) waits again.
        if (!(await waiter.next(left, gone.signal))) return { ...page, serverTime: clock() };
      }
    });

    done();
  };
}

/** The body's protocol when it states a whole number; +Infinity (not too old) otherwise. */
function protocolOf(body: unknown): number {
  if (typeof body !== 'object' || body === null || !('protocol' in body)) return Infinity;
  const { protocol } = body;
  return typeof protocol === 'number' && Number.isInteger(protocol) ? protocol : Infinity;
}
