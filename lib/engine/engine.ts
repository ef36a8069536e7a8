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
 * Creates a trace engine. Everything it touches comes in through `deps`, so the server, the CLI
 * and tests each build one over their own cluster, store, clock and probes.
 */
export function createTraceEngine(deps: TraceEngineDeps): TraceEngine {
  const now = deps.now ?? (() => new Date());
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
  let closed = false;

  function cleanupFor(access: ClusterAccess): Promise<void> {
    let pending = cleanups.get(access.context);
    if (!pending) {
      pending = probes.deleteOrphanedProbes(access.client).then(
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
      pending = pending.then(() => endInterrupted(access.context));
      cleanups.set(access.context, pending);
    }
    return pending;
  }

  /**
   * Traces a store still holds as running although no engine runs them: their process died.
   * Only a lasting store (a database) can have them; they end as `interrupted` so that their
   * pages and event streams stop waiting.
   */
  async function endInterrupted(context: string): Promise<void> {
    try {
      const stale = await deps.store.list({ status: 'running', limit: MAX_LIST_LIMIT });
      for (const t of stale) {
        if (t.cluster !== context || owned.has(t.id)) continue;
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
        final = failed(initial, err, controller.signal.aborted);
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
    }
    listener({ seq: afterSeq + 1, event: { type: 'done', result: stored } });
    return { unsubscribe: () => {} };
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

/** The final result of a trace that threw instead of finishing. */
function failed(initial: TraceResult, err: unknown, aborted: boolean): EngineTraceResult {
  const error = aborted
    ? { code: 'cancelled', message: err instanceof Error ? err.message : 'the trace was cancelled' }
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
