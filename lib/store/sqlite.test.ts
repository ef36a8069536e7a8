import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteTraceStore, SQLITE_MIGRATIONS } from './sqlite';
import { describeTraceStore, sampleTrace } from './store-suite';

const root = mkdtempSync(path.join(tmpdir(), 'podpath-sqlite-'));
let n = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

describeTraceStore('sqlite', {
  persistent: true,
  async fresh() {
    // A directory that does not exist yet: the store creates it.
    const file = path.join(root, `t${++n}`, 'data', 'podpath.sqlite');
    return async () => openSqliteTraceStore({ file });
  },
});

describe('sqlite trace store', () => {
  it('records each migration once and answers list from indexed columns', async () => {
    const file = path.join(root, 'migrations', 'podpath.sqlite');
    const a = openSqliteTraceStore({ file });
    const b = openSqliteTraceStore({ file });
    await a.save(sampleTrace('x', '2026-01-01T00:00:00Z'));
    await Promise.all([a.close?.(), b.close?.()]);

    const db = new Database(file, { readonly: true });
    try {
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      expect(versions).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version })));
      const plan = db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT body FROM traces WHERE status = 'x' ORDER BY created_at DESC, seq DESC LIMIT 5",
        )
        .all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX traces_status/);
      expect(db.prepare('SELECT id, status, from_ref, to_ref, cluster FROM traces').all()).toEqual([
        {
          id: 'x',
          status: 'reachable',
          from_ref: 'pod:default/web-client',
          to_ref: 'pod:default/httpd',
          cluster: 'demo',
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('throws a clear error when the file cannot be opened', () => {
    const file = path.join(root, 'not-a-db', 'podpath.sqlite');
    openSqliteTraceStore({ file }).close?.();
    rmSync(file);
    // A directory where the file should be.
    expect(() => openSqliteTraceStore({ file: path.dirname(file) })).toThrow();
  });
});
