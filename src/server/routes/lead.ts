import type { FastifyPluginCallback } from 'fastify';
import { devicesResponse, enrolmentCodeRequest, enrolmentCodeResponse } from '../../shared/schema/wire';
import { deviceOf, requireDevice } from '../auth';
import { ApiError } from '../errors';
import { listDevices, mintEnrolmentCode, revokeDevice } from '../store/accounts';
import type { Store } from '../store/types';
import { parseInput } from './parse';

export interface LeadRouteOptions {
  store: Store;
  clock: () => number;
}

// Device ids are made by the server (randomUUID); anything else names no device, and must not
// reach PostgreSQL as text (a %00 in the path would).
const DEVICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const noSuchDevice = () => new ApiError(404, 'NOT_FOUND', 'This centre has no device with that id.');

/** The lead endpoints of sync-protocol.md: enrolment codes and the centre's devices. */
export function leadRoutes({ store, clock }: LeadRouteOptions): FastifyPluginCallback {
  return (app, _options, done) => {
    const onRequest = requireDevice(store, clock, 'lead');

    app.post('/enrolment-codes', { onRequest, schema: { response: { 201: enrolmentCodeResponse } } }, async (request, reply) => {
      const { role, uses, ttlHours } = parseInput(enrolmentCodeRequest, request.body, 'body');
      const minted = await mintEnrolmentCode(store, { centreId: deviceOf(request).centreId, role, uses, ttlHours, now: clock() });
      void reply.code(201);
      return minted;
    });

    app.get('/devices', { onRequest, schema: { response: { 200: devicesResponse } } }, async (request) => {
      const devices = await listDevices(store, deviceOf(request).centreId);
      return { devices: devices.map(({ id, name, role, lastSeenAt, revoked }) => ({ id, name, role, lastSeenAt, revoked })) };
    });

    app.delete<{ Params: { id: string } }>('/devices/:id', { onRequest }, async (request, reply) => {
      const { id } = request.params;
      if (!DEVICE_ID.test(id)) throw noSuchDevice();
      const found = await revokeDevice(store, { deviceId: id, centreId: deviceOf(request).centreId, now: clock() });
      if (!found) throw noSuchDevice();
      return reply.code(204).send();
    });

    done();
  };
}
