/**
 * The database schema, one step at a time. A migration is never edited or removed once it has
 * shipped: a server that already applied it would never see the change. To change the schema,
 * append the next id. Each runs in its own transaction, with the row that records it in
 * `schema_migrations`, so a failed step leaves nothing behind and is tried again on next start.
 *
 * The SQL must run on both PGlite and PostgreSQL 15+ (the same dialect; PGlite is PostgreSQL). It
 * may hold several statements, but no BEGIN/COMMIT (the runner wraps it) and nothing that cannot
 * run inside a transaction (CREATE INDEX CONCURRENTLY, VACUUM).
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'centres',
    sql: `
      CREATE TABLE centres (
        id text PRIMARY KEY,
        name text NOT NULL,
        time_zone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: 2,
    name: 'devices and records',
    // records.cursor is not a sequence: a sequence hands out numbers in the order transactions
    // ask, not the order they commit, and a pull would skip a change that commits later with a
    // lower number. centres.last_cursor is taken under the centre's row lock instead (sync/push.ts).
    sql: `
      ALTER TABLE centres ADD COLUMN last_cursor bigint NOT NULL DEFAULT 0;

      CREATE TABLE devices (
        id text PRIMARY KEY,
        centre_id text NOT NULL REFERENCES centres,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('lead', 'volunteer')),
        token_hash text NOT NULL UNIQUE,
        code_series text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz,
        acked_seq bigint NOT NULL DEFAULT 0,
        UNIQUE (centre_id, code_series)
      );

      CREATE TABLE enrolment_codes (
        code_hash text PRIMARY KEY,
        centre_id text NOT NULL REFERENCES centres,
        role text NOT NULL CHECK (role IN ('lead', 'volunteer')),
        uses_left int NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE records (
        centre_id text NOT NULL REFERENCES centres,
        tbl text NOT NULL,
        id text NOT NULL,
        fields jsonb NOT NULL,
        hlcs jsonb NOT NULL,
        cursor bigint NOT NULL,
        PRIMARY KEY (centre_id, tbl, id)
      );
      CREATE INDEX records_centre_cursor ON records (centre_id, cursor);

      -- Kept so that a retried push, whose ops are skipped, lists its rejections again: the
      -- device forgets a rejected op once acknowledged, so a lost answer must not lose the reason.
      CREATE TABLE rejected_ops (
        device_id text NOT NULL REFERENCES devices,
        seq bigint NOT NULL,
        code text NOT NULL,
        message text NOT NULL,
        PRIMARY KEY (device_id, seq)
      );
    `,
  },
  {
    id: 3,
    name: 'report indexes',
    // The reports read a range of days (sync-protocol.md, reports/days): the events, sessions and
    // shifts by their day field, and each session's participations. Without these a year's
    // report would scan every record of the centre. Both are partial, and the day index's
    // predicate is one only the report query states: PGlite keeps no statistics until ANALYZE,
    // and without them the planner took a whole-centre index for each push's lookup by id
    // (a push of 20,000 ops fell from 16,000 to 1,200 ops/s).
    sql: `
      CREATE INDEX records_day ON records (centre_id, tbl, (fields->>'day')) WHERE fields ? 'day';
      CREATE INDEX records_participation_session ON records (centre_id, (fields->>'sessionId')) WHERE tbl = 'participations';
    `,
  },
  {
    id: 4,
    name: 'kept day totals and retention',
    // Issue 11 (sync-protocol.md, Erasure and Retention): each day's facts, kept so a report reads
    // them instead of every record (a push forgets those of the days it changes), and what
    // erasures and purges took out of a day's figures, so the day keeps them once its rows are
    // gone. first_kept_day is the retention bound the last purge applied: an op for a day before
    // it is acknowledged and not stored.
    sql: `
      CREATE TABLE day_facts (
        centre_id text NOT NULL REFERENCES centres,
        day text NOT NULL,
        rules_key text NOT NULL,
        facts jsonb NOT NULL,
        PRIMARY KEY (centre_id, day)
      );
      CREATE TABLE day_corrections (
        centre_id text NOT NULL REFERENCES centres,
        day text NOT NULL,
        correction jsonb NOT NULL,
        PRIMARY KEY (centre_id, day)
      );
      ALTER TABLE centres ADD COLUMN first_kept_day text;
    `,
  },
  {
    id: 5,
    name: 'erased records',
    // The keys of the records an erasure deleted (sync/erasure.ts): a partial op on one (an Undo's
    // deleted, a check-out's leftAt) names no child, and must not bring the record back.
    sql: `
      CREATE TABLE erased_records (
        centre_id text NOT NULL REFERENCES centres,
        tbl text NOT NULL,
        id text NOT NULL,
        PRIMARY KEY (centre_id, tbl, id)
      );
    `,
  },
];
