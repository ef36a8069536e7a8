/**
 * Wire schemas of the trace endpoints: the request that starts a trace, the TraceResult of
 * shared/contract.md, the list query and the server-sent progress events. They mirror
 * lib/trace/types.ts; the assertions at the bottom stop compiling the moment the two drift.
 */
import { z } from 'zod';
import type {
  ConnectSummary,
  Finding,
  HopEntity,
  PathElement,
  PathLink,
  TraceEndpoint,
  TraceHop,
  TraceResult,
} from '@/lib/trace/types';

export const traceStatusSchema = z.enum([
  'running',
  'reachable',
  'unreachable',
  'intermittent',
  'error',
]);

export const probeStrategySchema = z.enum(['pod', 'ephemeral', 'hostNetwork']);

/** What a caller may ask for: a fixed strategy or `auto` (podpath picks, the default). */
export const requestedStrategySchema = z.enum(['auto', 'pod', 'ephemeral', 'hostNetwork']);
export type RequestedStrategy = z.infer<typeof requestedStrategySchema>;

/** Longest endpoint reference accepted; a DNS name is at most 253 characters. */
const MAX_REF_LENGTH = 512;

const refString = (field: string) =>
  z
    .string()
    .trim()
    .min(1, `${field} must be an endpoint reference such as pod:NAMESPACE/NAME`)
    .max(MAX_REF_LENGTH, `${field} is too long`);

/** `POST /api/traces`. The references themselves are checked by lib/refs (400 / 404). */
export const traceRequestSchema = z.object({
  from: refString('from'),
  to: refString('to'),
  strategy: requestedStrategySchema.optional(),
});
export type TraceRequest = z.infer<typeof traceRequestSchema>;

/** `POST /api/traces` answers 201 with this. */
export const traceCreatedSchema = z.object({
  id: z.string(),
  url: z.string(),
});
export type TraceCreated = z.infer<typeof traceCreatedSchema>;

/**
 * Trace ids: 18 random bytes in base64url, 24 characters. Anything else is malformed (400)
 * before the store is asked, so a guessed path cannot probe the store's key space cheaply.
 */
export const TRACE_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
export const traceIdSchema = z.string().regex(TRACE_ID_PATTERN, 'not a trace id');

export const traceEndpointSchema = z.object({
  ref: z.string(),
  kind: z.enum(['pod', 'node', 'service', 'ip', 'dns']),
  ip: z.string().nullable(),
  node: z.string().nullable(),
  port: z.number().nullable().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  hostNetwork: z.boolean().optional(),
});

const entityKind = z.enum([
  'pod',
  'interface',
  'node',
  'service',
  'loadbalancer',
  'external',
  'unknown',
]);

export const hopEntitySchema = z.object({
  kind: entityKind,
  namespace: z.string().optional(),
  name: z.string().optional(),
  node: z.string().optional(),
  label: z.string().optional(),
});

export const traceHopSchema = z.object({
  ttl: z.number(),
  ip: z.string().nullable(),
  rttMs: z.array(z.number()),
  entity: hopEntitySchema.nullable(),
  alsoFrom: z.array(z.string()).optional(),
  annotations: z.array(z.string()).optional(),
  host: z.string().nullable().optional(),
});

export const pathElementSchema = z.object({
  id: z.string(),
  kind: entityKind,
  label: z.string().optional(),
  node: z.string().optional(),
  source: z.enum(['expected', 'seen', 'both']).optional(),
  hop: z.number().optional(),
  tags: z.array(z.string()).optional(),
});

export const linkStateSchema = z.enum(['ok', 'broken', 'intermittent', 'unknown']);

export const pathLinkSchema = z.object({
  from: z.number(),
  to: z.number(),
  state: linkStateSchema,
  rttMs: z.number().nullable().optional(),
  successRatio: z.object({ ok: z.number(), total: z.number() }).nullable().optional(),
  label: z.string().optional(),
});

export const findingSchema = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  link: z.number().nullable(),
  title: z.string(),
  explanation: z.string(),
  evidence: z.array(z.string()),
  fix: z.array(
    z.object({
      title: z.string(),
      commands: z.array(z.string()).optional(),
      yaml: z.string().optional(),
    }),
  ),
});

export const connectSummarySchema = z.object({
  target: z.string(),
  port: z.number(),
  attempts: z.number(),
  succeeded: z.number(),
  results: z.array(
    z.object({ ok: z.boolean(), ms: z.number().nullable(), error: z.string().optional() }),
  ),
});

/** Where the time of a trace went; the benchmark reads it. Milliseconds. */
export const traceTimingsSchema = z.object({
  /** From the request to the final result. */
  totalMs: z.number(),
  /** Each probe from asking the cluster for it until its output was read and it was gone. */
  probes: z.array(
    z.object({
      kind: z.enum(['traceroute', 'connect', 'dns']),
      ms: z.number(),
      /** The probe program's own run time, when the container status told it. */
      runMs: z.number().nullable(),
    }),
  ),
});
export type TraceTimings = z.infer<typeof traceTimingsSchema>;

export const traceResultSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable().optional(),
  cluster: z.string(),
  from: traceEndpointSchema,
  to: traceEndpointSchema,
  strategy: probeStrategySchema.nullable(),
  status: traceStatusSchema,
  hops: z.array(traceHopSchema),
  path: z.array(pathElementSchema),
  links: z.array(pathLinkSchema),
  findings: z.array(findingSchema),
  connect: connectSummarySchema.nullable().optional(),
  notes: z.array(z.string()).optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
  raw: z.record(z.string(), z.string().optional()),
  /** Not in lib/trace/types.ts yet: an addition of the engine, optional everywhere. */
  timings: traceTimingsSchema.nullable().optional(),
  importedFrom: z.object({ id: z.string(), importedAt: z.string() }).nullable().optional(),
});

/** `GET /api/traces?from=&to=&status=&limit=`: every parameter optional. */
export const traceListQuerySchema = z.object({
  from: z.string().trim().min(1).optional(),
  to: z.string().trim().min(1).optional(),
  status: traceStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type TraceListQuery = z.infer<typeof traceListQuerySchema>;

/** The list answer: full results, newest first. */
export const traceListResponseSchema = z.object({
  traces: z.array(traceResultSchema),
});
export type TraceListResponse = z.infer<typeof traceListResponseSchema>;

/** `POST /api/traces/ID/cancel`: the trace as it stands after the request. */
export const traceCancelResponseSchema = z.object({
  id: z.string(),
  status: traceStatusSchema,
  /** False when the trace had already finished, so there was nothing to cancel. */
  cancelled: z.boolean(),
});
export type TraceCancelResponse = z.infer<typeof traceCancelResponseSchema>;

/**
 * Progress events of `GET /api/traces/ID/events`; the SSE `event:` field is `type`, the `data:`
 * field the whole object as JSON. The stream always ends with `done` (carrying the final
 * TraceResult, whatever its status) after an optional `error`.
 */
export const traceEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('scheduled'),
    probe: z.string(),
    pod: z.string().nullable(),
    node: z.string().nullable(),
  }),
  z.object({
    type: z.literal('pulling'),
    probe: z.string(),
    image: z.string(),
    /** The container's waiting reason: ContainerCreating, Pulling, ImagePullBackOff, ... */
    reason: z.string().nullable(),
  }),
  z.object({ type: z.literal('running'), probe: z.string(), pod: z.string().nullable() }),
  z.object({ type: z.literal('hop'), hop: traceHopSchema }),
  z.object({
    type: z.literal('connect'),
    attempt: z.number(),
    ok: z.boolean(),
    ms: z.number().nullable(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('done'), result: traceResultSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type TraceEventWire = z.infer<typeof traceEventSchema>;

// Compile-time drift guard: each pair must be mutually assignable.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _TraceDriftGuard = [
  Assert<Same<z.infer<typeof traceEndpointSchema>, TraceEndpoint>>,
  Assert<Same<z.infer<typeof hopEntitySchema>, HopEntity>>,
  Assert<Same<z.infer<typeof traceHopSchema>, TraceHop>>,
  Assert<Same<z.infer<typeof pathElementSchema>, PathElement>>,
  Assert<Same<z.infer<typeof pathLinkSchema>, PathLink>>,
  Assert<Same<z.infer<typeof findingSchema>, Finding>>,
  Assert<Same<z.infer<typeof connectSummarySchema>, ConnectSummary>>,
  Assert<Same<Omit<z.infer<typeof traceResultSchema>, 'timings'>, TraceResult>>,
];
