/**
 * The browser's (and any other client's) way to call podpath: one fetch helper that sends the
 * CSRF header, parses the answer with the shared schema and turns failures into ApiError.
 */
import type { z } from 'zod';
import { contextsResponseSchema, healthResponseSchema, type ContextSwitchRequest } from './cluster';
import { errorBodySchema } from './errors';
import { inventoryResponseSchema } from './inventory';
import {
  traceCreatedSchema,
  traceListResponseSchema,
  traceResultSchema,
  type TraceListQuery,
} from './traces';

/** Same literal as lib/http/csrf.ts; duplicated so this module stays free of server code. */
const CSRF_HEADER = 'X-Podpath-Request';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 4xx: asking again will not help. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A body that already is JSON text, sent as it is (a file the user picked). */
  rawBody?: string;
  signal?: AbortSignal;
  /** Base URL for callers outside the browser (tests, scripts). */
  baseUrl?: string;
  /** Non-2xx statuses whose body is still an answer to parse with the schema (health's 503). */
  answerStatuses?: number[];
  fetchImpl?: typeof fetch;
}

/**
 * Calls a podpath endpoint and parses the JSON answer with `schema`. Throws ApiError with the
 * server's `{error:{code,message}}` on non-2xx, code `bad-response` when the body does not match.
 */
export async function apiRequest<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: RequestOptions = {},
): Promise<z.infer<S>> {
  const headers: Record<string, string> = { Accept: 'application/json', [CSRF_HEADER]: '1' };
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await (opts.fetchImpl ?? fetch)(`${opts.baseUrl ?? ''}${path}`, {
    method: opts.method ?? 'GET',
    headers,
    body,
    signal: opts.signal,
    cache: 'no-store',
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's HTML error page, say); reported below with the status.
  }
  if (!res.ok && !(opts.answerStatuses ?? []).includes(res.status)) {
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) {
      throw new ApiError(res.status, parsed.data.error.code, parsed.data.error.message);
    }
    throw new ApiError(res.status, 'http-error', `${path} answered ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, 'bad-response', `${path}: ${parsed.error.message}`);
  }
  return parsed.data;
}

/**
 * TanStack Query retry policy: never retry 4xx (the request itself is wrong or forbidden) nor
 * a response that does not match its schema; retry anything else a few times.
 */
export function retryUnlessClientError(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && (error.isClientError || error.code === 'bad-response')) {
    return false;
  }
  return failureCount < 3;
}

/** Health answers 503 with the same shape while the inventory loads; both are answers. */
export const fetchHealth = (signal?: AbortSignal) =>
  apiRequest('/api/health', healthResponseSchema, { signal, answerStatuses: [503] });

export const fetchInventory = (signal?: AbortSignal) =>
  apiRequest('/api/inventory', inventoryResponseSchema, { signal });

export const fetchContexts = (signal?: AbortSignal) =>
  apiRequest('/api/contexts', contextsResponseSchema, { signal });

export const switchContext = (body: ContextSwitchRequest) =>
  apiRequest('/api/context', contextsResponseSchema, { method: 'POST', body });

/** `GET /api/traces`: newest first, the query's filters applied by the server. */
export const fetchTraces = (query: TraceListQuery = {}, signal?: AbortSignal) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return apiRequest(`/api/traces${qs ? `?${qs}` : ''}`, traceListResponseSchema, { signal });
};

/** `GET /api/traces/ID`. */
export const fetchTrace = (id: string, signal?: AbortSignal) =>
  apiRequest(`/api/traces/${encodeURIComponent(id)}`, traceResultSchema, { signal });

/**
 * `POST /api/traces/import` with the text of an export file exactly as read, so that the
 * server, not the browser, says what is wrong with a bad file.
 */
export const importTraceFile = (json: string) =>
  apiRequest('/api/traces/import', traceCreatedSchema, { method: 'POST', rawBody: json });
