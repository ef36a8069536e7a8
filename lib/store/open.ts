/**
 * Which trace store the server uses, chosen from its environment, and the wrapper that lets the
 * server hold a store at once while the database behind it is still opening and migrating.
 */
import 'server-only';

import path from 'node:path';
import { createMemoryTraceStore } from './memory';
import type { TraceStore } from './types';

/** SQLite file name inside the data dir. */
export const SQLITE_FILE = 'podpath.sqlite';

export interface OpenTraceStoreOptions {
  /** process.env, or a plain record in tests (Next.js makes NODE_ENV required on ProcessEnv). */
  env: Readonly<Record<string, string | undefined>>;
  /** The data dir when PODPATH_DATA_DIR is not set (`<project root>/data`). */
  dataDir: string;
  /** Where open failures are reported besides the calls that fail; console.error by default. */
  log?: (message: string) => void;
}

/** Which engine the environment asks for, and where; throws on a setting that makes no sense. */
export type StoreChoice =
  | { engine: 'memory' }
  | { engine: 'sqlite'; file: string }
  | { engine: 'postgres'; connectionString: string };

/**
 * PODPATH_STORE=memory: memory (lost at exit); DATABASE_URL (postgres:// or postgresql://):
 * PostgreSQL; otherwise SQLite at `${PODPATH_DATA_DIR ?? dataDir}/podpath.sqlite`.
 */
export function chooseTraceStore(
  options: Pick<OpenTraceStoreOptions, 'env' | 'dataDir'>,
): StoreChoice {
  const { env } = options;
  const kind = env.PODPATH_STORE?.trim();
  if (kind === 'memory') return { engine: 'memory' };
  if (kind)
    throw new Error(`PODPATH_STORE may only be "memory" (or unset), not ${JSON.stringify(kind)}`);
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    return { engine: 'postgres', connectionString: url };
  }
  const dir = env.PODPATH_DATA_DIR?.trim() ? path.resolve(env.PODPATH_DATA_DIR) : options.dataDir;
  return { engine: 'sqlite', file: path.join(dir, SQLITE_FILE) };
}

function describeChoice(choice: StoreChoice): string {
  switch (choice.engine) {
    case 'memory':
      return 'in memory';
    case 'sqlite':
      return `SQLite at ${choice.file}`;
    case 'postgres':
      // Never the URL itself: it may carry a password.
      return 'PostgreSQL at DATABASE_URL';
  }
}

async function openChoice(choice: StoreChoice): Promise<TraceStore> {
  switch (choice.engine) {
    case 'memory':
      return createMemoryTraceStore();
    case 'sqlite': {
      // Loaded only when chosen: a memory or PostgreSQL server never loads the native addon.
      const { openSqliteTraceStore } = await import('./sqlite');
      return openSqliteTraceStore({ file: choice.file });
    }
    case 'postgres': {
      const { openPostgresTraceStore } = await import('./postgres');
      return openPostgresTraceStore({ connectionString: choice.connectionString });
    }
  }
}

/**
 * The trace store the environment asks for, returned at once: every call first waits for the
 * store to open and migrate. When that fails, the failure is logged and each call rejects with
 * it, and the next call tries again (a database that was down at start may be up by then).
 */
export function openTraceStore(options: OpenTraceStoreOptions): TraceStore {
  const log = options.log ?? ((m: string) => console.error(`podpath: ${m}`));
  let what = 'the trace store';
  let opening: Promise<TraceStore> | null = null;

  function ready(): Promise<TraceStore> {
    opening ??= (async () => {
      const choice = chooseTraceStore(options);
      what = `the trace store (${describeChoice(choice)})`;
      return openChoice(choice);
    })().catch((err: unknown) => {
      opening = null;
      const message = `could not open ${what}: ${err instanceof Error ? err.message : String(err)}`;
      log(message);
      throw new Error(`podpath: ${message}`, { cause: err });
    });
    return opening;
  }

  let shared = false;
  try {
    shared = chooseTraceStore(options).engine === 'postgres';
  } catch {
    // Reported by the first call, with the rest of the open failures.
  }

  return {
    shared,
    save: async (result) => (await ready()).save(result),
    get: async (id) => (await ready()).get(id),
    list: async (filter) => (await ready()).list(filter),
    update: async (id, patch) => (await ready()).update(id, patch),
    async close() {
      const pending = opening;
      opening = null;
      if (!pending) return;
      const store = await pending.catch(() => null);
      await store?.close?.();
    },
  };
}
