/** Wire schemas of the cluster endpoints: health, contexts and the context switch. */
import { z } from 'zod';

export const informerStatusSchema = z.object({
  resource: z.string(),
  synced: z.boolean(),
  restarts: z.number(),
  lastError: z.string().nullable(),
});

/**
 * `GET /api/health`: 200 with ok=true once the inventory has loaded, 503 with ok=false before
 * (or when the runtime failed); `informers` says which resource is still syncing and why.
 */
export const healthResponseSchema = z.object({
  ok: z.boolean(),
  cluster: z.string(),
  demo: z.boolean(),
  informers: z.array(informerStatusSchema).optional(),
  /** Why the inventory cannot load at all (no cluster, forbidden, bad kubeconfig). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** `GET /api/contexts` and the answer to `POST /api/context`. */
export const contextsResponseSchema = z.object({
  current: z.string(),
  demo: z.boolean(),
  contexts: z.array(z.string()),
  /** Whether the current context's inventory has loaded. */
  ready: z.boolean(),
});
export type ContextsResponse = z.infer<typeof contextsResponseSchema>;

/** `POST /api/context`. */
export const contextSwitchRequestSchema = z.object({
  context: z.string().trim().min(1, 'context must be a non-empty kubeconfig context name'),
});
export type ContextSwitchRequest = z.infer<typeof contextSwitchRequestSchema>;
