import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { API_ROUTES } from '../../src/server/openapi';
import { openStore } from '../../src/server/store';
import { enrolDevice, newCentre, startServer } from './support';

/**
 * Issue 10: `GET /api/v1/openapi.json` documents every route the server really registers, with
 * its error answers, from the same schemas; the answers a route gives are among those it lists.
 */

type Document = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[]; requestBody?: unknown }>> };

describe('the OpenAPI document', () => {
  it('lists exactly the API routes the app registers, each with its answers in the contract’s error shape', async () => {
    const store = await openStore({ inMemory: true });
    const app = await buildApp({ store, version: 'openapi-test' });
    try {
      const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      expect(response.statusCode).toBe(200);
      const document = response.json<Document>();
      expect(document.openapi).toBe('3.1.0');
      const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
      const api = [...new Set(app.apiRoutes())];
      expect(documented.sort()).toEqual(api.sort());
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          const statuses = Object.keys(operation.responses);
          // The limits every route shares, and each route's own.
          for (const status of ['404', '413', '429', '503']) expect(statuses, `${method} ${path}`).toContain(status);
          const route = API_ROUTES.find((entry) => `/api/v1${entry.path}` === path && entry.method === method)!;
          for (const status of route.errors) expect(statuses).toContain(String(status));
        }
      }
      // The push body and the pull query come from the routes' own schemas.
      expect(document.paths['/api/v1/sync/push']!['post']!.requestBody).toMatchObject({ content: { 'application/json': { schema: { properties: { protocol: {}, ops: {} } } } } });
      expect(document.paths['/api/v1/sync/pull']!['get']!.parameters!.map((parameter) => parameter.name)).toEqual(['cursor', 'limit', 'wait']);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('lists the error answers the routes really give', async () => {
    const store = await openStore({ inMemory: true });
    const server = await startServer(store);
    try {
      const centre = await newCentre(store);
      const volunteer = await enrolDevice(server, centre.id, 'volunteer');
      const document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Document>();
      const answers = [
        { method: 'GET' as const, url: '/api/v1/sync/pull', path: '/api/v1/sync/pull', headers: {} },
        { method: 'GET' as const, url: '/api/v1/sync/pull?limit=0', path: '/api/v1/sync/pull', headers: volunteer.headers },
        { method: 'GET' as const, url: '/api/v1/reports/days?from=2026-03-01&to=2026-03-02', path: '/api/v1/reports/days', headers: volunteer.headers },
        { method: 'GET' as const, url: '/api/v1/devices', path: '/api/v1/devices', headers: volunteer.headers },
        { method: 'POST' as const, url: '/api/v1/enrol', path: '/api/v1/enrol', headers: {}, payload: { code: 'AAAA-AAAA-AAAA', deviceName: 'x' } },
        { method: 'POST' as const, url: '/api/v1/sync/push', path: '/api/v1/sync/push', headers: volunteer.headers, payload: { protocol: 0, ops: [] } },
      ];
      for (const { path, ...request } of answers) {
        const response = await server.app.inject(request);
        expect(response.statusCode, request.url).toBeGreaterThanOrEqual(400);
        expect(Object.keys(document.paths[path]![request.method.toLowerCase()]!.responses), `${request.method} ${request.url}`).toContain(String(response.statusCode));
      }
    } finally {
      await server.close();
      await store.close();
    }
  });
});
