import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  if (entries.includes(DATABASE_MARK)) return;
  // What an interrupted creation had already moved in is ours, and goes on the next start.
  const moved = new Set(await readMoveJournal(dir));
  const foreign = entries.filter((name) => name !== 'lost+found' && name !== LOCK_FILE && !name.startsWith('.') && !moved.has(name));
  if (foreign.length > 0) {
    throw new ConfigError(
      `DATA_DIR ${dir} already holds other files and no Daybook database; set DATA_DIR to an empty or new directory`,
    );
  }
}

/*
 * Creating the database, atomically. PGlite's initdb writes PostgreSQL's thousand files one by one
 * into the directory it is given, and takes seconds: a kill in the middle used to leave a DATA_DIR
 * half full and without PG_VERSION, which the next start took for someone else's files. So the
 * database is made, migrated and closed in a folder inside DATA_DIR (same file system, a dot name
 * that is never taken for foreign files), then moved into place with PG_VERSION last: PG_VERSION
 * is what says "a database is here" (to PGlite, to the check above and to the admin command), and
 * its rename is the one step that commits. The names are listed in a journal before the first
 * move, so a start after a kill mid-move knows which files in DATA_DIR are an unfinished
 * database's, and removes them. Not inside DATA_DIR's parent: DATA_DIR may be a volume's root,
 * or its parent not ours to write (/var/lib), and a directory cannot be renamed over DATA_DIR
 * while the lock file is in it.
 */

/** The file whose presence says DATA_DIR holds a database; moved in last. */
const DATABASE_MARK = 'PG_VERSION';
/** Folders a new database is made in; whatever is left of one after a kill goes on the next start. */
const CREATING_PREFIX = '.daybook-creating-';
/** The names being moved from the folder into DATA_DIR: written before the first move, removed after the last. */
const MOVE_JOURNAL = '.daybook-moving.json';

/** Whether `dir` holds a database (a complete one: PG_VERSION only arrives once everything else has). */
export async function holdsDatabase(dir: string): Promise<boolean> {
  return exists(join(dir, DATABASE_MARK));
}

/**
 * Clears what an interrupted creation left in `dir`: its folder, and the files it had moved in
 * before PG_VERSION. Run by whoever holds DATA_DIR's lock, before looking for the database.
 */
export async function clearInterruptedCreation(dir: string): Promise<void> {
  const moved = await readMoveJournal(dir);
  if (moved.length > 0 && !(await holdsDatabase(dir))) {
    for (const name of moved) await rm(join(dir, name), { recursive: true, force: true });
    await syncDirectory(dir);
  }
  await rm(join(dir, MOVE_JOURNAL), { force: true });
  for (const name of await readdir(dir)) {
    if (name.startsWith(CREATING_PREFIX)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Makes the database with `build` (given an empty folder inside `dir`, it leaves a closed database
 * there), then moves it into `dir` so that a kill at any moment leaves either no database or a
 * whole one. `dir` must hold no database and nothing of an interrupted creation.
 */
export async function createDatabaseAtomically(dir: string, build: (folder: string) => Promise<void>): Promise<void> {
  const folder = join(dir, `${CREATING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(folder);
  try {
    await build(folder);
    const names = await readdir(folder);
    if (!names.includes(DATABASE_MARK)) throw new Error(`the new database has no ${DATABASE_MARK}`);
    // On disk before the commit: a power cut after it must not find PG_VERSION beside empty files.
    await syncTree(folder);
    const rest = names.filter((name) => name !== DATABASE_MARK);
    await writeDurably(join(dir, MOVE_JOURNAL), JSON.stringify(rest));
    await syncDirectory(dir);
    for (const name of rest) await rename(join(folder, name), join(dir, name));
    await syncDirectory(dir);
    await rename(join(folder, DATABASE_MARK), join(dir, DATABASE_MARK));
    await syncDirectory(dir);
    await rm(join(dir, MOVE_JOURNAL), { force: true });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function readMoveJournal(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(dir, MOVE_JOURNAL), 'utf8');
  } catch {
    return [];
  }
  try {
    const names: unknown = JSON.parse(text);
    // Plain names only: the journal never sends a removal outside DATA_DIR.
    if (Array.isArray(names)) return names.filter((name): name is string => typeof name === 'string' && /^[\w.-]+$/.test(name) && !name.startsWith('.'));
  } catch {
    // Cut short while it was written: nothing had been moved yet.
  }
  return [];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** fsync of every file under `dir`, and of the directories themselves. */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) await syncFile(path);
  }
  await syncDirectory(dir);
}

async function syncFile(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Makes renames in `dir` durable. Some systems cannot fsync a directory: there, renames are what the system makes them. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    await syncFile(dir);
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF'].includes(errorCode(error))) throw error;
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
