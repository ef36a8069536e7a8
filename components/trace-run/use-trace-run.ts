'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiRequest } from '@/lib/api/client';
import {
  traceCancelResponseSchema,
  traceCreatedSchema,
  traceEventSchema,
  traceResultSchema,
  type RequestedStrategy,
} from '@/lib/api/traces';
import type { TraceResult } from '@/lib/trace/types';
import { applyTraceEvent, EMPTY_PROGRESS, type TraceProgress } from './trace-progress-state';

export type RunPhase = 'idle' | 'starting' | 'running' | 'done';

/** Why a trace could not start or finish, as the page says it. */
export interface RunError {
  status: number | null;
  code: string;
  title: string;
  message: string;
}

export interface TraceRun {
  phase: RunPhase;
  id: string | null;
  progress: TraceProgress;
  /** The final result, or the stored one of a trace opened by id. */
  result: TraceResult | null;
  error: RunError | null;
  cancelling: boolean;
  start(input: { from: string; to: string; strategy?: RequestedStrategy }): Promise<void>;
  /** Follows a trace that exists (a share link, a reload): its events, or its stored result. */
  open(id: string, initial?: TraceResult | null): void;
  cancel(): Promise<void>;
  reset(): void;
}

const EVENT_TYPES = ['scheduled', 'pulling', 'running', 'hop', 'connect', 'error', 'done'] as const;
/** Longest silence before the page stops waiting for events and reads the stored result. */
const STALL_MS = 150_000;

/**
 * Starting, following and cancelling one trace. Progress comes from the server-sent events;
 * when the stream breaks (a proxy, a restart), the stored result is read instead, until the
 * trace is no longer running.
 */
export function useTraceRun(): TraceRun {
  const [phase, setPhase] = useState<RunPhase>('idle');
  const [id, setId] = useState<string | null>(null);
  const [progress, setProgress] = useState<TraceProgress>(EMPTY_PROGRESS);
  const [result, setResult] = useState<TraceResult | null>(null);
  const [error, setError] = useState<RunError | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const source = useRef<EventSource | null>(null);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const generation = useRef(0);

  const stop = useCallback(() => {
    source.current?.close();
    source.current = null;
    for (const t of timers.current) clearTimeout(t);
    timers.current = [];
  }, []);

  useEffect(() => stop, [stop]);

  const finish = useCallback(
    (final: TraceResult) => {
      stop();
      setResult(final);
      setProgress((p) => ({ ...p, result: final, hops: final.hops }));
      setPhase(final.status === 'running' ? 'running' : 'done');
      // A trace that ran and failed carries its error in the result (shown with it); `error`
      // is for requests that failed: starting, cancelling, reading.
      setCancelling(false);
    },
    [stop],
  );

  const poll = useCallback(
    (traceId: string, gen: number) => {
      const tick = async () => {
        if (gen !== generation.current) return;
        try {
          const stored = await apiRequest(`/api/traces/${traceId}`, traceResultSchema);
          if (gen !== generation.current) return;
          if (stored.status !== 'running') {
            finish(stored);
            return;
          }
          setResult(stored);
        } catch (err) {
          if (gen !== generation.current) return;
          if (err instanceof ApiError && err.isClientError) {
            setError(toRunError(err));
            setPhase('done');
            return;
          }
        }
        timers.current.push(setTimeout(() => void tick(), 1500));
      };
      void tick();
    },
    [finish],
  );

  const follow = useCallback(
    (traceId: string, gen: number) => {
      stop();
      const es = new EventSource(`/api/traces/${encodeURIComponent(traceId)}/events`);
      source.current = es;
      let stall: ReturnType<typeof setTimeout> | null = null;
      const armStall = () => {
        if (stall) clearTimeout(stall);
        stall = setTimeout(() => {
          es.close();
          poll(traceId, gen);
        }, STALL_MS);
        timers.current.push(stall);
      };
      armStall();
      for (const type of EVENT_TYPES) {
        es.addEventListener(type, (msg) => {
          if (gen !== generation.current) return;
          armStall();
          let data: unknown;
          try {
            data = JSON.parse((msg as MessageEvent<string>).data);
          } catch {
            return;
          }
          const parsed = traceEventSchema.safeParse(data);
          if (!parsed.success) return;
          const event = parsed.data;
          setProgress((p) => applyTraceEvent(p, event));
          if (event.type === 'done') finish(event.result as TraceResult);
        });
      }
      es.onerror = () => {
        if (gen !== generation.current) return;
        // The browser reconnects by itself unless the server refused the stream; either way the
        // stored result says where the trace stands.
        if (es.readyState === EventSource.CLOSED) poll(traceId, gen);
      };
    },
    [finish, poll, stop],
  );

  const open = useCallback(
    (traceId: string, initial: TraceResult | null = null) => {
      const gen = ++generation.current;
      stop();
      setId(traceId);
      setError(null);
      setCancelling(false);
      setProgress(initial ? { ...EMPTY_PROGRESS, hops: initial.hops } : EMPTY_PROGRESS);
      setResult(initial);
      if (initial && initial.status !== 'running') {
        setPhase('done');
        setProgress({ ...EMPTY_PROGRESS, hops: initial.hops, result: initial });
        return;
      }
      setPhase('running');
      follow(traceId, gen);
    },
    [follow, stop],
  );

  const start = useCallback(
    async (input: { from: string; to: string; strategy?: RequestedStrategy }) => {
      const gen = ++generation.current;
      stop();
      setPhase('starting');
      setError(null);
      setResult(null);
      setProgress(EMPTY_PROGRESS);
      setId(null);
      try {
        const created = await apiRequest('/api/traces', traceCreatedSchema, {
          method: 'POST',
          body: { from: input.from, to: input.to, strategy: input.strategy ?? 'auto' },
        });
        if (gen !== generation.current) return;
        setId(created.id);
        setPhase('running');
        follow(created.id, gen);
      } catch (err) {
        if (gen !== generation.current) return;
        setError(toRunError(err));
        setPhase('idle');
      }
    },
    [follow, stop],
  );

  const cancel = useCallback(async () => {
    if (!id) return;
    setCancelling(true);
    try {
      await apiRequest(`/api/traces/${id}/cancel`, traceCancelResponseSchema, { method: 'POST' });
    } catch (err) {
      setError(toRunError(err));
      setCancelling(false);
    }
    // The stream ends with the cancelled result.
  }, [id]);

  const reset = useCallback(() => {
    generation.current++;
    stop();
    setPhase('idle');
    setId(null);
    setProgress(EMPTY_PROGRESS);
    setResult(null);
    setError(null);
    setCancelling(false);
  }, [stop]);

  return { phase, id, progress, result, error, cancelling, start, open, cancel, reset };
}

/** An API failure in the words the page shows. */
export function toRunError(err: unknown): RunError {
  if (err instanceof ApiError) {
    const title =
      err.status === 400
        ? 'Check the source and target'
        : err.status === 404
          ? 'Not found in the cluster'
          : err.status === 403
            ? 'The cluster refused'
            : err.status === 504 || err.code.includes('timeout')
              ? 'The cluster did not answer in time'
              : err.status === 503
                ? 'The cluster is not ready'
                : err.status === 429
                  ? 'Too many requests'
                  : 'The trace could not start';
    return { status: err.status, code: err.code, title, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: null, code: 'network', title: 'podpath could not be reached', message };
}
