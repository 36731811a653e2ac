import type { FastifyPluginCallback } from 'fastify';
import { PROTOCOL_VERSION, pullQuery, pullResponse, pushRequest, pushResponse, type PullResponse, type PushResponse } from '../../shared/schema/wire';
import { deviceOf, requireDevice } from '../auth';
import { ApiError } from '../errors';
import { analyseAsRecordsGrow } from '../store/statistics';
import type { Store } from '../store/types';
import { pullPage } from '../sync/pull';
import { pushBatch } from '../sync/push';
import { parseInput } from './parse';

export interface SyncRouteOptions {
  store: Store;
  clock: () => number;
}

/** `POST /sync/push` and `GET /sync/pull` of sync-protocol.md. */
export function syncRoutes({ store, clock }: SyncRouteOptions): FastifyPluginCallback {
  return (app, _options, done) => {
    const onRequest = requireDevice(store, clock);
    const pushed = analyseAsRecordsGrow(store);

    app.post('/sync/push', { onRequest, schema: { response: { 200: pushResponse } } }, async (request): Promise<PushResponse> => {
      // Before the shape: a tablet too old to speak this protocol must be told to update, not
      // that its body is malformed. Its outbox stays as it is.
      if (protocolOf(request.body) < PROTOCOL_VERSION) {
        throw new ApiError(426, 'PROTOCOL_TOO_OLD', `This server speaks sync protocol ${PROTOCOL_VERSION}; update the app, your changes are kept.`);
      }
      const { ops } = parseInput(pushRequest, request.body, 'body');
      const device = deviceOf(request);
      const result = await pushBatch(store, { deviceId: device.id, centreId: device.centreId, ops, now: clock() });
      pushed(ops.length);
      return { ...result, serverTime: clock() };
    });

    app.get('/sync/pull', { onRequest, schema: { response: { 200: pullResponse } } }, async (request): Promise<PullResponse> => {
      const { cursor, limit } = parseInput(pullQuery, request.query, 'query');
      const page = await pullPage(store, { centreId: deviceOf(request).centreId, cursor, limit });
      return { ...page, serverTime: clock() };
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
