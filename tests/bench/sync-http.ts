import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app';
import { openStore } from '../../src/server/store';
import { createCentre } from '../../src/server/store/accounts';
import { formatHlc } from '../../src/shared/hlc';
import { call, countSocketBytes, enrolOverHttp, listenOnLoopback } from './http';
import type { BenchResult } from './report';

/** 20,000 ops of a busy day's kinds: mostly check-ins and check-outs, some registrations. */
export function makeOps(count: number, node: string, start: number) {
  return Array.from({ length: count }, (_, i) => {
    const at = start + i * 1000;
    const hlc = formatHlc({ ms: at, counter: 0, node });
    if (i % 10 === 0) {
      return { seq: i + 1, table: 'children', id: `child-${1000 + i}K${i % 10}`, hlc, fields: { code: `${1000 + i}K${i % 10}`, ageBand: '6-8', gender: 'girl', languages: ['ar'], registeredOn: '2026-11-24', deleted: false } };
    }
    const id = `0195${String(i).padStart(8, '0')}-0000-7000-8000-${node.slice(0, 12)}`;
    return { seq: i + 1, table: 'attendance', id, hlc, fields: { childId: `child-${1000 + (i - (i % 10))}K0`, day: '2026-11-24', kind: i % 2 ? 'in' : 'out', at, deleted: false } };
  });
}

/** What one Daybook push and pull of the same records cost, measured over HTTP on loopback. */
export type DaybookSync = {
  records: number;
  pushMs: number;
  pullMs: number;
  /** Bodies only, as they crossed the wire: gzip request bodies up, gzip answers down. */
  pushBodyBytes: { sent: number; received: number };
  pullBodyBytes: { sent: number; received: number };
  /** Everything that crossed the server's sockets, both ways: request lines, headers and bodies. */
  pushSocketBytes: number;
  pullSocketBytes: number;
};

/**
 * One client pushes `total` ops in 1,000-op batches as the tablet sends them (gzip bodies, gzip
 * accepted), then a fresh device pulls them all in 1,000-change pages.
 */
export async function measureDaybookSync(total = 20_000): Promise<DaybookSync> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daybook-bench-'));
  const store = await openStore({ dataDir });
  const app = await buildApp({ store, version: 'bench' });
  const base = await listenOnLoopback(app);
  const socketBytes = countSocketBytes(app.server);
  const onSockets = () => {
    const { read, written } = socketBytes();
    return read + written;
  };
  try {
    const centre = await createCentre(store, { name: 'Bench', timeZone: 'Europe/Paris' });
    const enrol = async (name: string) => (await enrolOverHttp(base, store, centre.id, name)).token;
    const pusher = await enrol('pusher');
    const fresh = await enrol('fresh tablet');
    const ops = makeOps(total, 'a1b2c3d4e5f60718', Date.now() - 30 * 86_400_000);

    let sent = 0;
    let received = 0;
    const pushSocketStart = onSockets();
    const pushStart = performance.now();
    for (let i = 0; i < ops.length; i += 1000) {
      const body = { protocol: 1, ops: ops.slice(i, i + 1000) };
      const answer = await call(base, 'POST', '/api/v1/sync/push', pusher, body, { gzip: true });
      if (answer.status !== 200) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      sent += answer.sentBytes;
      received += answer.wireBytes;
    }
    const pushMs = performance.now() - pushStart;
    const pushSocketBytes = onSockets() - pushSocketStart;

    let cursor = 0;
    let pulled = 0;
    let pullBytes = 0;
    const pullSocketStart = onSockets();
    const pullStart = performance.now();
    for (;;) {
      const answer = await call(base, 'GET', `/api/v1/sync/pull?cursor=${cursor}&limit=1000`, fresh);
      const page = answer.body as { changes: unknown[]; nextCursor: number; hasMore: boolean };
      pulled += page.changes.length;
      pullBytes += answer.wireBytes;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const pullMs = performance.now() - pullStart;
    const pullSocketBytes = onSockets() - pullSocketStart;
    if (pulled !== ops.length) throw new Error(`pulled ${pulled} changes of ${ops.length}`);
    return {
      records: total,
      pushMs,
      pullMs,
      pushBodyBytes: { sent, received },
      pullBodyBytes: { sent: 0, received: pullBytes },
      pushSocketBytes,
      pullSocketBytes,
    };
  } finally {
    await app.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const perRecord = (bytes: number, records: number) => Math.round((bytes / records) * 10) / 10;

/** The table's rows for one measurement. */
export function daybookSyncResults(m: DaybookSync): BenchResult[] {
  const total = m.records;
  const pushBody = m.pushBodyBytes.sent + m.pushBodyBytes.received;
  const pullBody = m.pullBodyBytes.sent + m.pullBodyBytes.received;
  return [
    {
      name: `push ${total.toLocaleString('en')} ops over HTTP, PGlite (1,000 per request, gzip bodies)`,
      value: total / (m.pushMs / 1000),
      unit: 'ops/s',
      detail: `${Math.round(m.pushMs)} ms`,
    },
    {
      name: 'push: bytes on the wire per op (gzip both ways)',
      value: pushBody / total,
      unit: 'B',
      detail: `bodies: ${perRecord(m.pushBodyBytes.sent, total)} B up, ${perRecord(m.pushBodyBytes.received, total)} B down; ${perRecord(m.pushSocketBytes, total)} B with headers`,
    },
    {
      name: `pull ${total.toLocaleString('en')} changes to a fresh device over HTTP`,
      value: total / (m.pullMs / 1000),
      unit: 'ops/s',
      detail: `${Math.round(m.pullMs)} ms, 1,000 per page`,
    },
    {
      name: 'pull: bytes on the wire per change (gzip)',
      value: pullBody / total,
      unit: 'B',
      detail: `${perRecord(m.pullSocketBytes, total)} B with headers`,
    },
    {
      name: 'push + pull: bytes on the wire per record',
      value: (pushBody + pullBody) / total,
      unit: 'B',
      detail: `bodies; ${perRecord(m.pushSocketBytes + m.pullSocketBytes, total)} B with headers`,
    },
  ];
}

export async function syncOverHttp(total = 20_000): Promise<BenchResult[]> {
  return daybookSyncResults(await measureDaybookSync(total));
}
