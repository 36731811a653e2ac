import { devicesResponse, enrolmentCodeResponse, type Device, type EnrolmentCode, type EnrolmentCodeRequest } from '../../../shared/schema';
import type { Enrolment } from '../../db/core/database';
import { fetchTransport, NetworkError, type Transport, type TransportRequest, type TransportResponse } from '../../sync/transport';

/**
 * The lead endpoints (sync-protocol.md): enrolment codes and the centre's tablets. Every answer
 * is checked against the shared schemas and comes back as a value or one of a few problems, which
 * the screen says in its own words: the server's English never reaches the lead.
 */

export type LeadProblem =
  /** No answer at all: no wifi, a dead connection, a timeout. */
  | 'offline'
  /** 401: this tablet's token was revoked or is unknown; it needs enrolling again. */
  | 'not-accepted'
  /** 403: the server has this tablet as a volunteer's. */
  | 'not-lead'
  /** 429 or 503: asked to wait. */
  | 'busy'
  | 'needs-update'
  /** 404 on a tablet: revoked from elsewhere and then forgotten, or never this centre's. */
  | 'no-such-tablet'
  /** A 5xx, or an answer of a shape no Daybook server gives. */
  | 'server-error';

export type LeadAnswer<T> = { ok: true; value: T } | { ok: false; problem: LeadProblem };

/** A lead waits at the screen: a minute (the sync's patience for a 4 MB push) is too long to show nothing. */
const TIMEOUT_MS = 15_000;

export type LeadApi = {
  mintCode: (request: EnrolmentCodeRequest) => Promise<LeadAnswer<EnrolmentCode>>;
  listTablets: () => Promise<LeadAnswer<Device[]>>;
  revokeTablet: (deviceId: string) => Promise<LeadAnswer<null>>;
};

function problemOf(response: TransportResponse): LeadProblem {
  if (response.status === 401) return 'not-accepted';
  if (response.status === 403) return 'not-lead';
  if (response.status === 426) return 'needs-update';
  if (response.status === 429 || response.status === 503) return 'busy';
  return 'server-error';
}

/** The lead endpoints of `enrolment`'s server, with its token; `transport` for tests. */
export function leadApi(enrolment: Pick<Enrolment, 'serverUrl' | 'token'>, transport: Transport = fetchTransport(enrolment.serverUrl, { timeoutMs: TIMEOUT_MS })): LeadApi {
  async function ask(request: Omit<TransportRequest, 'token'>): Promise<TransportResponse | LeadProblem> {
    try {
      return await transport({ ...request, token: enrolment.token });
    } catch (error) {
      if (error instanceof NetworkError) return 'offline';
      throw error;
    }
  }

  return {
    async mintCode(request) {
      const response = await ask({ method: 'POST', path: '/api/v1/enrolment-codes', body: request });
      if (typeof response === 'string') return { ok: false, problem: response };
      if (response.status !== 201) return { ok: false, problem: problemOf(response) };
      const minted = enrolmentCodeResponse.safeParse(response.body);
      return minted.success ? { ok: true, value: minted.data } : { ok: false, problem: 'server-error' };
    },

    async listTablets() {
      const response = await ask({ method: 'GET', path: '/api/v1/devices' });
      if (typeof response === 'string') return { ok: false, problem: response };
      if (response.status !== 200) return { ok: false, problem: problemOf(response) };
      const listed = devicesResponse.safeParse(response.body);
      return listed.success ? { ok: true, value: listed.data.devices } : { ok: false, problem: 'server-error' };
    },

    async revokeTablet(deviceId) {
      const response = await ask({ method: 'DELETE', path: `/api/v1/devices/${encodeURIComponent(deviceId)}` });
      if (typeof response === 'string') return { ok: false, problem: response };
      if (response.status === 204) return { ok: true, value: null };
      if (response.status === 404) return { ok: false, problem: 'no-such-tablet' };
      return { ok: false, problem: problemOf(response) };
    },
  };
}
