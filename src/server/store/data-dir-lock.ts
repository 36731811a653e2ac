import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite is one process's database: a second process opening the same DATA_DIR (the admin command
 * while the server runs, or a second server) would corrupt it. Whoever opens it first writes this
 * file with its pid; the others see a live pid and refuse. A lock whose process is gone (killed,
 * or the machine restarted) is stale and taken over. PostgreSQL needs none of this.
 */

export const LOCK_FILE = 'daybook-server.lock';

export type LockHolder = 'server' | 'admin';

export interface DataDirLock {
  /** Removes the file if it is still ours. Synchronous, so it can run in a process 'exit' handler. */
  release(): void;
}

/** Someone else holds the DATA_DIR. */
export class DataDirLocked extends Error {
  override readonly name = 'DataDirLocked';

  constructor(
    readonly pid: number,
    readonly holder: LockHolder,
  ) {
    super(`DATA_DIR is held by the ${holder} (pid ${pid})`);
  }
}

/** Takes the lock of `dataDir` (an existing directory) for `holder`, or throws DataDirLocked. */
export function lockDataDir(dataDir: string, holder: LockHolder): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, holder });
  // Twice at most: the second try follows the removal of a stale lock.
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${mine}\n`);
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseIfMine(path, mine) };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt > 0) throw error;
    }
    const current = readLock(path);
    if (current && isAlive(current.pid)) throw new DataDirLocked(current.pid, current.holder);
    try {
      unlinkSync(path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
}

function releaseIfMine(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === mine) unlinkSync(path);
  } catch {
    // Already gone, or unreadable: either way there is nothing of ours to remove.
  }
}

/** The lock's holder, or undefined when the file is missing or not one of ours. */
function readLock(path: string): { pid: number; holder: LockHolder } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, holder } = parsed as { pid?: unknown; holder?: unknown };
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, holder: holder === 'admin' ? 'admin' : 'server' };
}

/**
 * Whether `pid` is a running process other than this one. Our own pid in the file is a lock left
 * by an earlier run that happened to have it (pid 1 in a restarted container): stale.
 */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}
