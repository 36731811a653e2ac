import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody, healthResponse, PROTOCOL_VERSION } from '../shared/schema/wire';
import { buildApp } from './app';
import { openStore, type Store } from './store';

/** Answers go out through their zod schemas (response-schema.ts), with no JSON Schema compiler loaded. */

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openStore({ inMemory: true });
  app = await buildApp({
    store,
    version: 'test',
    routes: (instance) => {
      // A handler that says more than its schema: a record's extra field must not reach the wire.
      instance.get('/api/v1/test/extra', { schema: { response: { 200: healthResponse } } }, () => ({
        status: 'ok',
        protocol: PROTOCOL_VERSION,
        version: 'test',
        tokenHash: 'must not leave the server',
      }));
      // A handler whose answer breaks its own schema: a fault, not a wrong answer.
      instance.get('/api/v1/test/wrong', { schema: { response: { 200: healthResponse } } }, () => ({ status: 'ok', protocol: 'one', version: 'test' }));
    },
  });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('answers written through their zod schema', () => {
  it('hold the schema’s fields and no others', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/test/extra' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: 'ok', protocol: PROTOCOL_VERSION, version: 'test' });
    expect(answer.body).not.toContain('tokenHash');
  });

  it('are a 500 in the contract’s error shape when the answer breaks the schema', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/test/wrong' });
    expect(answer.statusCode).toBe(500);
    expect(errorBody.safeParse(answer.json()).success).toBe(true);
    expect(answer.body).not.toContain('one');
  });

  it('a route declaring a JSON Schema for its input fails the start, loudly', async () => {
    const building = buildApp({
      store,
      version: 'test',
      routes: (instance) => {
        instance.post('/api/v1/test/body', { schema: { body: { type: 'object' } } }, () => ({}));
      },
    });
    await expect(building).rejects.toThrow(/validate their input with zod/);
  });
});
