import { enrolRequest, enrolResponse } from '../../shared/schema';
import { db } from '../db/db';
import type { DaybookDatabase, Enrolment } from '../db/core/database';
import { storeEnrolment } from '../db/repositories/sync-state';
import { errorOf, fetchTransport, NetworkError, type Transport } from './transport';

/**
 * Enrolling this device into a centre (sync-protocol.md, `POST /api/v1/enrol`): the code a lead
 * or the admin command made, and a name for the device. Every problem is said at its field.
 */

export type EnrolInput = { serverUrl: string; code: string; deviceName: string };

export type EnrolProblem =
  | { field: 'serverUrl'; reason: 'server-address' | 'server-unreachable' | 'not-daybook' | 'server-error' | 'needs-update' }
  | { field: 'code'; reason: 'code-empty' | 'code-invalid' | 'rate-limited' }
  | { field: 'deviceName'; reason: 'name-empty' | 'name-too-long' | 'name-invalid' };

export type EnrolOutcome = { ok: true; enrolment: Enrolment } | { ok: false; problem: EnrolProblem };

export type EnrolOptions = {
  database?: DaybookDatabase;
  /** One transport whatever the address (tests); otherwise `transportFor` the typed address. */
  transport?: Transport;
  transportFor?: (serverUrl: string) => Transport;
  now?: () => number;
  /** The page's protocol, for an address typed without one. */
  pageProtocol?: string;
};

/** The server's answer: the contract's, plus the code series this device issues codes from. */

/**
 * The server's base address from what someone typed: a scheme added when missing (the page's
 * own, since a page served over HTTPS may not call plain HTTP), no trailing slash, no query.
 */
export function normaliseServerUrl(typed: string, pageProtocol = globalThis.location?.protocol ?? 'https:'): string | null {
  const trimmed = typed.trim();
  if (trimmed === '') return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `${pageProtocol === 'http:' ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkInput(input: EnrolInput, pageProtocol: string | undefined): { serverUrl: string; code: string; deviceName: string } | EnrolProblem {
  const serverUrl = normaliseServerUrl(input.serverUrl, pageProtocol);
  if (!serverUrl) return { field: 'serverUrl', reason: 'server-address' };
  const code = input.code.trim();
  if (code === '') return { field: 'code', reason: 'code-empty' };
  const deviceName = input.deviceName.trim();
  if (deviceName === '') return { field: 'deviceName', reason: 'name-empty' };
  const request = enrolRequest.safeParse({ code, deviceName });
  if (!request.success) {
    const onName = request.error.issues.some((issue) => issue.path[0] === 'deviceName');
    return onName ? { field: 'deviceName', reason: 'name-too-long' } : { field: 'code', reason: 'code-invalid' };
  }
  return { serverUrl, ...request.data };
}

/** What an answer other than 201 means, at the field it concerns. */
function problemFor(status: number, body: unknown): EnrolProblem {
  const error = errorOf(body);
  if (status === 403 || error?.code === 'ENROLMENT_CODE_INVALID') return { field: 'code', reason: 'code-invalid' };
  if (status === 429) return { field: 'code', reason: 'rate-limited' };
  if (status === 426) return { field: 'serverUrl', reason: 'needs-update' };
  // A 400 names the offending field in its message (sync-protocol.md).
  if (status === 400) return error?.message.startsWith('deviceName') ? { field: 'deviceName', reason: 'name-invalid' } : { field: 'code', reason: 'code-invalid' };
  if (status >= 500) return { field: 'serverUrl', reason: 'server-error' };
  // A 404, or an answer without our error shape: the address is some other web server.
  return { field: 'serverUrl', reason: 'not-daybook' };
}

/**
 * Enrols the device and stores the enrolment (with its role and code series) in one local
 * transaction. Nothing is stored unless the server said yes.
 */
export async function enrolDevice(input: EnrolInput, options: EnrolOptions = {}): Promise<EnrolOutcome> {
  const checked = checkInput(input, options.pageProtocol);
  if ('field' in checked) return { ok: false, problem: checked };
  const transport = options.transport ?? (options.transportFor ?? fetchTransport)(checked.serverUrl);
  let response;
  try {
    response = await transport({ method: 'POST', path: '/api/v1/enrol', body: { code: checked.code, deviceName: checked.deviceName } });
  } catch (error) {
    if (error instanceof NetworkError) return { ok: false, problem: { field: 'serverUrl', reason: 'server-unreachable' } };
    throw error;
  }
  if (response.status !== 201) return { ok: false, problem: problemFor(response.status, response.body) };
  const answer = enrolResponse.safeParse(response.body);
  if (!answer.success) return { ok: false, problem: { field: 'serverUrl', reason: 'not-daybook' } };
  const { deviceId, token, role, centre, codeSeries } = answer.data;
  const enrolment: Enrolment = {
    serverUrl: checked.serverUrl,
    token,
    deviceId,
    centre: { id: centre.id, name: centre.name, timeZone: centre.timeZone },
    role,
    codeSeries: codeSeries ?? null,
    enrolledAt: (options.now ?? Date.now)(),
  };
  await storeEnrolment(options.database ?? db, enrolment);
  return { ok: true, enrolment };
}
