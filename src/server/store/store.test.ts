import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgresSchema, testDatabaseUrl } from '../../../tests/support/postgres-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMigrationList } from './migrate';
import { ConfigError, migrations, openStore, redactDatabaseUrl, type Migration, type Store, type StoreDriver } from './index';

/**
 * The same suite runs against every driver this machine has: PGlite in memory and in a data
 * directory always, PostgreSQL when TEST_DATABASE_URL is set. The list is built here, at load
 * time, so a driver that is not available has no tests rather than skipped ones.
 */

/** Somewhere a database lives; `open` can be called again after the previous store closed. */
interface Place {
  open(list?: readonly Migration[]): Promise<Store>;
  dispose(): Promise<void>;
}

interface Target {
  name: string;
  driver: StoreDriver;
  /** A new, empty database. */
  fresh(): Promise<Place>;
}

const memoryTarget: Target = {
  name: 'PGlite in memory',
  driver: 'pglite',
  fresh: () =>
    Promise.resolve({
      open: (list) => openStore({ inMemory: true, ...(list && { migrations: list }) }),
      dispose: () => Promise.resolve(),
    }),
};

// PGlite's initdb takes seconds; an empty cluster made once and copied takes a fraction of one.
let emptyCluster: Promise<string> | undefined;
const tempDirs: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const dataDirTarget: Target = {
  name: 'PGlite in a data directory',
  driver: 'pglite',
  fresh: async () => {
    emptyCluster ??= (async () => {
      const dir = join(await tempDir('daybook-store-'), 'empty');
      const db = await PGlite.create(dir);
      await db.close();
      return dir;
    })();
    const dataDir = join(await tempDir('daybook-store-'), 'data');
    await cp(await emptyCluster, dataDir, { recursive: true });
    return {
      open: (list) => openStore({ dataDir, ...(list && { migrations: list }) }),
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

/** Each place is its own schema, so runs (and tests) on one database never see each other. */
function postgresTarget(databaseUrl: string): Target {
  return {
    name: 'PostgreSQL',
    driver: 'postgres',
    fresh: async () => {
      const schema = postgresSchema(databaseUrl);
      await schema.create();
      return {
        open: (list) => openStore({ databaseUrl: schema.url, ...(list && { migrations: list }) }),
        dispose: schema.drop,
      };
    },
  };
}

const postgres = testDatabaseUrl ? postgresTarget(testDatabaseUrl) : undefined;
const reopenable: Target[] = [dataDirTarget, ...(postgres ? [postgres] : [])];
const everyTarget: Target[] = [memoryTarget, ...reopenable];

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function countCentres(store: Store, id: string): Promise<number> {
  const rows = await store.query<{ n: number }>('SELECT count(*) AS n FROM centres WHERE id = $1', [id]);
  return rows[0]!.n;
}

async function recordedMigrations(store: Store): Promise<{ id: number; name: string; applied_at: Date }[]> {
  return store.query('SELECT id, name, applied_at FROM schema_migrations ORDER BY id');
}

/** Opens, works, and closes even when the work fails, so no test leaves a database open. */
async function withStore<T>(place: Place, list: readonly Migration[] | undefined, work: (store: Store) => Promise<T>) {
  const store = await place.open(list);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const first = migrations[0]!;
const later: Migration = { id: 2, name: 'notes', sql: 'CREATE TABLE notes (id text PRIMARY KEY); CREATE INDEX notes_id ON notes (id);' };

describe.each(everyTarget)('the store on $name', (target) => {
  let place: Place;
  let store: Store;

  beforeAll(async () => {
    place = await target.fresh();
    store = await place.open();
  });

  afterAll(async () => {
    await store?.close();
    await place?.dispose();
  });

  it('says which driver it is', () => {
    expect(store.driver).toBe(target.driver);
  });

  it('applies every migration exactly once when opened', async () => {
    const rows = await recordedMigrations(store);
    expect(rows.map(({ id, name }) => ({ id, name }))).toEqual(migrations.map(({ id, name }) => ({ id, name })));
  });

  it('has a centres table that fills created_at and refuses a centre without a time zone', async () => {
    await store.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-table', 'Dunkirk', 'Europe/Paris']);
    const [centre] = await store.query<{ name: string; time_zone: string; created_at: Date }>(
      'SELECT name, time_zone, created_at FROM centres WHERE id = $1',
      ['c-table'],
    );
    expect(centre).toMatchObject({ name: 'Dunkirk', time_zone: 'Europe/Paris' });
    expect(centre!.created_at).toBeInstanceOf(Date);
    await expect(store.query('INSERT INTO centres (id, name) VALUES ($1, $2)', ['c-no-zone', 'x'])).rejects.toThrow(/time_zone/);
  });

  it('commits a transaction and returns what its work returned', async () => {
    const result = await store.transaction(async (tx) => {
      await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-commit-1', 'A', 'Europe/Paris']);
      await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-commit-2', 'B', 'Europe/Paris']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await countCentres(store, 'c-commit-1')).toBe(1);
    expect(await countCentres(store, 'c-commit-2')).toBe(1);
  });

  it('rolls a transaction back when its work throws, and rethrows the same error', async () => {
    const thrown = new Error('the tablet went away');
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-rollback', 'A', 'Europe/Paris']);
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    expect(await countCentres(store, 'c-rollback')).toBe(0);
  });

  it('rolls a transaction back when one of its statements fails, and stays usable', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-dup-new', 'A', 'Europe/Paris']);
        await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-dup', 'A', 'Europe/Paris']);
        await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-dup', 'B', 'Europe/Paris']);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await countCentres(store, 'c-dup-new')).toBe(0);
    expect(await countCentres(store, 'c-dup')).toBe(0);
    expect(await store.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('runs transactions side by side without mixing them up', async () => {
    const ids = ['c-side-1', 'c-side-2', 'c-side-3', 'c-side-4'];
    await Promise.all(
      ids.map((id, i) =>
        store
          .transaction(async (tx) => {
            await tx.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', [id, id, 'Europe/Paris']);
            if (i % 2 === 1) throw new Error('undo this one');
          })
          .catch(() => undefined),
      ),
    );
    expect(await Promise.all(ids.map((id) => countCentres(store, id)))).toEqual([1, 0, 1, 0]);
  });

  it('returns the same JavaScript types as every other driver', async () => {
    const [row] = await store.query(
      `SELECT 9007199254740991::int8 AS big, count(*) AS counted, 1.50::numeric AS amount,
              '2026-01-05T10:00:00Z'::timestamptz AS at, '{"a":[1]}'::jsonb AS doc,
              '{1,NULL,3}'::int8[] AS seqs, true AS yes, NULL::text AS nothing
       FROM centres WHERE false`,
    );
    expect(row).toEqual({
      big: 9007199254740991,
      counted: 0,
      amount: '1.50',
      at: new Date('2026-01-05T10:00:00Z'),
      doc: { a: [1] },
      seqs: [1, null, 3],
      yes: true,
      nothing: null,
    });
    await expect(store.query('SELECT 9007199254740993::int8 AS too_big')).rejects.toThrow(/too large/);
  });
});

describe.each(reopenable)('the store on $name, reopened', (target) => {
  it('keeps its data and applies nothing again', async () => {
    const place = await target.fresh();
    try {
      const before = await withStore(place, undefined, async (store) => {
        await store.query('INSERT INTO centres (id, name, time_zone) VALUES ($1, $2, $3)', ['c-kept', 'Kept', 'Europe/Paris']);
        return recordedMigrations(store);
      });
      const after = await withStore(place, undefined, async (store) => {
        expect(await countCentres(store, 'c-kept')).toBe(1);
        return recordedMigrations(store);
      });
      expect(after).toEqual(before);
      expect(after).toHaveLength(migrations.length);
    } finally {
      await place.dispose();
    }
  });

  it('applies only a migration added since the last start', async () => {
    const place = await target.fresh();
    try {
      const before = await withStore(place, [first], recordedMigrations);
      const after = await withStore(place, [first, later], async (store) => {
        await store.query("INSERT INTO notes (id) VALUES ('n1')");
        return recordedMigrations(store);
      });
      expect(after.map((row) => row.id)).toEqual([1, 2]);
      expect(after[0]).toEqual(before[0]);
    } finally {
      await place.dispose();
    }
  });

  it('leaves no trace of a failing migration and keeps the ones before it', async () => {
    const place = await target.fresh();
    const failing: Migration = { id: 2, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_column FROM centres;' };
    try {
      await expect(place.open([first, failing])).rejects.toThrow(/migration 2 \(broken\) failed: .*no_such_column/);
      await withStore(place, [first], async (store) => {
        expect((await recordedMigrations(store)).map((row) => row.id)).toEqual([1]);
        await expect(store.query('SELECT * FROM half_done')).rejects.toThrow(/half_done/);
      });
    } finally {
      await place.dispose();
    }
  });

  it('refuses a database that a newer version of Daybook has migrated', async () => {
    const place = await target.fresh();
    try {
      await withStore(place, [first, later], () => Promise.resolve());
      const opening = place.open([first]);
      await expect(opening).rejects.toBeInstanceOf(ConfigError);
      await expect(opening).rejects.toThrow(/schema is at migration 2, newer than this version of Daybook knows \(1\)/);
    } finally {
      await place.dispose();
    }
  });
});

describe.each(postgres ? [postgres] : [])('the store on $name, with several servers', (target) => {
  it('applies migrations once when servers start at the same moment', async () => {
    const place = await target.fresh();
    // The slow step keeps the first server migrating while the others arrive: without the lock
    // they would all try CREATE TABLE and all but one fail.
    const slow: Migration = { id: 2, name: 'slow', sql: 'SELECT pg_sleep(0.3); CREATE TABLE slow_step (id int);' };
    const opened = await Promise.allSettled([1, 2, 3, 4].map(() => place.open([first, slow])));
    try {
      expect(opened.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const [store] = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      expect((await recordedMigrations(store!)).map((row) => row.id)).toEqual([1, 2]);
    } finally {
      await Promise.all(opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
      await place.dispose();
    }
  });

  it('refuses a wrong password with one line that never shows it', async () => {
    const url = new URL(testDatabaseUrl!);
    url.password = 'wrong-Secret-42';
    const opening = openStore({ databaseUrl: url.toString() });
    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    const message = await opening.catch((error: Error) => error.message);
    expect(message).toContain(`at ${url.hostname}:${url.port || '5432'}`);
    expect(message).not.toContain('wrong-Secret-42');
    expect(message).not.toContain('\n');
  });
});

describe('a store that cannot open', () => {
  async function configMessage(opening: Promise<Store>): Promise<string> {
    const error = await opening.then(
      async (store) => {
        await store.close();
        throw new Error('the store opened');
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    return message;
  }

  it('names a DATA_DIR whose parent is a regular file', async () => {
    const file = join(await tempDir('daybook-store-'), 'a-file');
    await writeFile(file, 'not a directory');
    const message = await configMessage(openStore({ dataDir: join(file, 'data') }));
    expect(message).toBe(`DATA_DIR ${file}/data cannot be created (part of the path is a file, not a directory); set DATA_DIR to a writable directory`);
  });

  it('names a DATA_DIR that cannot be created under /proc', async () => {
    expect(await configMessage(openStore({ dataDir: '/proc/daybook/data' }))).toMatch(/^DATA_DIR \/proc\/daybook\/data cannot be created/);
  });

  it('names a DATA_DIR that exists but cannot be written', async () => {
    expect(await configMessage(openStore({ dataDir: '/proc/self' }))).toMatch(/^DATA_DIR \/proc\/self is not writable/);
  });

  it('refuses a DATA_DIR full of other files', async () => {
    const dir = await tempDir('daybook-store-');
    await writeFile(join(dir, 'package.json'), '{}');
    expect(await configMessage(openStore({ dataDir: dir }))).toBe(
      `DATA_DIR ${dir} already holds other files and no Daybook database; set DATA_DIR to an empty or new directory`,
    );
  });

  it.each([
    'not a url',
    'http://user:pw-Secret-7@db.example:5432/daybook',
    'postgres://user:pw-Secret-7@db.example:99999/daybook',
    'postgres://user:pw-Secret-7%zz@db.example/daybook',
  ])(
    'refuses a malformed DATABASE_URL without repeating it: %s',
    async (databaseUrl) => {
      const message = await configMessage(openStore({ databaseUrl }));
      expect(message).toMatch(/^DATABASE_URL is not a valid PostgreSQL URL/);
      expect(message).not.toContain('pw-Secret-7');
    },
  );

  it('names host and port of a PostgreSQL that refuses the connection, never the password', async () => {
    const message = await configMessage(openStore({ databaseUrl: 'postgres://x:pw-Secret-7@127.0.0.1:1/db' }));
    expect(message).toBe('cannot connect to PostgreSQL at 127.0.0.1:1 (connection refused); check DATABASE_URL');
  });

  it('gives up on a PostgreSQL that never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const opening = openStore({ databaseUrl: `postgres://x:pw-Secret-7@127.0.0.1:${port}/db`, connectTimeoutMs: 300 });
      expect(await configMessage(opening)).toBe(
        `cannot connect to PostgreSQL at 127.0.0.1:${port} (no answer within 0.3 s); check DATABASE_URL`,
      );
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('DATABASE_URL in a message', () => {
  const databaseUrl = 'postgres://daybook:pw-Secret-7@db.internal:5432/daybook';

  it('is replaced, and so is its password', () => {
    expect(redactDatabaseUrl(`failed on ${databaseUrl} with pw-Secret-7`, databaseUrl)).toBe('failed on DATABASE_URL with ***');
  });

  it('leaves a one- or two-character password alone rather than garble every word', () => {
    expect(redactDatabaseUrl('already in use', 'postgres://x:y@127.0.0.1:1/db')).toBe('already in use');
  });
});

describe('the migration list', () => {
  it('is numbered 1, 2, 3... with no gap', () => {
    expect(() => checkMigrationList(migrations)).not.toThrow();
  });

  it('refuses a list with a gap or a repeat', () => {
    expect(() => checkMigrationList([first, { ...later, id: 3 }])).toThrow(/migration 3 \(notes\) is out of order: expected id 2/);
    expect(() => checkMigrationList([first, first])).toThrow(/expected id 2/);
  });
});
