/**
 * The PostgreSQL trace store, for several dashboard replicas sharing their traces. Chosen when
 * DATABASE_URL is set. Every replica migrates at start; an advisory lock makes them take turns.
 */
import pg from 'pg';
import type { TraceResult } from '../trace/types';
import { clampListLimit } from './memory';
import { mergePatch, toRow } from './rows';
import type { TraceListFilter, TraceStore } from './types';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The PostgreSQL schema, in order; versions only grow, an applied one is never edited. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'traces',
    // created_at is the ISO text the trace carries, compared byte-wise (COLLATE "C"), which is
    // time order for toISOString's fixed format. body is json, not jsonb: jsonb refuses \u0000,
    // and a probe's raw output may hold any byte.
    sql: `
      CREATE TABLE traces (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        created_at text COLLATE "C" NOT NULL,
        status text NOT NULL,
        from_ref text NOT NULL,
        to_ref text NOT NULL,
        cluster text NOT NULL,
        body json NOT NULL
      );
      CREATE INDEX traces_newest ON traces (created_at DESC, seq DESC);
      CREATE INDEX traces_status ON traces (status, created_at DESC, seq DESC);
      CREATE INDEX traces_from ON traces (from_ref, created_at DESC, seq DESC);
      CREATE INDEX traces_to ON traces (to_ref, created_at DESC, seq DESC);
      CREATE INDEX traces_cluster ON traces (cluster);
    `,
  },
];

/** pg_advisory_xact_lock key of podpath's migrations ("podpath" in ASCII). */
const MIGRATION_LOCK = 0x706f6470617468n;

export interface PostgresTraceStoreOptions {
  /** postgres:// or postgresql:// URL (`?host=/dir` for a Unix socket). */
  connectionString: string;
  /** Schema the tables live in (created when missing); the connection's default when absent. */
  schema?: string;
  /** Largest number of connections of this process. */
  maxConnections?: number;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Applies the migrations the database lacks, in one transaction under an advisory lock: two
 * replicas starting at once run them one after the other, and the second finds nothing to do.
 */
async function migrate(client: pg.PoolClient, schema: string | undefined): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    if (schema !== undefined)
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(rows.map((r) => r.version));
    for (const m of POSTGRES_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Connects to PostgreSQL and brings the schema up to date; rejects when the database cannot be
 * reached or migrated (the pool is closed then).
 */
export async function openPostgresTraceStore(
  options: PostgresTraceStoreOptions,
): Promise<TraceStore> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 5,
    // Every connection of the pool looks in the store's schema first.
    ...(options.schema !== undefined
      ? { options: `-c search_path=${quoteIdent(options.schema)}` }
      : {}),
  });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migrate(client, options.schema);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }

  return {
    shared: true,
    async save(result) {
      const r = toRow(result);
      await pool.query(
        `INSERT INTO traces (id, created_at, status, from_ref, to_ref, cluster, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET
           created_at = excluded.created_at, status = excluded.status,
           from_ref = excluded.from_ref, to_ref = excluded.to_ref, cluster = excluded.cluster,
           body = excluded.body`,
        [r.id, r.created_at, r.status, r.from_ref, r.to_ref, r.cluster, r.body],
      );
    },
    async get(id) {
      const { rows } = await pool.query<{ body: TraceResult }>(
        'SELECT body FROM traces WHERE id = $1',
        [id],
      );
      return rows[0]?.body ?? null;
    },
    async list(filter: TraceListFilter = {}) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const add = (column: string, value: string | undefined) => {
        if (value === undefined) return;
        params.push(value);
        where.push(`${column} = $${params.length}`);
      };
      add('from_ref', filter.from);
      add('to_ref', filter.to);
      add('status', filter.status);
      params.push(clampListLimit(filter.limit));
      const { rows } = await pool.query<{ body: TraceResult }>(
        `SELECT body FROM traces ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, seq DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => r.body);
    },
    async update(id, patch) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // FOR UPDATE: a second replica updating the same trace waits for our commit and then
        // merges into what we wrote, so neither loses the other's fields.
        const { rows } = await client.query<{ body: TraceResult }>(
          'SELECT body FROM traces WHERE id = $1 FOR UPDATE',
          [id],
        );
        const found = rows[0];
        if (!found) {
          await client.query('COMMIT');
          return null;
        }
        const next = mergePatch(found.body, patch);
        const r = toRow(next);
        await client.query(
          `UPDATE traces SET status = $2, from_ref = $3, to_ref = $4, cluster = $5, body = $6
           WHERE id = $1`,
          [r.id, r.status, r.from_ref, r.to_ref, r.cluster, r.body],
        );
        await client.query('COMMIT');
        return next;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
