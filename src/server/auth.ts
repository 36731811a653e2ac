import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Role } from '../shared/schema/wire';
import { ApiError } from './errors';
import { findDeviceByToken, touchDevice } from './store/accounts';
import type { Store } from './store/types';

/**
 * Bearer tokens (sync-protocol.md): every route but health and enrol needs one, and the centre a
 * request acts on always comes from its token, never from what the request says.
 */

export interface AuthenticatedDevice {
  id: string;
  centreId: string;
  role: Role;
}

/** lastSeenAt is for a lead's list of tablets: to the minute is plenty, and saves a write per request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export const tokenMissing = () => new ApiError(401, 'TOKEN_MISSING', "Send this device's token in an Authorization: Bearer header; enrol the device first.");
export const tokenUnknown = () => new ApiError(401, 'TOKEN_UNKNOWN', 'This device is not enrolled on this server; enrol it again with a new code.');
export const tokenRevoked = () => new ApiError(401, 'TOKEN_REVOKED', 'This device was revoked; enrol it again with a new code.');
export const leadOnly = () => new ApiError(403, 'LEAD_ONLY', 'Only a lead device can do that.');

const BEARER = /^Bearer +([^\s]+) *$/i;

// Set by the onRequest hook below, read by the route's handler.
const devices = new WeakMap<FastifyRequest, AuthenticatedDevice>();

/**
 * An onRequest hook: runs before the body is even read, so a request without a valid token
 * costs no parsing. `role: 'lead'` refuses volunteer tablets with a 403.
 */
export function requireDevice(store: Store, clock: () => number, role?: 'lead'): onRequestAsyncHookHandler {
  return async (request) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) throw tokenMissing();
    const device = await findDeviceByToken(store, token);
    if (!device) throw tokenUnknown();
    if (device.revoked) throw tokenRevoked();
    if (role === 'lead' && device.role !== 'lead') throw leadOnly();
    const now = clock();
    if (device.lastSeenAt === null || now - device.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) await touchDevice(store, device.id, now);
    devices.set(request, { id: device.id, centreId: device.centreId, role: device.role });
  };
}

/** The device a request authenticated as; only for routes that have requireDevice. */
export function deviceOf(request: FastifyRequest): AuthenticatedDevice {
  const device = devices.get(request);
  if (!device) throw new Error(`${request.routeOptions.url ?? 'this route'} has no requireDevice hook`);
  return device;
}
