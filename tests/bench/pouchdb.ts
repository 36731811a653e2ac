import { createServer, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { countSocketBytes } from './http';
import type { BenchResult } from './report';
import { daybookSyncResults, makeOps, measureDaybookSync, type DaybookSync } from './sync-http';

/**
 * Issue 14's comparison: PouchDB 9 replicating the same records as Daybook's push and pull, through
 * express-pouchdb on loopback, with memory adapters on both sides. PouchDB and express-pouchdb are
 * devDependencies of this benchmark only; nothing of them reaches the app or the server.
 *
 * Client A (memory) holds the records, one document per record, and replicates to the server
 * (push); then a fresh client B (memory) replicates from it (pull). Both sides run in this process,
 * as Daybook's client and server do in sync-http.ts. Bytes are counted on the server's sockets,
 * both ways, as they cross them: headers included, bodies compressed where they are (express-pouchdb
 * gzips answers through `compression`, and PouchDB's node-fetch asks for gzip; PouchDB sends its
 * request bodies as plain JSON, as it always does).
 */

// PouchDB ships no types, and this bench may add no @types package: the little it uses, typed here.
type Doc = { _id: string } & Record<string, unknown>;
type PouchDatabase = {
  bulkDocs(docs: Doc[]): Promise<Array<{ ok?: boolean; error?: string }>>;
  info(): Promise<{ doc_count: number }>;
  close(): Promise<unknown>;
};
type ReplicationResult = { ok: boolean; docs_written: number; doc_write_failures: number };
type PouchStatic = {
  new (name: string, options?: Record<string, unknown>): PouchDatabase;
  plugin(plugin: unknown): PouchStatic;
  defaults(options: Record<string, unknown>): PouchStatic;
  replicate(source: PouchDatabase, target: PouchDatabase, options: Record<string, unknown>): Promise<ReplicationResult>;
};
type ExpressApp = RequestListener & { use(path: string, handler: RequestListener): void };

const require = createRequire(import.meta.url);

/** Documents per `_changes` page, `_revs_diff`, `_bulk_get` and `_bulk_docs`: Daybook's 1,000 per request. */
const BATCH_SIZE = 1000;
/** PouchDB's default: how many batches it reads ahead while one is being written. */
const BATCHES_LIMIT = 10;

export type PouchDBSync = {
  records: number;
  pushMs: number;
  pullMs: number;
  /** Everything that crossed the server's sockets, both ways: request lines, headers and bodies. */
  pushSocketBytes: number;
  pullSocketBytes: number;
};

/** The same records as Daybook's ops, one document per record: its id, its table and its fields. */
function makeDocs(total: number): Doc[] {
  return makeOps(total, 'a1b2c3d4e5f60718', Date.now() - 30 * 86_400_000).map((op) => ({ _id: op.id, table: op.table, ...op.fields }));
}

export async function measurePouchDBSync(total = 20_000): Promise<PouchDBSync> {
  const core = require('pouchdb-core') as PouchStatic;
  const PouchDB = core.plugin(require('pouchdb-adapter-memory')).plugin(require('pouchdb-adapter-http')).plugin(require('pouchdb-replication'));
  const expressPouchDB = require('express-pouchdb') as (pouch: PouchStatic, options: Record<string, unknown>) => RequestListener;
  const express = require('express') as () => ExpressApp;

  // The server: express-pouchdb in the mode its README gives for PouchDB clients, on memory databases.
  const app = express();
  app.use('/', expressPouchDB(PouchDB.defaults({ adapter: 'memory' }), { mode: 'minimumForPouchDB' }));
  const server = createServer(app);
  const socketBytes = countSocketBytes(server);
  const onSockets = () => {
    const { read, written } = socketBytes();
    return read + written;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const remoteName = `http://127.0.0.1:${port}/bench`;
  const clientA = new PouchDB('bench-client-a', { adapter: 'memory' });
  const clientB = new PouchDB('bench-client-b', { adapter: 'memory' });
  const remote = new PouchDB(remoteName);
  const options = { batch_size: BATCH_SIZE, batches_limit: BATCHES_LIMIT };
  try {
    // Client A already holds the records, as the tablet's outbox holds its ops before a push.
    const docs = makeDocs(total);
    for (let i = 0; i < docs.length; i += BATCH_SIZE) {
      const written = await clientA.bulkDocs(docs.slice(i, i + BATCH_SIZE));
      if (written.some((r) => r.error)) throw new Error('client A could not store its records');
    }
    // Creates the server's database, as enrolling does for Daybook: not part of the push.
    await remote.info();

    const pushSocketStart = onSockets();
    const pushStart = performance.now();
    const pushed = await PouchDB.replicate(clientA, remote, options);
    const pushMs = performance.now() - pushStart;
    const pushSocketBytes = onSockets() - pushSocketStart;
    if (!pushed.ok || pushed.docs_written !== total || pushed.doc_write_failures !== 0) {
      throw new Error(`PouchDB push wrote ${pushed.docs_written} of ${total} documents`);
    }

    const pullSocketStart = onSockets();
    const pullStart = performance.now();
    const pulled = await PouchDB.replicate(remote, clientB, options);
    const pullMs = performance.now() - pullStart;
    const pullSocketBytes = onSockets() - pullSocketStart;
    const held = (await clientB.info()).doc_count;
    if (!pulled.ok || held !== total) throw new Error(`PouchDB pull left ${held} of ${total} documents on client B`);
    return { records: total, pushMs, pullMs, pushSocketBytes, pullSocketBytes };
  } finally {
    await Promise.allSettled([clientA.close(), clientB.close(), remote.close()]);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const perRecord = (bytes: number, records: number) => Math.round((bytes / records) * 10) / 10;
const times = (ratio: number) => `${Math.round(ratio * 10) / 10}x`;

/** PouchDB's rows and the ratios of the two, from measurements of the same run. */
export function comparisonResults(daybook: DaybookSync, pouch: PouchDBSync): BenchResult[] {
  const total = pouch.records;
  const n = total.toLocaleString('en');
  const how = `batch_size ${BATCH_SIZE}, batches_limit ${BATCHES_LIMIT}; express-pouchdb, memory adapters`;
  const daybookBytes = daybook.pushSocketBytes + daybook.pullSocketBytes;
  const pouchBytes = pouch.pushSocketBytes + pouch.pullSocketBytes;
  return [
    {
      name: `PouchDB 9 push ${n} docs over HTTP (replicate to express-pouchdb)`,
      value: total / (pouch.pushMs / 1000),
      unit: 'ops/s',
      detail: `${Math.round(pouch.pushMs)} ms, ${perRecord(pouch.pushSocketBytes, total)} B per record on the socket; ${how}`,
    },
    {
      name: `PouchDB 9 pull ${n} docs to a fresh client over HTTP`,
      value: total / (pouch.pullMs / 1000),
      unit: 'ops/s',
      detail: `${Math.round(pouch.pullMs)} ms, ${perRecord(pouch.pullSocketBytes, total)} B per record on the socket (gzip answers)`,
    },
    {
      name: 'PouchDB 9 push + pull: bytes on the socket per record',
      value: pouchBytes / total,
      unit: 'B',
      detail: 'request lines, headers and bodies, both ways',
    },
    // report.ts's targets are maxima, so "PouchDB takes at least 10x as long" reads as Daybook / PouchDB <= 0.1.
    {
      name: `Daybook time / PouchDB time, push ${n}`,
      value: daybook.pushMs / pouch.pushMs,
      unit: 'x',
      target: { max: 0.1 },
      detail: `PouchDB takes ${times(pouch.pushMs / daybook.pushMs)} as long (target at least 10x)`,
    },
    {
      name: `Daybook time / PouchDB time, pull ${n}`,
      value: daybook.pullMs / pouch.pullMs,
      unit: 'x',
      target: { max: 0.1 },
      detail: `PouchDB takes ${times(pouch.pullMs / daybook.pullMs)} as long (target at least 10x)`,
    },
    {
      name: 'Daybook bytes / PouchDB bytes, push + pull per record',
      value: daybookBytes / pouchBytes,
      unit: 'x',
      target: { max: 0.06 },
      detail: `on the socket, headers included: Daybook ${perRecord(daybookBytes, total)} B, PouchDB ${perRecord(pouchBytes, total)} B per record`,
    },
  ];
}

/**
 * Daybook's push and pull of 20,000 records (sync-http.ts) and PouchDB's replication of the same
 * records, one after the other in this run, side by side with the ratios.
 */
export async function syncAgainstPouchDB(total = 20_000): Promise<BenchResult[]> {
  const daybook = await measureDaybookSync(total);
  const pouch = await measurePouchDBSync(total);
  return [...daybookSyncResults(daybook), ...comparisonResults(daybook, pouch)];
}
