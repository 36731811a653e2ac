import type { FastifyPluginCallback } from 'fastify';
import { toJSONSchema } from 'zod';
import type { $ZodType } from 'zod/v4/core';
import {
  devicesResponse,
  enrolmentCodeRequest,
  enrolmentCodeResponse,
  enrolRequest,
  errorBody,
  healthResponse,
  pullQuery,
  pullResponse,
  pushRequest,
  pushResponse,
  reportResponse,
  reportsQuery,
} from '../shared/schema';
import { enrolResponseWithSeries } from './routes/enrol';

/**
 * `GET /api/v1/openapi.json` (issue 10): the API as an OpenAPI 3.1 document, generated from the
 * same zod schemas the routes check and answer with (src/shared/schema), so a coordinator's
 * script or an integrator can generate a client, and it cannot drift from the code. The routes
 * listed here are checked against the routes the app really registers (tests/server/openapi.test.ts).
 * sync-protocol.md stays the contract; this is its machine-readable shape.
 */

type Method = 'get' | 'post' | 'delete';

export interface ApiRoute {
  method: Method;
  /** Under /api/v1, in OpenAPI's form (`/devices/{id}`). */
  path: string;
  summary: string;
  /** Who may call it: anyone, an enrolled device's token, or a lead's. */
  auth: 'none' | 'device' | 'lead';
  query?: $ZodType;
  body?: $ZodType;
  /** The success answer: its status and schema (none for a 204), or CSV text beside the JSON. */
  success: { status: 200 | 201 | 204; schema?: $ZodType; csv?: boolean };
  /** Every error status the route can answer, each in the contract's error shape. */
  errors: readonly number[];
}

/** What every route may answer whatever it does: the server's own limits (http-guards.ts, error-replies.ts). */
const EVERY_ROUTE = [404, 408, 413, 414, 415, 429, 431, 500, 503];
const WITH_TOKEN = [401, 403];

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'get', path: '/health', summary: 'The server is up; its version and protocol.', auth: 'none', success: { status: 200, schema: healthResponse }, errors: [] },
  {
    method: 'post',
    path: '/enrol',
    summary: 'Enrols a tablet with an enrolment code: its token, role and centre.',
    auth: 'none',
    body: enrolRequest,
    success: { status: 201, schema: enrolResponseWithSeries },
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/sync/push',
    summary: 'Pushes a batch of the device’s ops; each is merged or listed as rejected.',
    auth: 'device',
    body: pushRequest,
    success: { status: 200, schema: pushResponse },
    errors: [400, 426, ...WITH_TOKEN],
  },
  {
    method: 'get',
    path: '/sync/pull',
    summary: 'The centre’s records changed after a cursor, oldest change first.',
    auth: 'device',
    query: pullQuery,
    success: { status: 200, schema: pullResponse },
    errors: [400, ...WITH_TOKEN],
  },
  {
    method: 'post',
    path: '/enrolment-codes',
    summary: 'Mints an enrolment code for a lead or volunteer tablet.',
    auth: 'lead',
    body: enrolmentCodeRequest,
    success: { status: 201, schema: enrolmentCodeResponse },
    errors: [400, ...WITH_TOKEN],
  },
  { method: 'get', path: '/devices', summary: 'The centre’s tablets.', auth: 'lead', success: { status: 200, schema: devicesResponse }, errors: WITH_TOKEN },
  { method: 'delete', path: '/devices/{id}', summary: 'Revokes a tablet: its token answers 401 from then on.', auth: 'lead', success: { status: 204 }, errors: [...WITH_TOKEN] },
  {
    method: 'get',
    path: '/reports/days',
    summary: 'The day summaries of a range and their total, as JSON or CSV, small counts hidden with minCell.',
    auth: 'lead',
    query: reportsQuery,
    success: { status: 200, schema: reportResponse, csv: true },
    errors: [400, ...WITH_TOKEN],
  },
  { method: 'get', path: '/openapi.json', summary: 'This document.', auth: 'none', success: { status: 200 }, errors: [] },
];

const jsonSchema = (schema: $ZodType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...rest } = toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
};

/** Query parameters, one per property of the query's object schema. */
function parameters(schema: $ZodType) {
  const { properties = {}, required = [] } = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.includes(name), schema: property }));
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed; the message names the field.',
  401: 'No token, or a token the server does not know (or revoked): enrol again.',
  403: 'The token is valid but its role may not do this (LEAD_ONLY), or the code has no uses left.',
  404: 'No such route or record.',
  408: 'The request did not arrive in time.',
  413: 'The body is larger than 4 MB (also once decompressed).',
  414: 'The address is too long.',
  415: 'The body is not JSON.',
  426: 'The app speaks an older sync protocol: update it; its changes are kept.',
  429: 'Too many requests from this device or address: wait for Retry-After.',
  431: 'The request headers are too large.',
  500: 'A fault of the server.',
  503: 'The server is busy or restarting: wait for Retry-After.',
};

export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const responses: Record<string, unknown> = {};
    const success: Record<string, unknown> = {};
    if (route.success.schema) success['application/json'] = { schema: jsonSchema(route.success.schema, 'output') };
    if (route.success.csv) success['text/csv'] = { schema: { type: 'string' } };
    responses[String(route.success.status)] = { description: route.summary, ...(Object.keys(success).length > 0 && { content: success }) };
    for (const status of [...new Set([...route.errors, ...EVERY_ROUTE])].sort()) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'An error.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        ...((status === 429 || status === 503) && { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } } }),
      };
    }
    paths[`/api/v1${route.path}`] = {
      ...paths[`/api/v1${route.path}`],
      [route.method]: {
        summary: route.summary,
        ...(route.auth !== 'none' && { security: [{ token: [] }], description: route.auth === 'lead' ? 'A lead device’s token.' : 'An enrolled device’s token.' }),
        ...(route.query && { parameters: parameters(route.query) }),
        ...(route.path.includes('{id}') && { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }),
        ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Daybook', version, description: 'The sync and lead API of a Daybook server (sync-protocol.md is the contract).' },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'The token a tablet got when it enrolled.' } },
    },
  };
}

/** Serves the document, built once, on the first request: building it at start took 0.2 s of a restart. */
export function openApiRoutes(version: string): FastifyPluginCallback {
  let document: ReturnType<typeof openApiDocument> | undefined;
  return (app, _options, done) => {
    app.get('/openapi.json', () => (document ??= openApiDocument(version)));
    done();
  };
}
