import 'server-only';
import { warmUpTraceEngine } from '@/lib/server/trace-runtime';

/**
 * What the cluster endpoints answer, built from the process-wide cluster runtime. The route
 * handlers only wrap these in responses.
 */
import type { ContextsResponse, HealthResponse } from '@/lib/api/cluster';
import { dataPlaneSchema, type InventoryResponse } from '@/lib/api/inventory';
import { isClusterError } from '@/lib/cluster/errors';
import {
  getClusterRuntime,
  switchContext,
  type ClusterRuntime,
} from '@/lib/server/cluster-runtime';

/** How long GET /api/inventory waits for a first sync before answering 503 not-ready. */
const FIRST_SYNC_WAIT_MS = 3_000;

/** The health answer; `ok` only once every informer has synced. Never throws. */
export async function health(): Promise<HealthResponse> {
  let rt: ClusterRuntime;
  try {
    rt = getClusterRuntime();
  } catch (err) {
    return {
      ok: false,
      cluster: process.env.PODPATH_CONTEXT ?? '',
      demo: process.env.PODPATH_DEMO === '1',
      error: describe(err),
    };
  }
  const ready = rt.isReady();
  // The start script polls health until it answers 200: that is server start, when probe pods a
  // crashed predecessor left behind must be swept, before anyone asks for a trace.
  if (ready) warmUpTraceEngine();
  return {
    ok: ready,
    cluster: rt.context,
    demo: rt.demo,
    informers: rt.status().informers.map((i) => ({
      resource: i.resource,
      synced: i.synced,
      restarts: i.restarts,
      lastError: i.lastError,
    })),
  };
}

export type InventoryResult =
  { ready: true; body: InventoryResponse } | { ready: false; context: string };

/** The inventory snapshot with the facts the UI shows about its cluster, once it has synced. */
export async function inventory(): Promise<InventoryResult> {
  const rt = getClusterRuntime();
  if (!rt.isReady()) {
    // A first page load usually lands while the informers list; a short wait saves a 503.
    const synced = await Promise.race([
      rt.ready().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), FIRST_SYNC_WAIT_MS)),
    ]);
    if (!synced) return { ready: false, context: rt.context };
  }
  const dataPlane = dataPlaneSchema.safeParse(process.env.PODPATH_DATA_PLANE);
  return {
    ready: true,
    body: {
      ...rt.snapshot(),
      context: rt.context,
      demo: rt.demo,
      dataPlane: rt.demo && dataPlane.success ? dataPlane.data : null,
    },
  };
}

/** The kubeconfig's contexts and which one is in use. */
export function contexts(): ContextsResponse {
  const rt = getClusterRuntime();
  return { current: rt.context, demo: rt.demo, contexts: rt.contexts, ready: rt.isReady() };
}

/** Switches the server to another context of the kubeconfig (ClusterError not-found if none). */
export async function switchToContext(name: string): Promise<ContextsResponse> {
  const rt = await switchContext(name);
  return { current: rt.context, demo: rt.demo, contexts: rt.contexts, ready: rt.isReady() };
}

function describe(err: unknown): { code: string; message: string } {
  if (isClusterError(err)) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
