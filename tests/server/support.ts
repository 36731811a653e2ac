import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { formatHlc } from '../../src/shared/hlc';
import { errorBody, PROTOCOL_VERSION, pullResponse, pushResponse, type Change, type PushResponse, type Role } from '../../src/shared/schema/wire';
import { buildApp, type AppOptions } from '../../src/server/app';
import { openStore, type Store, type StoreDriver } from '../../src/server/store';
import { postgresSchema, testDatabaseUrl } from '../support/postgres-schema';
import { createCentre, mintEnrolmentCode, type Centre } from '../../src/server/store/accounts';

/**
 * What the server's tests share: the databases they run on (PGlite in memory always, PostgreSQL
 * too when TEST_DATABASE_URL is set: the list is built at load time, so a missing driver has no
 * tests rather than skipped ones), an app on a frozen clock, enrolled devices and ops.
 */

export interface Database {
  name: string;
  driver: StoreDriver;
  /** A new, empty database with every migration applied; `dispose` closes and removes it. */
  open(): Promise<{ store: Store; dispose: () => Promise<void> }>;
}

const inMemory: Database = {
  name: 'PGlite',
  driver: 'pglite',
  open: async () => {
    const store = await openStore({ inMemory: true });
    return { store, dispose: () => store.close() };
  },
};

/** Each database is a schema of its own, so test files running in parallel never see each other. */
function postgres(databaseUrl: string): Database {
  return {
    name: 'PostgreSQL',
    driver: 'postgres',
    open: async () => {
      const schema = postgresSchema(databaseUrl);
      await schema.create();
      const store = await openStore({ databaseUrl: schema.url });
      return {
        store,
        dispose: async () => {
          await store.close();
          await schema.drop();
        },
      };
    },
  };
}

export const postgresDatabases: Database[] = testDatabaseUrl ? [postgres(testDatabaseUrl)] : [];
export const databases: Database[] = [inMemory, ...postgresDatabases];

/** 29 March 2026, 10:00 UTC: the server's frozen "now" unless a test moves it. */
export const NOW = Date.UTC(2026, 2, 29, 10, 0, 0);
export const HOUR = 3_600_000;
export const DAY_MS = 24 * HOUR;

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  /** The server's clock; move it with `setNow`. */
  now(): number;
  setNow(ms: number): void;
  close(): Promise<void>;
}

export async function startServer(store: Store, options: Partial<AppOptions> = {}): Promise<TestServer> {
  let now = NOW;
  const app = await buildApp({ store, version: 'test', clock: () => now, ...options });
  return { app, store, now: () => now, setNow: (ms) => (now = ms), close: () => app.close() };
}

/**
 * Opens `database` and starts the app on it before a describe block's tests, and closes both
 * after them. `use` receives the store and server, so each test file keeps its own variables.
 */
export function serveDuringTests(database: Database, use: (opened: { store: Store; server: TestServer }) => void): void {
  let dispose: (() => Promise<void>) | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    const opened = await database.open();
    dispose = opened.dispose;
    server = await startServer(opened.store);
    use({ store: opened.store, server });
  });
  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });
}

export interface EnrolledDevice {
  deviceId: string;
  token: string;
  role: Role;
  centreId: string;
  codeSeries: string | null;
  headers: { authorization: string };
}

export async function newCentre(store: Store, name = 'Dunkirk'): Promise<Centre> {
  return createCentre(store, { name, timeZone: 'Europe/Paris' });
}

export async function enrolDevice(server: TestServer, centreId: string, role: Role = 'volunteer', name = `Tablet ${role}`): Promise<EnrolledDevice> {
  const { code } = await mintEnrolmentCode(server.store, { centreId, role, now: server.now() });
  const response = await server.app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: name } });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json<{ deviceId: string; token: string; role: Role; codeSeries: string | null }>();
  return { ...body, centreId, headers: { authorization: `Bearer ${body.token}` } };
}

const NODE = '9f86d081884c7d65';

export function hlc(ms: number, counter = 0, node = NODE): string {
  return formatHlc({ ms, counter, node });
}

export interface TestOp {
  seq: number;
  table: string;
  id: string;
  hlc: string;
  fields: Record<string, unknown>;
}

export function op(seq: number, table: string, id: string, fields: Record<string, unknown>, stamp: string = hlc(NOW - HOUR, seq)): TestOp {
  return { seq, table, id, hlc: stamp, fields };
}

/** A well-formed attendance event, the most common op a tablet sends. */
export function checkIn(seq: number, id: string, stamp?: string): TestOp {
  return op(seq, 'attendance', id, { childId: 'child-4173KL', day: '2026-03-29', kind: 'in', at: NOW - HOUR, deleted: false }, stamp);
}

export async function push(server: TestServer, device: EnrolledDevice, ops: readonly unknown[], protocol: number = PROTOCOL_VERSION): Promise<PushResponse> {
  const response = await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: device.headers, payload: { protocol, ops } });
  expect(response.statusCode, response.body).toBe(200);
  return pushResponse.parse(response.json());
}

export async function pullPageOf(server: TestServer, device: EnrolledDevice, cursor: number, limit: number) {
  const response = await server.app.inject({ method: 'GET', url: `/api/v1/sync/pull?cursor=${cursor}&limit=${limit}`, headers: device.headers });
  expect(response.statusCode, response.body).toBe(200);
  return pullResponse.parse(response.json());
}

/** Pulls until hasMore is false, as a tablet does; returns every page's changes in order. */
export async function pullAll(server: TestServer, device: EnrolledDevice, limit = 1000, from = 0): Promise<{ changes: Change[]; nextCursor: number }> {
  const changes: Change[] = [];
  let cursor = from;
  for (;;) {
    const page = await pullPageOf(server, device, cursor, limit);
    changes.push(...page.changes);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, nextCursor: cursor };
  }
}

/** The records of a centre as the server holds them, keyed `table:id`. */
export async function storedRecords(store: Store, centreId?: string): Promise<Map<string, { fields: unknown; hlcs: unknown; cursor: number }>> {
  const rows = await store.query<{ tbl: string; id: string; fields: unknown; hlcs: unknown; cursor: number; centre_id: string }>(
    'SELECT centre_id, tbl, id, fields, hlcs, cursor FROM records WHERE $1::text IS NULL OR centre_id = $1 ORDER BY centre_id, tbl, id',
    [centreId ?? null],
  );
  return new Map(rows.map((row) => [`${centreId ? '' : `${row.centre_id}/`}${row.tbl}:${row.id}`, { fields: row.fields, hlcs: row.hlcs, cursor: row.cursor }]));
}

/** The error body's code, after checking the whole reply has the contract's error shape. */
export function errorCode(response: LightMyRequestResponse): string {
  return errorBody.parse(response.json()).error.code;
}

export function errorMessage(response: LightMyRequestResponse): string {
  return errorBody.parse(response.json()).error.message;
}

