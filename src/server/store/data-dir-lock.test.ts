import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLocked, LOCK_FILE, lockDataDir } from './data-dir-lock';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daybook-lock-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that belonged to a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the DATA_DIR lock', () => {
  it('writes our pid, refuses a second holder while held, and goes away when released', async () => {
    const lock = lockDataDir(dir, 'server');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, holder: 'server' });
    lock.release();
    await expect(readFile(join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('refuses when a live process holds it, naming the pid and what it is', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: sleeper.pid, holder: 'server' }));
      const taking = () => lockDataDir(dir, 'admin');
      expect(taking).toThrow(DataDirLocked);
      expect(taking).toThrow(expect.objectContaining({ pid: sleeper.pid, holder: 'server' }));
    } finally {
      sleeper.kill('SIGKILL');
      await rm(join(dir, LOCK_FILE), { force: true });
    }
  });

  it.each([
    ['a dead process', async () => JSON.stringify({ pid: await deadPid(), holder: 'server' })],
    ['this very process (a pid reused after a restart)', () => Promise.resolve(JSON.stringify({ pid: process.pid, holder: 'server' }))],
    ['something unreadable', () => Promise.resolve('not json')],
  ])('takes over a stale lock left by %s', async (_case, content) => {
    await writeFile(join(dir, LOCK_FILE), await content());
    const lock = lockDataDir(dir, 'admin');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, holder: 'admin' });
    lock.release();
  });

  it('leaves a lock that is no longer ours when released', async () => {
    const lock = lockDataDir(dir, 'server');
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, holder: 'server' }));
    lock.release();
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toContain('"pid":1');
    await rm(join(dir, LOCK_FILE));
  });
});
