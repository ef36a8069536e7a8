import { isClusterError } from '../cluster/errors';
import { MAX_LIST_LIMIT, type TraceListFilter } from '../store/types';
import type { TraceResult } from '../trace/types';
import { TraceEventHub } from './event-hub';
import { newTraceId } from './ids';
import { prepareTrace, runPipeline, type PreparedTrace } from './pipeline';
import { defaultProbeRunner } from './probe-runner';
import type {
  CancelOutcome,
  ClusterAccess,
  EngineTraceResult,
  TraceEngine,
  TraceEngineDeps,
  TraceEvent,
  TraceSubscription,
} from './types';

interface RunningTrace {
  controller: AbortController;
  done: Promise<TraceResult>;
}

/**
 * The longest a trace may run before the engine ends it as `timeout`. Each probe is bounded
 * (90 s by default, its pod's activeDeadlineSeconds too) and a trace runs a handful of them (DNS
 * lookup, traceroute, connects, the diagnosis rules' extra probes) plus waits for the inventory
 * and the probe limits; ten minutes is well beyond that. It is also what lets replicas sharing
 * a store tell a trace another replica runs from one a dead replica left running.
 */
export const DEFAULT_MAX_TRACE_MS = 10 * 60_000;

/** Clocks of replicas differ a little; a trace is only taken for dead this much past the max. */
const CLOCK_SKEW_MS = 60_000;

/** How often a subscriber to a trace another process runs looks at the store. */
export const DEFAULT_STORE_POLL_MS = 1000;

/** Settings of the engine beyond its dependencies; tests shorten them. */
export interface TraceEngineTuning {
  /** Longest a trace may run; DEFAULT_MAX_TRACE_MS unless set. */
  maxTraceMs?: number;
  /** Store polling interval for traces running in another process; DEFAULT_STORE_POLL_MS. */
  storePollMs?: number;
}

/**
 * Creates a trace engine. Everything it touches comes in through `deps`, so the server, the CLI
 * and tests each build one over their own cluster, store, clock and probes.
 */
export function createTraceEngine(deps: TraceEngineDeps & TraceEngineTuning): TraceEngine {
  const now = deps.now ?? (() => new Date());
  const maxTraceMs = deps.maxTraceMs ?? DEFAULT_MAX_TRACE_MS;
  const storePollMs = deps.storePollMs ?? DEFAULT_STORE_POLL_MS;
  const newId = deps.newId ?? newTraceId;
  const probes = deps.probes ?? defaultProbeRunner();
  const log = deps.log ?? ((m: string) => console.error(`podpath: ${m}`));
  const hub = new TraceEventHub();
  const running = new Map<string, RunningTrace>();
  // Every trace this engine created, registered before it is first saved, so that the sweep of
  // interrupted traces can never take one of ours for a dead process's.
  const owned = new Set<string>();
  // Cleanup runs once per cluster context; traces on that context wait for it.
  const cleanups = new Map<string, Promise<void>>();
  // Subscribers waiting on traces another process runs; close() stops them.
  const pollers = new Set<() => void>();
  let closed = false;

  /**
   * The store's running traces on this context, split into those still alive (ours, or another
   * replica's on a shared store that has not outlived the longest a trace may take) and those a
   * dead process left. Null when the store cannot be read.
   */
  async function runningTraces(
    context: string,
  ): Promise<{ live: string[]; dead: TraceResult[] } | null> {
    try {
      const all = await deps.store.list({ status: 'running', limit: MAX_LIST_LIMIT });
      const live: string[] = [];
      const dead: TraceResult[] = [];
      for (const t of all) {
        if (t.cluster !== context) continue;
        const age = now().getTime() - Date.parse(t.createdAt);
        if (owned.has(t.id) || (deps.store.shared && age <= maxTraceMs + CLOCK_SKEW_MS))
          live.push(t.id);
        else dead.push(t);
      }
      return { live, dead };
    } catch (err) {
      log(`could not read running traces: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  async function sweep(access: ClusterAccess): Promise<void> {
    const traces = await runningTraces(access.context);
    if (!traces && deps.store.shared) {
      // Without the shared store we cannot tell another replica's probes from leftovers.
      log(`left probe pods in ${access.context} alone: the trace store could not be read`);
      return;
    }
    await probes.deleteOrphanedProbes(access.client, { keepTraceIds: traces?.live ?? [] }).then(
      ({ deleted, failed }) => {
        if (deleted.length > 0)
          log(
            `deleted ${deleted.length} probe pod(s) left behind by an earlier run in ${access.context}`,
          );
        for (const f of failed)
          log(`could not delete leftover probe pod ${f.pod.namespace}/${f.pod.name}: ${f.error}`);
      },
      (err: unknown) => {
        // Not fatal: traces still work, and each probe pod has a deadline of its own.
        log(
          `could not look for leftover probe pods in ${access.context}: ${err instanceof Error ? err.message : String(err)}`,
        );
      },
    );
    if (traces) await endInterrupted(traces.dead);
  }

  function cleanupFor(access: ClusterAccess): Promise<void> {
    let pending = cleanups.get(access.context);
    if (!pending) {
      pending = sweep(access);
      cleanups.set(access.context, pending);
    }
    return pending;
  }

  /**
   * Traces a store still holds as running although no engine runs them: their process died.
   * Only a lasting store (a database) can have them; they end as `interrupted` so that their
   * pages and event streams stop waiting.
   */
  async function endInterrupted(stale: TraceResult[]): Promise<void> {
    try {
      for (const t of stale) {
        // It may have ended meanwhile (a replica past its deadline still saving its result).
        if ((await deps.store.get(t.id))?.status !== 'running') continue;
        await deps.store.update(t.id, {
          status: 'error',
          finishedAt: now().toISOString(),
          error: {
            code: 'interrupted',
            message: 'podpath stopped while this trace ran; its probe pods were removed',
          },
        });
      }
    } catch (err) {
      log(
        `could not close interrupted traces: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  function emitter(id: string) {
    return (event: TraceEvent) => hub.emit(id, event);
  }

  async function start(input: Parameters<TraceEngine['start']>[0]): Promise<TraceResult> {
    if (closed) throw new Error('the trace engine is shut down');
    const access = deps.cluster();
    const prepared: PreparedTrace = await prepareTrace(input, access, {
      id: newId(),
      createdAt: now().toISOString(),
      knownHosts: deps.knownHosts ?? [],
      readyTimeoutMs: deps.readyTimeoutMs ?? 15_000,
    });
    const initial = prepared.result;
    owned.add(initial.id);
    await deps.store.save(initial);
    hub.open(initial.id);

    const controller = new AbortController();
    const emit = emitter(initial.id);
    const startedAt = Date.now();
    const deadline = setTimeout(
      () => controller.abort(new TraceTimeoutError(maxTraceMs)),
      maxTraceMs,
    );
    // A trace that outlives its process is swept anyway; the timer must not hold a CLI open.
    deadline.unref?.();
    const done = (async (): Promise<TraceResult> => {
      let final: EngineTraceResult;
      try {
        if (deps.sweepOrphans ?? true) await cleanupFor(access);
        final = await runPipeline(prepared, {
          access,
          probes,
          limiter: probes.limiterFor?.(access.context),
          signal: controller.signal,
          emit,
          connectCount: deps.connectCount,
          rules: deps.rules ?? [],
          knownHosts: deps.knownHosts ?? [],
        });
      } catch (err) {
        final = failed(initial, err, controller.signal.aborted ? controller.signal.reason : null);
      } finally {
        clearTimeout(deadline);
      }
      final = {
        ...final,
        finishedAt: now().toISOString(),
        timings: { totalMs: Date.now() - startedAt, probes: final.timings?.probes ?? [] },
      };
      if (final.error)
        emit({ type: 'error', code: final.error.code, message: final.error.message });
      try {
        await deps.store.save(final);
      } catch (err) {
        log(
          `could not store trace ${final.id}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      running.delete(initial.id);
      emit({ type: 'done', result: final });
      return final;
    })();
    running.set(initial.id, { controller, done });
    return initial;
  }

  async function subscribe(
    id: string,
    listener: (e: { seq: number; event: TraceEvent }) => void,
    afterSeq = 0,
  ): Promise<TraceSubscription | null> {
    const off = hub.subscribe(id, listener, afterSeq);
    if (off) return { unsubscribe: off };
    const stored = await deps.store.get(id);
    if (!stored) return null;
    // Events are only kept while (and shortly after) a trace runs in this process; a trace
    // from earlier still ends its stream with the result.
    if (stored.status === 'running') {
      const again = hub.subscribe(id, listener, afterSeq);
      if (again) return { unsubscribe: again };
      if (!running.has(id)) return { unsubscribe: pollUntilDone(id, listener, afterSeq) };
    }
    listener({ seq: afterSeq + 1, event: { type: 'done', result: stored } });
    return { unsubscribe: () => {} };
  }

  /**
   * Follows a trace another process (a replica on the same store) runs: its events stay there,
   * so this stream only gets the `done`, once the store holds the trace as finished. Returns
   * the function that stops looking.
   */
  function pollUntilDone(
    id: string,
    listener: (e: { seq: number; event: TraceEvent }) => void,
    afterSeq: number,
  ): () => void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const stop = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      pollers.delete(stop);
    };
    const look = async () => {
      timer = null;
      // undefined: the store could not answer this time (briefly unreachable); keep looking.
      let current: TraceResult | null | undefined;
      try {
        current = await deps.store.get(id);
      } catch (err) {
        log(`could not read trace ${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (stopped) return;
      if (current === null) {
        stop();
        listener({
          seq: afterSeq + 1,
          event: { type: 'error', code: 'not-found', message: `trace ${id} is gone` },
        });
      } else if (current !== undefined && current.status !== 'running') {
        stop();
        listener({ seq: afterSeq + 1, event: { type: 'done', result: current } });
      } else {
        timer = setTimeout(() => void look(), storePollMs);
      }
    };
    pollers.add(stop);
    timer = setTimeout(() => void look(), storePollMs);
    return stop;
  }

  return {
    start,
    get: (id) => deps.store.get(id),
    list: (filter?: TraceListFilter) => deps.store.list(filter),
    async wait(id) {
      const run = running.get(id);
      if (run) return run.done;
      return deps.store.get(id);
    },
    async cancel(id): Promise<CancelOutcome | null> {
      const run = running.get(id);
      if (!run) {
        const stored = await deps.store.get(id);
        return stored ? { result: stored, cancelled: false } : null;
      }
      run.controller.abort(new CancelledError());
      return { result: await run.done, cancelled: true };
    },
    subscribe,
    async cleanupOrphans() {
      await cleanupFor(deps.cluster());
    },
    async close() {
      closed = true;
      const all = [...running.values()];
      for (const run of all) run.controller.abort(new CancelledError('podpath is shutting down'));
      await Promise.allSettled(all.map((r) => r.done));
      for (const stop of [...pollers]) stop();
      hub.clear();
    },
  };
}

/** The reason a trace's AbortSignal carries when someone cancels it. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  readonly code = 'cancelled';
  constructor(message = 'the trace was cancelled') {
    super(message);
  }
}

/** Why the engine aborted a trace that ran longer than a trace may. */
export class TraceTimeoutError extends Error {
  override readonly name = 'TraceTimeoutError';
  readonly code = 'timeout';
  constructor(maxMs: number) {
    super(`the trace ran longer than ${Math.round(maxMs / 1000)} s and was stopped`);
  }
}

/**
 * The final result of a trace that threw instead of finishing; `abortReason` is the signal's
 * reason when the trace was aborted (cancelled, or past its deadline), else null.
 */
function failed(initial: TraceResult, err: unknown, abortReason: unknown): EngineTraceResult {
  const error =
    abortReason instanceof TraceTimeoutError
      ? { code: abortReason.code, message: abortReason.message }
      : abortReason !== null
        ? {
            code: 'cancelled',
            message: err instanceof Error ? err.message : 'the trace was cancelled',
          }
        : isClusterError(err)
          ? { code: err.code, message: err.message }
          : {
              code:
                (err as { code?: unknown })?.code === undefined
                  ? 'internal'
                  : String((err as { code: unknown }).code),
              message: err instanceof Error ? err.message : String(err),
            };
  return { ...initial, status: 'error', error };
}
