import 'server-only';

import { Writable } from 'node:stream';
import { IsomorphicFetchHttpLibrary, Log, RequestContext, Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError, clusterErrorFromResponse, clusterErrorFromThrown } from './errors';
import { DEFAULT_RETRY, realClock, TokenBucket, withRetry } from './rate-limiter';
import type { Clock, RetryOptions } from './rate-limiter';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  method: HttpMethod;
  /** API path, e.g. /api/v1/namespaces/default/pods. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** 'text' for pod logs; JSON otherwise. */
  responseType?: 'json' | 'text';
  /** Words for error messages: "get pod default/web-client". */
  what?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportOptions {
  /** Sustained requests per second (client-go's default is 5; 20 suits a dashboard). */
  qps?: number;
  burst?: number;
  retry?: Partial<RetryOptions>;
  /** Per-request timeout for ordinary calls; watches have their own inactivity timeout. */
  requestTimeoutMs?: number;
  clock?: Clock;
}

export interface WatchEventHandler {
  (type: string, object: unknown): void;
}

/** A running watch; `abort` ends it and makes its `done` callback run once. */
export interface WatchHandle {
  abort(): void;
}

/** The list result informers need: every item plus the list's resourceVersion to watch from. */
export interface ListResult {
  items: unknown[];
  resourceVersion: string;
}

/** Pages of this size keep each response small on large clusters (client-go's pager default). */
export const PAGE_SIZE = 500;

/**
 * The HTTP layer of the door: client-node's authentication, TLS and fetch (KubeConfig,
 * RequestContext, its undici-based HTTP library and Watch), wrapped with a token bucket,
 * bounded 429 retries and ClusterError mapping. Responses stay plain wire JSON, because the
 * inventory's reshaping reads the wire shape (the same JSON `kubectl get -o json` saves) and
 * client-node's typed models would turn timestamps into Dates and drop unknown fields.
 */
export class KubeTransport {
  readonly server: string;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly bucket: TokenBucket;
  private readonly retry: RetryOptions;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly kubeConfig: KubeConfig,
    options: TransportOptions = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new ClusterError('invalid', 'the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    const clock = options.clock ?? realClock;
    this.bucket = new TokenBucket(options.qps ?? 20, options.burst ?? 40, clock);
    this.retry = { ...DEFAULT_RETRY, ...options.retry, clock };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** One API call, rate limited, retried on 429 only, failing with ClusterError. */
  async request<T = unknown>(req: KubeRequest): Promise<T> {
    return withRetry(() => this.once<T>(req), { ...this.retry, signal: req.signal });
  }

  /**
   * Lists a collection page by page (limit + continue). If the continue token expires between
   * pages (410), the list starts over once, as client-go's pager falls back to a full list.
   */
  async listAll(
    path: string,
    query: Record<string, string | undefined> = {},
    what?: string,
  ): Promise<ListResult> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.listPages(path, query, what);
      } catch (err) {
        if (attempt === 0 && err instanceof ClusterError && err.code === 'gone') continue;
        throw err;
      }
    }
  }

  private async listPages(
    path: string,
    query: Record<string, string | undefined>,
    what?: string,
  ): Promise<ListResult> {
    const items: unknown[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.request<{
        items?: unknown[] | null;
        metadata?: { resourceVersion?: string; continue?: string };
      }>({
        method: 'GET',
        path,
        query: { ...query, limit: PAGE_SIZE, continue: token },
        what,
      });
      items.push(...(page.items ?? []));
      // The first page's resourceVersion is the snapshot every later page belongs to.
      if (!resourceVersion) resourceVersion = page.metadata?.resourceVersion ?? '';
      token = page.metadata?.continue || undefined;
    } while (token);
    return { items, resourceVersion };
  }

  /**
   * Follows a running container's log (`follow=true`) and hands each chunk over as it arrives.
   * Resolves when the stream ends (the container stopped) or the signal aborts. Only for a
   * container that has started: a waiting one is answered 400, as `kubectl logs -f` sees.
   */
  async followLog(
    ref: { namespace: string; name: string },
    container: string,
    onChunk: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.bucket.take(signal);
    let resolveEnded!: () => void;
    const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
    let stopped = false;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (!stopped) onChunk(chunk.toString('utf8'));
        callback();
      },
    });
    sink.on('finish', resolveEnded);
    sink.on('close', resolveEnded);
    sink.on('error', resolveEnded);
    try {
      await new Log(this.kubeConfig).log(ref.namespace, ref.name, container, sink, {
        follow: true,
      });
    } catch (err) {
      throw clusterErrorFromThrown(err, `follow the log of ${ref.namespace}/${ref.name}`);
    }
    // Stopping only stops listening. client-node pipes the response into the sink without an
    // error handler on the response, so aborting its request would crash the process with an
    // unhandled 'error'; the server ends the stream itself once the container stops or the
    // pod is deleted, which is what a cancelled probe leads to.
    const stop = () => {
      stopped = true;
      resolveEnded();
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await ended;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * Starts a watch with client-node's Watch. `done` runs once when the stream ends for any
   * reason: null for a clean close, otherwise the error (a ClusterError for HTTP answers,
   * a DOMException TimeoutError when nothing arrived for 30 s).
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: WatchEventHandler,
    done: (err: unknown) => void,
  ): Promise<WatchHandle> {
    await this.bucket.take();
    const watch = new Watch(this.kubeConfig);
    let finished = false;
    let controller: AbortController;
    try {
      controller = await watch.watch(
        path,
        { allowWatchBookmarks: true, ...query },
        (type: string, object: unknown) => {
          if (!finished) onEvent(type, object);
        },
        (err: unknown) => {
          if (finished) return;
          finished = true;
          done(toWatchError(err));
        },
      );
    } catch (err) {
      // Watch throws (rather than calling done) when authentication or TLS setup fails.
      throw clusterErrorFromThrown(err, 'watch');
    }
    return { abort: () => controller.abort() };
  }

  private async once<T>(req: KubeRequest): Promise<T> {
    await this.bucket.take(req.signal);
    const url = new URL(this.server + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const ctx = new RequestContext(url.toString(), req.method);
    ctx.setHeaderParam(
      'Accept',
      req.responseType === 'text' ? 'text/plain, */*' : 'application/json',
    );
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    const timeoutMs = req.timeoutMs ?? this.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    ctx.setSignal(req.signal ? AbortSignal.any([req.signal, timeout]) : timeout);

    let status: number;
    let text: string;
    let headers: Record<string, string>;
    try {
      await this.kubeConfig.applySecurityAuthentication(ctx);
      const response = await this.http.send(ctx).toPromise();
      status = response.httpStatusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (timeout.aborted) {
        throw new ClusterError(
          'timeout',
          `${req.what ?? req.path}: no answer within ${Math.round(timeoutMs / 1000)}s`,
          0,
          null,
          {
            cause: err,
          },
        );
      }
      throw clusterErrorFromThrown(err, req.what);
    }
    if (status >= 400) throw clusterErrorFromResponse(status, text, headers, req.what);
    if (req.responseType === 'text') return text as T;
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      throw new ClusterError(
        'unknown',
        `${req.what ?? req.path}: the API server answered something that is not JSON`,
        status,
      );
    }
  }
}

/** Watch failures arrive as plain Errors with statusCode; make them ClusterErrors too. */
function toWatchError(err: unknown): unknown {
  if (err === null || err === undefined) return null;
  const e = err as { statusCode?: number; name?: string; message?: string };
  if (e.name === 'TimeoutError') return err;
  if (typeof e.statusCode === 'number') {
    return clusterErrorFromResponse(
      e.statusCode,
      JSON.stringify({ message: `watch: ${e.message ?? 'failed'}` }),
    );
  }
  // Aborting our own controller surfaces as an AbortError; the caller knows it asked for that.
  if (e.name === 'AbortError') return err;
  return clusterErrorFromThrown(err, 'watch');
}
