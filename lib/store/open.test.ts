import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseTraceStore, openTraceStore } from './open';
import { sampleTrace } from './store-suite';

const root = mkdtempSync(path.join(tmpdir(), 'podpath-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('chooseTraceStore', () => {
  const dataDir = '/srv/podpath/data';

  it('uses SQLite in the data dir unless told otherwise', () => {
    expect(chooseTraceStore({ env: {}, dataDir })).toEqual({
      engine: 'sqlite',
      file: '/srv/podpath/data/podpath.sqlite',
    });
    expect(chooseTraceStore({ env: { PODPATH_DATA_DIR: '/var/lib/pp' }, dataDir })).toEqual({
      engine: 'sqlite',
      file: '/var/lib/pp/podpath.sqlite',
    });
  });

  it('uses PostgreSQL for a postgres URL, memory when asked', () => {
    for (const url of ['postgres://u:p@db/podpath', 'postgresql://u@/podpath?host=/run/pg']) {
      expect(chooseTraceStore({ env: { DATABASE_URL: url }, dataDir })).toEqual({
        engine: 'postgres',
        connectionString: url,
      });
    }
    expect(
      chooseTraceStore({ env: { PODPATH_STORE: 'memory', DATABASE_URL: 'postgres://x' }, dataDir }),
    ).toEqual({ engine: 'memory' });
  });

  it('refuses settings it does not understand', () => {
    expect(() => chooseTraceStore({ env: { DATABASE_URL: 'mysql://x' }, dataDir })).toThrow(
      /postgres:\/\//,
    );
    expect(() => chooseTraceStore({ env: { PODPATH_STORE: 'redis' }, dataDir })).toThrow(
      /PODPATH_STORE/,
    );
  });
});

describe('openTraceStore', () => {
  it('opens SQLite on first use, creating the data dir', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const store = openTraceStore({ env: {}, dataDir });
    expect(store.shared).toBe(false);
    await store.save(sampleTrace('a', '2026-01-01T00:00:00Z'));
    await store.close?.();
    const again = openTraceStore({ env: { PODPATH_DATA_DIR: dataDir }, dataDir: '/nowhere' });
    expect((await again.get('a'))?.id).toBe('a');
    await again.close?.();
  });

  it('reports an open failure on each call and in the log, without throwing at creation', async () => {
    // A file where the data dir should be: the directory cannot be created.
    const blocker = path.join(root, 'blocker');
    writeFileSync(blocker, '');
    const logged: string[] = [];
    const store = openTraceStore({
      env: {},
      dataDir: path.join(blocker, 'data'),
      log: (m) => logged.push(m),
    });
    await expect(store.list()).rejects.toThrow(/could not open the trace store \(SQLite at .*\)/);
    await expect(store.get('a')).rejects.toThrow(/could not open the trace store/);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/SQLite at .*blocker/);

    const bad = openTraceStore({ env: { PODPATH_STORE: 'nope' }, dataDir: root, log: () => {} });
    await expect(bad.get('a')).rejects.toThrow(/PODPATH_STORE/);
  });

  it('never shows the database URL, which may hold a password', async () => {
    const logged: string[] = [];
    const store = openTraceStore({
      env: { DATABASE_URL: 'postgresql://podpath:s3cret@/nodb?host=/nonexistent-socket-dir' },
      dataDir: root,
      log: (m) => logged.push(m),
    });
    expect(store.shared).toBe(true);
    const err = await store.get('a').then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/PostgreSQL at DATABASE_URL/);
    expect(`${err?.message} ${logged.join(' ')}`).not.toContain('s3cret');
  });
});
