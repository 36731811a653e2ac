import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { LOCK_FILE } from './data-dir-lock';

/**
 * Makes sure DATA_DIR can hold the embedded database before PGlite touches it: PGlite's own
 * failures on a bad directory are WebAssembly aborts that name neither the path nor the cause.
 * Returns the absolute path.
 */
export async function prepareDataDir(dataDir: string): Promise<string> {
  const dir = resolve(dataDir);
  try {
    await makeDirectory(dir);
  } catch (error) {
    throw new ConfigError(`DATA_DIR ${dir} cannot be created (${fsReason(error)}); set DATA_DIR to a writable directory`);
  }
  const probe = join(dir, `.daybook-write-probe-${process.pid}`);
  try {
    await writeFile(probe, 'probe');
    await rm(probe);
  } catch (error) {
    throw new ConfigError(`DATA_DIR ${dir} is not writable (${fsReason(error)}); set DATA_DIR to a writable directory`);
  }
  await refuseForeignDirectory(dir);
  return dir;
}

/**
 * `mkdir -p`, written out: Node's own `mkdir(dir, { recursive: true })` spins forever when the
 * kernel answers ENOENT for a directory whose parent exists (under /proc, for one).
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    try {
      if ((await stat(current)).isDirectory()) break;
      throw Object.assign(new Error(`${current} is a file`), { code: current === dir ? 'EEXIST' : 'ENOTDIR' });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || dirname(current) === current) throw error;
      missing.unshift(current);
    }
  }
  for (const directory of missing) {
    await mkdir(directory).catch((error: unknown) => {
      // Another process may have made it in the meantime.
      if (errorCode(error) !== 'EEXIST') throw error;
    });
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/**
 * A DATA_DIR set by mistake to a directory full of other files (the project, a home directory)
 * would get PostgreSQL's files scattered through it. PostgreSQL's initdb refuses that too.
 * `lost+found` and dot files are allowed: a fresh volume's root holds them. So is our lock file,
 * which the server writes before the database exists.
 */
async function refuseForeignDirectory(dir: string): Promise<void> {
  const entries = await readdir(dir);
  if (entries.includes('PG_VERSION')) return;
  const foreign = entries.filter((name) => name !== 'lost+found' && name !== LOCK_FILE && !name.startsWith('.'));
  if (foreign.length > 0) {
    throw new ConfigError(
      `DATA_DIR ${dir} already holds other files and no Daybook database; set DATA_DIR to an empty or new directory`,
    );
  }
}

function fsReason(error: unknown): string {
  const code = errorCode(error);
  switch (code) {
    case 'ENOTDIR':
      return 'part of the path is a file, not a directory';
    case 'EEXIST':
      return 'a file with that name is in the way';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the disk';
    case 'ENOENT':
      return 'the file system does not allow it there';
    default:
      return code || (error instanceof Error ? error.message : String(error));
  }
}
