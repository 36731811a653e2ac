import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/shared/hlc';

/**
 * Invariant 5 on the server side: the real server process, on the embedded database, killed with
 * SIGKILL while two tablets push, then started again on the same DATA_DIR. Everything it
 * acknowledged is there, and the tablets' retries of what it did not acknowledge double nothing.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OPS_PER_PUSH = 100;
const OPS_PER_TABLET = 3000;

let scratch: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'daybook-crash-'));
  await mkdir(join(scratch, 'dist'));
  await writeFile(join(scratch, 'dist', 'index.html'), '<!doctype html><title>Daybook</title>');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `src/server/main.ts` and resolves with its output so far once it answers health. */
async function start(port: number): Promise<{ child: ChildProcess; stdout: () => string }> {
  // Node itself with tsx as a loader: the tsx command would run the server as its own child,
  // and SIGKILL would stop only the wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(scratch, 'data'), STATIC_DIR: join(scratch, 'dist') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    const up = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return { child, stdout: () => stdout };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start: ${stderr}`);
}

type Op = { seq: number; table: 'attendance'; id: string; hlc: string; fields: Record<string, unknown> };

function opsOf(tablet: number): Op[] {
  const node = `${tablet}`.repeat(16);
  const start = Date.now() - 3_600_000;
  return Array.from({ length: OPS_PER_TABLET }, (_, i) => ({
    seq: i + 1,
    table: 'attendance',
    id: `tablet${tablet}-event-${i + 1}`,
    hlc: formatHlc({ ms: start + i, counter: 0, node }),
    fields: { childId: `child-${1000 + (i % 50)}K0`, day: '2026-11-24', kind: i % 2 ? 'out' : 'in', at: start + i, deleted: false },
  }));
}

/** A tablet pushing its outbox from `from` on; stops at the first failure, as a tablet would. */
async function pushFrom(base: string, token: string, ops: Op[], acked: { seq: number }): Promise<void> {
  for (;;) {
    const batch = ops.filter((op) => op.seq > acked.seq).slice(0, OPS_PER_PUSH);
    if (batch.length === 0) return;
    const response = await fetch(`${base}/api/v1/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ protocol: 1, ops: batch }),
    });
    if (response.status !== 200) throw new Error(`push answered ${response.status}`);
    const answer = (await response.json()) as { ackedSeq: number; rejected: unknown[] };
    expect(answer.rejected).toEqual([]);
    acked.seq = answer.ackedSeq;
  }
}

describe('the server killed mid-push', () => {
  it('loses nothing it acknowledged, and the retries double nothing', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await start(port);
    const code = /with the code (\S+):/.exec(first.stdout())?.[1];
    expect(code, first.stdout()).toBeDefined();
    const lead = (await (await fetch(`${base}/api/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'Lead' }) })).json()) as {
      token: string;
    };
    const minted = (await (
      await fetch(`${base}/api/v1/enrolment-codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${lead.token}` },
        body: JSON.stringify({ role: 'volunteer' }),
      })
    ).json()) as { code: string };
    const second = (await (
      await fetch(`${base}/api/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: minted.code, deviceName: 'Playroom' }) })
    ).json()) as { token: string };

    const tablets = [
      { token: lead.token, ops: opsOf(1), acked: { seq: 0 } },
      { token: second.token, ops: opsOf(2), acked: { seq: 0 } },
    ];
    // Both push; the server is killed while their requests are in flight.
    const pushing = tablets.map((tablet) => pushFrom(base, tablet.token, tablet.ops, tablet.acked).catch(() => undefined));
    while (tablets.every((tablet) => tablet.acked.seq < 5 * OPS_PER_PUSH)) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    await Promise.all(pushing);
    const ackedBeforeCrash = tablets.map((tablet) => tablet.acked.seq);
    expect(ackedBeforeCrash.every((seq) => seq < OPS_PER_TABLET)).toBe(true);

    // Started again on the same data: the tablets retry from what they know was acknowledged.
    await start(port);
    for (const tablet of tablets) await pushFrom(base, tablet.token, tablet.ops, tablet.acked);

    const seen = new Map<string, number>();
    let cursor = 0;
    for (;;) {
      const page = (await (await fetch(`${base}/api/v1/sync/pull?cursor=${cursor}&limit=5000`, { headers: { authorization: `Bearer ${lead.token}` } })).json()) as {
        changes: { id: string; fields: { at: number } }[];
        nextCursor: number;
        hasMore: boolean;
      };
      for (const change of page.changes) seen.set(change.id, (seen.get(change.id) ?? 0) + 1);
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    // Every op of both tablets, each exactly once.
    expect(seen.size).toBe(2 * OPS_PER_TABLET);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    for (const [i, tablet] of tablets.entries()) {
      for (const op of tablet.ops.slice(0, ackedBeforeCrash[i])) expect(seen.has(op.id)).toBe(true);
    }
  });
});
