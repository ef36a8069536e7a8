/**
 * A supervised list+watch loop for one resource. client-node's ListWatch stops for good on any
 * watch error other than 410 (it only emits 'error'), so podpath runs its own loop: list,
 * watch from the list's resourceVersion, and after any error or dropped stream start again with
 * jittered exponential back-off, relisting when the server says the version is gone (410).
 * The loop talks to the API through `ListWatchSource`, so it is tested with fakes as well as
 * against the emulator.
 */
import type { ClusterErrorCode } from './errors';
import { ClusterError, clusterErrorFromResponse, isClusterError } from './errors';
import { realClock } from './rate-limiter';
import type { Clock } from './rate-limiter';
import type { ListResult, WatchEventHandler, WatchHandle } from './transport';

export interface ListWatchSource {
  list(): Promise<ListResult>;
  watch(
    resourceVersion: string,
    onEvent: WatchEventHandler,
    done: (err: unknown) => void,
  ): Promise<WatchHandle>;
}

export interface InformerSink {
  replace(objects: unknown[]): void;
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown): void;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A watch that lived this long, or delivered an event, counts as healthy and resets back-off. */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 500,
  maxMs: 30_000,
  healthyAfterMs: 10_000,
};

export interface InformerStatus {
  resource: string;
  /** True once the first list has landed; stays true across later relists. */
  synced: boolean;
  /** True while a watch stream is open. */
  watching: boolean;
  /** Times the loop started over after an error, a dropped stream or a 410. */
  restarts: number;
  /** Full lists after the first one (each 410 Gone causes one). */
  relists: number;
  lastError: string | null;
  lastErrorCode: ClusterErrorCode | null;
  lastErrorAt: string | null;
  resourceVersion: string;
}

/** Errors that will not go away by retrying soon: wrong credentials, RBAC, an absent API. */
const PERMANENT: readonly ClusterErrorCode[] = ['unauthorized', 'forbidden', 'not-found'];

interface WatchOutcome {
  err: unknown;
  gone: boolean;
  events: number;
}

export class SupervisedInformer {
  private readonly backoff: BackoffOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly stopController = new AbortController();
  private readonly state: InformerStatus;
  private rv = '';
  private handle: WatchHandle | null = null;
  private running: Promise<void> | null = null;
  private settle!: () => void;
  private readonly settledPromise = new Promise<void>((resolve) => {
    this.settle = resolve;
  });
  private permanentFailure: ClusterError | null = null;

  constructor(
    readonly resource: string,
    private readonly source: ListWatchSource,
    private readonly sink: InformerSink,
    options: { backoff?: Partial<BackoffOptions>; clock?: Clock; random?: () => number } = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.state = {
      resource,
      synced: false,
      watching: false,
      restarts: 0,
      relists: 0,
      lastError: null,
      lastErrorCode: null,
      lastErrorAt: null,
      resourceVersion: '',
    };
  }

  /** Starts the loop; calling it again does nothing. */
  start(): void {
    this.running ??= this.run().catch(() => {
      // run() only rejects when stop() aborts a sleep; nothing to report.
    });
  }

  /** Ends the loop and the open watch, and waits until the loop has let go. */
  async stop(): Promise<void> {
    this.stopController.abort(new ClusterError('unknown', 'informer stopped'));
    this.handle?.abort();
    this.settle();
    await this.running;
  }

  status(): InformerStatus {
    return { ...this.state, resourceVersion: this.rv };
  }

  /**
   * Resolves once the first list has landed, or once the resource turned out to be unreadable
   * (401/403/404 before any sync; see `failure()`), or when stopped. Never rejects.
   */
  settled(): Promise<void> {
    return this.settledPromise;
  }

  /** The error that kept this informer from ever syncing, when it was a permanent one. */
  failure(): ClusterError | null {
    return this.state.synced ? null : this.permanentFailure;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      let delay = 0;
      try {
        if (!this.rv) await this.list();
        const started = this.clock.now();
        const outcome = await this.watchOnce();
        if (this.stopped) return;
        const healthy =
          outcome.events > 0 || this.clock.now() - started >= this.backoff.healthyAfterMs;
        if (healthy) attempt = 0;
        if (outcome.gone) {
          // The history we would resume from is compacted: only a fresh list is correct now.
          this.rv = '';
          this.recordError(
            new ClusterError('gone', 'watch resourceVersion too old (410 Gone); relisting', 410),
          );
          this.state.restarts += 1;
          delay = attempt === 0 ? 0 : this.delayFor(attempt);
          attempt += 1;
        } else if (isInactivityTimeout(outcome.err)) {
          // Nothing happened for a while and Watch gave up waiting: resume where we were, as
          // client-node does. The wait itself throttles this path.
          continue;
        } else {
          if (outcome.err) this.recordError(outcome.err);
          this.state.restarts += 1;
          delay = this.delayFor(attempt);
          attempt += 1;
        }
      } catch (err) {
        if (this.stopped) return;
        const error = this.recordError(err);
        this.state.restarts += 1;
        if (PERMANENT.includes(error.code)) {
          if (!this.state.synced) {
            this.permanentFailure = error;
            this.settle();
          }
          // RBAC may be fixed while we run, so keep trying, but rarely.
          delay = this.backoff.maxMs;
        } else {
          delay = this.delayFor(attempt);
          attempt += 1;
        }
      }
      if (delay > 0) await this.clock.sleep(delay, this.stopController.signal);
    }
  }

  private async list(): Promise<void> {
    const result = await this.source.list();
    if (this.stopped) return;
    this.sink.replace(result.items);
    this.rv = result.resourceVersion;
    if (this.state.synced) this.state.relists += 1;
    this.state.synced = true;
    this.permanentFailure = null;
    this.settle();
  }

  private watchOnce(): Promise<WatchOutcome> {
    return new Promise((resolve) => {
      let gone = false;
      let events = 0;
      let statusError: ClusterError | null = null;
      let finished = false;
      const finish = (err: unknown) => {
        if (finished) return;
        finished = true;
        this.state.watching = false;
        this.handle = null;
        resolve({ err: statusError ?? err, gone: gone || isGone(err), events });
      };
      const onEvent: WatchEventHandler = (type, object) => {
        if (finished) return;
        switch (type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED':
            this.sink.apply(type, object);
            events += 1;
            this.rv = resourceVersionOf(object) ?? this.rv;
            break;
          case 'BOOKMARK':
            this.rv = resourceVersionOf(object) ?? this.rv;
            break;
          case 'ERROR': {
            // The API server reports an expired resourceVersion in-band: HTTP 200, then a
            // Status with code 410. Either way the stream is useless afterwards.
            const status = object as { code?: number };
            if (status?.code === 410) gone = true;
            else
              statusError = clusterErrorFromResponse(
                status?.code ?? 500,
                JSON.stringify(object ?? {}),
                {},
                'watch',
              );
            this.handle?.abort();
            break;
          }
          default:
            break;
        }
      };
      this.source.watch(this.rv, onEvent, finish).then(
        (handle) => {
          if (finished) return;
          // Only now has the server answered 200: the stream is really open.
          this.state.watching = true;
          if (this.stopped) handle.abort();
          else this.handle = handle;
        },
        (err: unknown) => finish(err),
      );
    });
  }

  private delayFor(attempt: number): number {
    const exp = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** attempt);
    // Jitter spreads the reconnects of six informers (and many podpath servers) apart.
    return Math.round(exp * (0.5 + this.random() * 0.5));
  }

  private recordError(err: unknown): ClusterError {
    const error = isClusterError(err)
      ? err
      : new ClusterError('unknown', err instanceof Error ? err.message : String(err), 0, null, {
          cause: err,
        });
    this.state.lastError = `${error.code}: ${error.message}`;
    this.state.lastErrorCode = error.code;
    this.state.lastErrorAt = new Date(this.clock.now()).toISOString();
    return error;
  }
}

function isGone(err: unknown): boolean {
  return isClusterError(err) && err.code === 'gone';
}

function isInactivityTimeout(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'TimeoutError';
}

function resourceVersionOf(object: unknown): string | undefined {
  const rv = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
    ?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}
