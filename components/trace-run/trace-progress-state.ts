/**
 * A trace's progress as the page shows it, folded from the server-sent events. Pure: the hook
 * feeds events in, the progress view reads the state out, the tests do both by hand.
 */
import type { TraceEventWire } from '@/lib/api/traces';
import type { TraceHop, TraceResult } from '@/lib/trace/types';

export type StepState = 'pending' | 'active' | 'done' | 'failed';

export interface ProgressStep {
  key: 'schedule' | 'pull' | 'traceroute' | 'connect' | 'diagnose';
  title: string;
  detail: string | null;
  state: StepState;
}

export interface TraceProgress {
  /** Hops as they arrived (replaced by the result's hops at the end). */
  hops: TraceHop[];
  connects: { ok: number; total: number };
  probePod: string | null;
  probeNode: string | null;
  image: string | null;
  waitingReason: string | null;
  tracerouteStarted: boolean;
  connectStarted: boolean;
  error: { code: string; message: string } | null;
  result: TraceResult | null;
}

export const EMPTY_PROGRESS: TraceProgress = {
  hops: [],
  connects: { ok: 0, total: 0 },
  probePod: null,
  probeNode: null,
  image: null,
  waitingReason: null,
  tracerouteStarted: false,
  connectStarted: false,
  error: null,
  result: null,
};

/** One event applied to the progress so far. */
export function applyTraceEvent(p: TraceProgress, event: TraceEventWire): TraceProgress {
  switch (event.type) {
    case 'scheduled':
      return {
        ...p,
        probePod: event.pod ?? p.probePod,
        probeNode: event.node ?? p.probeNode,
      };
    case 'pulling':
      return { ...p, image: event.image, waitingReason: event.reason };
    case 'running':
      return {
        ...p,
        waitingReason: null,
        probePod: event.pod ?? p.probePod,
        tracerouteStarted: p.tracerouteStarted || event.probe === 'traceroute',
        connectStarted: p.connectStarted || event.probe === 'connect',
      };
    case 'hop': {
      const hops = p.hops.filter((h) => h.ttl !== event.hop.ttl);
      hops.push(event.hop);
      hops.sort((a, b) => a.ttl - b.ttl);
      return { ...p, hops, tracerouteStarted: true };
    }
    case 'connect':
      return {
        ...p,
        connectStarted: true,
        connects: {
          ok: p.connects.ok + (event.ok ? 1 : 0),
          total: p.connects.total + 1,
        },
      };
    case 'error':
      return { ...p, error: { code: event.code, message: event.message } };
    case 'done':
      return { ...p, result: event.result, hops: event.result.hops };
  }
}

/** The steps a trace goes through, with what is known of each so far. */
export function progressSteps(p: TraceProgress): ProgressStep[] {
  const finished = p.result !== null && p.result.status !== 'running';
  const failed = finished && p.result?.status === 'error';
  const scheduled = p.probePod !== null || p.tracerouteStarted || finished;
  const pulled = p.tracerouteStarted || p.connectStarted || finished;
  const steps: ProgressStep[] = [
    {
      key: 'schedule',
      title: 'Probe scheduled',
      detail: p.probePod
        ? `${p.probePod}${p.probeNode ? ` on ${p.probeNode}` : ''}`
        : 'waiting for the API server',
      state: scheduled ? 'done' : failed ? 'failed' : 'active',
    },
    {
      key: 'pull',
      title: 'Probe image',
      detail: p.waitingReason
        ? `${p.waitingReason}${p.image ? ` · ${p.image}` : ''}`
        : (p.image ?? null),
      state: pulled ? 'done' : !scheduled ? 'pending' : failed ? 'failed' : 'active',
    },
    {
      key: 'traceroute',
      title: 'Traceroute',
      detail:
        p.hops.length > 0
          ? `${p.hops.length} hop${p.hops.length === 1 ? '' : 's'}`
          : p.tracerouteStarted
            ? 'waiting for the first hop'
            : null,
      state: finished
        ? failed && p.hops.length === 0
          ? 'failed'
          : 'done'
        : p.connectStarted
          ? 'done'
          : p.tracerouteStarted
            ? 'active'
            : 'pending',
    },
    {
      key: 'connect',
      title: 'Connects',
      detail: p.connects.total > 0 ? `${p.connects.ok} of ${p.connects.total} succeeded` : null,
      state: finished ? 'done' : p.connectStarted ? 'active' : 'pending',
    },
    {
      key: 'diagnose',
      title: 'Diagnosis',
      detail: finished
        ? `${p.result?.findings.length ?? 0} finding${p.result?.findings.length === 1 ? '' : 's'}`
        : null,
      state: finished ? (failed ? 'failed' : 'done') : 'pending',
    },
  ];
  return steps;
}
