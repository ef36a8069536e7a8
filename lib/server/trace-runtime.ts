import { rules } from '@/lib/diagnosis/rules';
import 'server-only';

import path from 'node:path';
import type {
  TraceCancelResponse,
  TraceCreated,
  TraceListQuery,
  TraceRequest,
} from '../api/traces';
import { connectCountFromEnv } from '../engine/config';
import { createTraceEngine } from '../engine/engine';
import { newTraceId } from '../engine/ids';
import { createTraceEventStream, SSE_HEADERS } from '../engine/sse';
import type { ClusterAccess, TraceEngine } from '../engine/types';
import { errorResponse, jsonError } from '../http/responses';
import { parseKnownHosts } from '../resolve';
import { openTraceStore } from '../store';
import type { TraceStore } from '../store/types';
import type { TraceResult } from '../trace/types';
import { getClusterRuntime } from './cluster-runtime';

interface Holder {
  engine: TraceEngine | null;
  store: TraceStore | null;
}

// Next.js dev reloads modules on every edit; on globalThis the running traces and their events
// survive a reload instead of being orphaned mid-probe.
const HOLDER_KEY = Symbol.for('podpath.trace-runtime');

function holder(): Holder {
  const g = globalThis as typeof globalThis & { [HOLDER_KEY]?: Holder };
  g[HOLDER_KEY] ??= { engine: null, store: null };
  return g[HOLDER_KEY];
}

/** The cluster a new trace runs against: whatever context the server uses right now. */
function currentCluster(): ClusterAccess {
  const rt = getClusterRuntime();
  return {
    context: rt.context,
    client: rt.cluster,
    snapshot: () => rt.snapshot(),
    ready: () => rt.ready(),
  };
}

/**
 * The process-wide trace engine over the cluster runtime and the in-memory store, created on
 * first use. Creating it starts the sweep of probe pods an earlier server process left behind.
 */
export function getTraceEngine(): TraceEngine {
  const h = holder();
  if (!h.engine) {
    // SQLite in the data dir unless DATABASE_URL or PODPATH_STORE say otherwise; it opens (and
    // migrates) on first use, and an open failure is logged and answers every call.
    h.store ??= openTraceStore({ env: process.env, dataDir: path.join(process.cwd(), 'data') });
    const engine = createTraceEngine({
      cluster: currentCluster,
      store: h.store,
      knownHosts: parseKnownHosts(process.env.PODPATH_KNOWN_HOSTS),
      connectCount: connectCountFromEnv(process.env),
      rules,
    });
    h.engine = engine;
    // Failures are logged by the engine; a trace that starts meanwhile waits for the sweep.
    void engine.cleanupOrphans().catch(() => undefined);
  }
  return h.engine;
}

/**
 * Starts the trace engine early (server start), so leftover probe pods are swept without
 * waiting for the first request about traces. Never throws: with no cluster yet, the first
 * trace request reports why.
 */
export function warmUpTraceEngine(): void {
  try {
    getTraceEngine();
  } catch (err) {
    console.error(
      `podpath: the trace engine could not start yet: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Shuts the engine down (tests, server shutdown): running traces are cancelled and awaited. */
export async function closeTraceEngine(): Promise<void> {
  const h = holder();
  const engine = h.engine;
  h.engine = null;
  await engine?.close();
}

/** `POST /api/traces`: the trace's id and its page. */
export async function startTrace(body: TraceRequest): Promise<TraceCreated> {
  const started = await getTraceEngine().start(body);
  return { id: started.id, url: `/traces/${started.id}` };
}

/** The store the engine writes to (created with the engine). */
export function getTraceStore(): TraceStore {
  getTraceEngine();
  const store = holder().store;
  if (!store) throw new Error('podpath: the trace store is not open');
  return store;
}

/**
 * Stores a trace from a JSON export under a new id, so that it gets its own share link; the id
 * it had and the time it came in are kept in `importedFrom`. A trace that was still running
 * when exported cannot be finished here, so it is stored as an error.
 */
export async function importTrace(exported: TraceResult): Promise<TraceCreated> {
  const id = newTraceId();
  const imported: TraceResult = {
    ...exported,
    id,
    importedFrom: { id: exported.id, importedAt: new Date().toISOString() },
  };
  if (imported.status === 'running') {
    imported.status = 'error';
    imported.error = {
      code: 'incomplete-export',
      message: 'this trace was still running when it was exported',
    };
  }
  await getTraceStore().save(imported);
  return { id, url: `/traces/${id}` };
}

/** `GET /api/traces/ID`: null for an unknown id. */
export function getTrace(id: string): Promise<TraceResult | null> {
  return getTraceEngine().get(id);
}

/** `GET /api/traces`: newest first. */
export async function listTraces(query: TraceListQuery): Promise<{ traces: TraceResult[] }> {
  return { traces: await getTraceEngine().list(query) };
}

/** `POST /api/traces/ID/cancel`: null for an unknown id. */
export async function cancelTrace(id: string): Promise<TraceCancelResponse | null> {
  const outcome = await getTraceEngine().cancel(id);
  if (!outcome) return null;
  return { id, status: outcome.result.status, cancelled: outcome.cancelled };
}

/** `GET /api/traces/ID/events`: the SSE response, or null for an unknown id. */
export async function traceEventsResponse(
  id: string,
  opts: { afterSeq: number; signal: AbortSignal },
): Promise<Response | null> {
  const stream = await createTraceEventStream(getTraceEngine(), id, opts);
  return stream ? new Response(stream, { headers: SSE_HEADERS }) : null;
}

/** The 404 answer for a trace id nobody knows. */
export function traceNotFound(id: string): Response {
  return jsonError(404, 'not-found', `no trace ${id}`);
}

/**
 * Maps what the trace functions throw to the contract's error body: a reference error keeps
 * its own code and 400/404 status; cluster errors and the rest go through errorResponse.
 */
export function traceErrorResponse(err: unknown): Response {
  if (isRefError(err)) return jsonError(err.status, err.code, err.message);
  if (isProbeInputError(err)) return jsonError(400, err.code, err.message);
  return errorResponse(err);
}

function isRefError(err: unknown): err is { status: 400 | 404; code: string; message: string } {
  // By name and shape, not instanceof: Next.js may bundle a module twice (route vs. instrumentation).
  const e = err as { name?: unknown; status?: unknown; code?: unknown };
  return (
    err instanceof Error &&
    e.name === 'RefError' &&
    (e.status === 400 || e.status === 404) &&
    typeof e.code === 'string'
  );
}

function isProbeInputError(err: unknown): err is { code: string; message: string } {
  return err instanceof Error && err.name === 'ProbeInputError';
}
