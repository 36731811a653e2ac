import type { FastifyPluginCallback } from 'fastify';
import { z } from '../../shared/schema/common';
import { enrolRequest, enrolResponse } from '../../shared/schema/wire';
import { ApiError } from '../errors';
import { ENROL_FAILURE_LIMITS, FailureLimiter, type FailureLimits } from '../failure-limiter';
import { enrol } from '../store/accounts';
import type { Store } from '../store/types';
import { isStorableText } from '../sync/storable';
import { badRequest, parseInput } from './parse';

/**
 * The contract's answer with `codeSeries` always present (the shared schema has it optional,
 * for servers that predate it): this server always says which letter the device issues under.
 */
export const enrolResponseWithSeries = z.extend(enrolResponse, { codeSeries: z.nullable(z.string()) });
export type EnrolResponseWithSeries = z.infer<typeof enrolResponseWithSeries>;

export interface EnrolRouteOptions {
  store: Store;
  clock: () => number;
  limits?: FailureLimits;
}

const codeInvalid = () =>
  new ApiError(403, 'ENROLMENT_CODE_INVALID', 'This enrolment code is wrong, used up or expired; ask the centre lead for a new one.');

/** `POST /enrol` of sync-protocol.md: no token; an enrolment code buys one. */
export function enrolRoutes({ store, clock, limits = ENROL_FAILURE_LIMITS }: EnrolRouteOptions): FastifyPluginCallback {
  const failures = new FailureLimiter(limits);
  return (app, _options, done) => {
    app.post('/enrol', { schema: { response: { 201: enrolResponseWithSeries } } }, async (request, reply): Promise<EnrolResponseWithSeries> => {
      // Checked before the code, so a guesser who is blocked learns nothing, right code or not.
      const waitMs = failures.waitMs(request.ip, clock());
      // request.ip is the client's own address, also behind a proxy named in TRUST_PROXY.
      if (waitMs > 0) {
        throw new ApiError(429, 'TOO_MANY_REQUESTS', 'Too many wrong enrolment codes from this network; wait a few minutes and try again.', waitMs / 1000);
      }
      const { code, deviceName } = parseInput(enrolRequest, request.body, 'body');
      if (!isStorableText(deviceName)) throw badRequest('deviceName: must not contain a NUL character or a lone surrogate');
      const enrolment = await enrol(store, { code, deviceName, now: clock() });
      if (!enrolment) {
        failures.recordFailure(request.ip, clock());
        throw codeInvalid();
      }
      const { device, token, centre } = enrolment;
      void reply.code(201);
      return { deviceId: device.id, token, role: device.role, centre, codeSeries: device.codeSeries };
    });
    done();
  };
}
