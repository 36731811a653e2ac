import pg from 'pg';

/** The PostgreSQL the tests may use, when TEST_DATABASE_URL names one (`.ci/run` sets it). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export type PostgresSchema = {
  /** `databaseUrl` with the schema as its search path: what a store opened on it sees. */
  url: string;
  create: () => Promise<void>;
  drop: () => Promise<void>;
};

/**
 * A schema of its own in `databaseUrl`, so test files (and benchmarks) running at once never see
 * each other's tables, and the database's own are never touched.
 */
export function postgresSchema(databaseUrl: string, prefix = 't'): PostgresSchema {
  const schema = `${prefix}_${Math.random().toString(36).slice(2, 12)}`;
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    create: () => adminQuery(databaseUrl, `CREATE SCHEMA ${schema}`),
    drop: () => adminQuery(databaseUrl, `DROP SCHEMA ${schema} CASCADE`),
  };
}

async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
