import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresTraceStore, POSTGRES_MIGRATIONS } from './postgres';
import { describeTraceStore, sampleTrace } from './store-suite';

// Set by scripts/with-postgres.sh (npm test wraps vitest in it), which starts a throwaway server.
const url = process.env.PODPATH_TEST_DATABASE_URL;
const required = !!process.env.CI || process.env.PODPATH_REQUIRE_POSTGRES === '1';

/** Runs SQL on a connection of its own. */
async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const newSchema = () => `podpath_test_${randomBytes(6).toString('hex')}`;

if (url) {
  const schemas: string[] = [];
  describeTraceStore('postgres', {
    persistent: true,
    async fresh() {
      // Each test in a schema of its own, created by the store's own migration.
      const schema = newSchema();
      schemas.push(schema);
      return async () => openPostgresTraceStore({ connectionString: url, schema });
    },
    async cleanup() {
      for (const s of schemas.splice(0)) await sql(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    },
  });

  describe('postgres trace store', () => {
    it('records each migration once when replicas start together', async () => {
      const schema = newSchema();
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresTraceStore({ connectionString: url, schema })),
      );
      try {
        await stores[0]!.save(sampleTrace('x', '2026-01-01T00:00:00Z'));
        expect((await stores[3]!.list()).map((t) => t.id)).toEqual(['x']);
        expect(stores[0]!.shared).toBe(true);
        const versions = await sql<{ version: number }>(
          `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
        );
        expect(versions).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
      } finally {
        await Promise.all(stores.map((s) => s.close?.()));
        await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    });

    it('rejects, and leaves nothing open, when the database is not there', async () => {
      const bad = url.replace(/\/[^/?]+(\?|$)/, '/podpath_no_such_db$1');
      await expect(openPostgresTraceStore({ connectionString: bad })).rejects.toThrow(
        /podpath_no_such_db/,
      );
    });
  });
} else if (required) {
  describe('postgres trace store', () => {
    it('needs PODPATH_TEST_DATABASE_URL (CI or PODPATH_REQUIRE_POSTGRES=1 is set)', () => {
      throw new Error(
        'PODPATH_TEST_DATABASE_URL is not set; run the tests through scripts/with-postgres.sh',
      );
    });
  });
} else {
  describe.skip('postgres trace store: skipped, PODPATH_TEST_DATABASE_URL is not set (bash scripts/with-postgres.sh npx vitest run)', () => {
    it('runs the shared store suite against PostgreSQL', () => {});
  });
}
