import type { Rule } from '../diagnosis/types';
import type { ClusterClient } from '../cluster/types';
import type { InventorySnapshot } from '../inventory/types';
import type { Can, chooseStrategy, deleteOrphanedProbes, ProbeLimiter, runProbe } from '../probes';
import type { KnownHost } from '../resolve';
import type { TraceListFilter, TraceStore } from '../store/types';
import type { TraceHop, TraceResult } from '../trace/types';

/** Which probe an event is about. */
export type ProbeKind = 'traceroute' | 'connect' | 'dns';

/**
 * Progress of one trace, in the order a probe goes through it. `done` is always the last event
 * and carries the final TraceResult; `error` (when the trace failed) comes just before it.
 */
export type TraceEvent =
  | { type: 'scheduled'; probe: ProbeKind; pod: string | null; node: string | null }
  | { type: 'pulling'; probe: ProbeKind; image: string; reason: string | null }
  | { type: 'running'; probe: ProbeKind; pod: string | null }
  | { type: 'hop'; hop: TraceHop }
  | { type: 'connect'; attempt: number; ok: boolean; ms: number | null; error?: string }
  | { type: 'done'; result: TraceResult }
  | { type: 'error'; code: string; message: string };

export type TraceEventType = TraceEvent['type'];

/** Where the time of a trace went (milliseconds); kept on the result for the benchmark. */
export interface TraceTimings {
  totalMs: number;
  probes: { kind: ProbeKind; ms: number; runMs: number | null }[];
}

/** A TraceResult as the engine writes it: the contract's fields plus its timings. */
export type EngineTraceResult = TraceResult & { timings?: TraceTimings | null };

/** The cluster a trace runs against, captured when it starts (a context switch cannot move it). */
export interface ClusterAccess {
  /** Context name, written to TraceResult.cluster. */
  context: string;
  client: ClusterClient;
  snapshot(): InventorySnapshot;
  /** Resolves once the inventory has loaded; refs are resolved against it. */
  ready(): Promise<void>;
}

export type RequestedStrategy = 'auto' | 'pod' | 'ephemeral' | 'hostNetwork';

export interface StartTraceInput {
  from: string;
  to: string;
  strategy?: RequestedStrategy;
}

export interface TraceEngineDeps {
  /** The cluster to trace in; called once per trace, at its start. */
  cluster: () => ClusterAccess;
  store: TraceStore;
  /** Clock; the real one unless a test fixes time. */
  now?: () => Date;
  /** Trace ids; newTraceId unless a test wants fixed ones. */
  newId?: () => string;
  /** Probing, the only stage that touches the cluster; lib/probes unless a test fakes it. */
  probes?: ProbeRunner;
  /** PODPATH_KNOWN_HOSTS, parsed: routers and hosts outside the cluster to name in hops. */
  knownHosts?: KnownHost[];
  /** TCP connects per trace to a target with a port (intermittent failures need several). */
  connectCount?: number;
  /** Diagnosis rules run after the merge (lib/diagnosis); their extra probes run here too. */
  rules?: readonly Rule[];
  /**
   * Sweep probe pods an earlier process left behind before the first trace (default true).
   * The CLI turns it off: a short-lived command must not end a running server's probes.
   */
  sweepOrphans?: boolean;
  /** Longest the inventory may take to load before a trace is refused. */
  readyTimeoutMs?: number;
  /** Where the engine reports what it cannot report to anyone else (orphan cleanup). */
  log?: (message: string) => void;
}

/** The lib/probes functions the engine calls, as one seam for tests. */
export interface ProbeRunner {
  chooseStrategy: typeof chooseStrategy;
  runProbe: typeof runProbe;
  deleteOrphanedProbes: typeof deleteOrphanedProbes;
  /** The access-review question chooseStrategy asks, over the trace's cluster client. */
  can: (client: ClusterClient) => Can;
  /** The concurrency limits shared by every trace against one context; none when absent. */
  limiterFor?: (context: string) => ProbeLimiter;
  /** Namespace of probe pods. */
  namespace: () => string;
  /** Image the probe containers run. */
  image: () => string;
}

export interface CancelOutcome {
  result: TraceResult;
  /** False when the trace had already finished. */
  cancelled: boolean;
}

/** A running subscription to a trace's events. */
export interface TraceSubscription {
  unsubscribe(): void;
}

/** The trace engine: starts traces, keeps their events, answers for them. */
export interface TraceEngine {
  /**
   * Validates both references against the inventory (RefError 400/404; nothing starts for a
   * bad one), saves the trace as `running` and runs it in the background.
   */
  start(input: StartTraceInput): Promise<TraceResult>;
  get(id: string): Promise<TraceResult | null>;
  list(filter?: TraceListFilter): Promise<TraceResult[]>;
  /** Resolves with the final result once the trace has ended. */
  wait(id: string): Promise<TraceResult | null>;
  /** Aborts a running trace: its probe pods are deleted, it ends `error` / `cancelled`. */
  cancel(id: string): Promise<CancelOutcome | null>;
  /**
   * Replays the trace's events after `afterSeq`, then follows it; a finished trace gets its
   * `done` at once. Null for an unknown id.
   */
  subscribe(
    id: string,
    listener: (e: { seq: number; event: TraceEvent }) => void,
    afterSeq?: number,
  ): Promise<TraceSubscription | null>;
  /**
   * Deletes probe pods an earlier process left behind (crash, SIGKILL), once per cluster
   * context; every trace waits for it before creating probes of its own.
   */
  cleanupOrphans(): Promise<void>;
  /** Cancels every running trace and waits for them to end. */
  close(): Promise<void>;
}
