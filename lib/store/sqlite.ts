/**
 * The SQLite trace store: one file in the data dir, the default when no database is configured.
 * better-sqlite3 is synchronous; its calls are short (one indexed statement each) and wrapped in
 * the async interface so that callers do not care which engine stands behind it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { TraceResult } from '../trace/types';
import { clampListLimit } from './memory';
import { mergePatch, toRow, type TraceRow } from './rows';
import type { TraceListFilter, TracePatch, TraceStore } from './types';

/** One schema change; versions only grow, and an applied one is never edited. */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The SQLite schema, in order. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'traces',
    // seq keeps insertion order for traces created in the same instant (and, unlike rowid,
    // survives VACUUM); a re-saved trace keeps its seq, as it keeps its place in memory.
    sql: `
      CREATE TABLE traces (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        from_ref TEXT NOT NULL,
        to_ref TEXT NOT NULL,
        cluster TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX traces_newest ON traces (created_at DESC, seq DESC);
      CREATE INDEX traces_status ON traces (status, created_at DESC, seq DESC);
      CREATE INDEX traces_from ON traces (from_ref, created_at DESC, seq DESC);
      CREATE INDEX traces_to ON traces (to_ref, created_at DESC, seq DESC);
      CREATE INDEX traces_cluster ON traces (cluster);
    `,
  },
];

export interface SqliteTraceStoreOptions {
  /** The database file; its directory is created when missing. ':memory:' for a throwaway one. */
  file: string;
}

/** Applies the migrations a database lacks, in one write transaction (safe to run twice). */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const m of SQLITE_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }
    // IMMEDIATE: a second process opening the same file waits here instead of racing.
  }).immediate();
}

/**
 * Opens (creating when missing) the SQLite file and brings its schema up to date. Throws when
 * the file cannot be opened or migrated.
 */
export function openSqliteTraceStore(options: SqliteTraceStoreOptions): TraceStore {
  if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  try {
    // Another process writing the same file makes us wait, not fail at once.
    db.pragma('busy_timeout = 5000');
    if (options.file !== ':memory:') db.pragma('journal_mode = WAL');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }

  const insert = db.prepare<TraceRow>(`
    INSERT INTO traces (id, seq, created_at, status, from_ref, to_ref, cluster, body)
    VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM traces), @created_at, @status,
            @from_ref, @to_ref, @cluster, @body)
    ON CONFLICT (id) DO UPDATE SET
      created_at = excluded.created_at, status = excluded.status, from_ref = excluded.from_ref,
      to_ref = excluded.to_ref, cluster = excluded.cluster, body = excluded.body`);
  const selectOne = db.prepare<[string], { body: string }>('SELECT body FROM traces WHERE id = ?');
  const rewrite = db.prepare<TraceRow>(`
    UPDATE traces SET status = @status, from_ref = @from_ref, to_ref = @to_ref,
      cluster = @cluster, body = @body
    WHERE id = @id`);
  const updateTx = db.transaction((id: string, patch: TracePatch): TraceResult | null => {
    const row = selectOne.get(id);
    if (!row) return null;
    const next = mergePatch(JSON.parse(row.body) as TraceResult, patch);
    rewrite.run(toRow(next));
    return next;
  });

  return {
    async save(result) {
      insert.run(toRow(result));
    },
    async get(id) {
      const row = selectOne.get(id);
      return row ? (JSON.parse(row.body) as TraceResult) : null;
    },
    async list(filter: TraceListFilter = {}) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.from !== undefined) {
        where.push('from_ref = ?');
        params.push(filter.from);
      }
      if (filter.to !== undefined) {
        where.push('to_ref = ?');
        params.push(filter.to);
      }
      if (filter.status !== undefined) {
        where.push('status = ?');
        params.push(filter.status);
      }
      params.push(clampListLimit(filter.limit));
      const sql = `SELECT body FROM traces ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, seq DESC LIMIT ?`;
      return db
        .prepare<(string | number)[], { body: string }>(sql)
        .all(...params)
        .map((r) => JSON.parse(r.body) as TraceResult);
    },
    async update(id, patch) {
      // IMMEDIATE takes the write lock before the read, so a concurrent writer in another
      // process cannot slip between our read and our write.
      return updateTx.immediate(id, patch);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
