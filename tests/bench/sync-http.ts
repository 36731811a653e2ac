import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app';
import { openStore } from '../../src/server/store';
import { createCentre } from '../../src/server/store/accounts';
import { formatHlc } from '../../src/shared/hlc';
import { call, enrolOverHttp, listenOnLoopback } from './http';
import type { BenchResult } from './report';

/** 20,000 ops of a busy day's kinds: mostly check-ins and check-outs, some registrations. */
function makeOps(count: number, node: string, start: number) {
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

export async function syncOverHttp(total = 20_000): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daybook-bench-'));
  const store = await openStore({ dataDir });
  const app = await buildApp({ store, version: 'bench' });
  const base = await listenOnLoopback(app);
  try {
    const centre = await createCentre(store, { name: 'Bench', timeZone: 'Europe/Paris' });
    const enrol = async (name: string) => (await enrolOverHttp(base, store, centre.id, name)).token;
    const pusher = await enrol('pusher');
    const fresh = await enrol('fresh tablet');
    const ops = makeOps(total, 'a1b2c3d4e5f60718', Date.now() - 30 * 86_400_000);

    let sent = 0;
    let received = 0;
    const pushStart = performance.now();
    for (let i = 0; i < ops.length; i += 1000) {
      const answer = await call(base, 'POST', '/api/v1/sync/push', pusher, { protocol: 1, ops: ops.slice(i, i + 1000) });
      if (answer.status !== 200) throw new Error(`push answered ${answer.status}`);
      sent += answer.sentBytes;
      received += answer.wireBytes;
    }
    const pushMs = performance.now() - pushStart;

    let cursor = 0;
    let pulled = 0;
    let pullBytes = 0;
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
    if (pulled !== ops.length) throw new Error(`pulled ${pulled} changes of ${ops.length}`);
    return [
      { name: `push ${total.toLocaleString('en')} ops over HTTP, PGlite (1,000 per request)`, value: total / (pushMs / 1000), unit: 'ops/s' },
      { name: 'push: bytes on the wire per op (JSON up, gzip down)', value: (sent + received) / total, unit: 'B' },
      { name: `pull ${total.toLocaleString('en')} changes to a fresh device over HTTP`, value: total / (pullMs / 1000), unit: 'ops/s' },
      { name: 'pull: bytes on the wire per change (gzip)', value: pullBytes / total, unit: 'B' },
    ];
  } finally {
    await app.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
