/**
 * What the trace engine asks a probe to do and what it gets back. A probe runs one tool (a
 * traceroute, repeated TCP connects, or a DNS lookup) from a source's network namespace: a
 * short-lived pod on the source's node, an ephemeral container in the source pod, or a
 * hostNetwork pod on the node.
 */
import type { ConnectSummary, ProbeStrategy } from '../trace/types';

export type { ProbeStrategy } from '../trace/types';

/** Where the probe's packets start. */
export type ProbeSource =
  | {
      kind: 'pod';
      namespace: string;
      name: string;
      /** The node the pod runs on (the probe pod is pinned there). */
      node: string;
      /** Container whose process namespace an ephemeral probe joins (kubectl debug --target). */
      container?: string;
      /** The pod shares its node's network namespace. */
      hostNetwork?: boolean;
      /** The node's kubernetes.io/hostname label, when the inventory knows it. */
      nodeHostnameLabel?: string;
    }
  | { kind: 'node'; node: string; nodeHostnameLabel?: string };

/** The tool a probe runs. */
export type ProbeKind = 'traceroute' | 'connect' | 'dns';

/** What the probe aims at: an IP literal or a DNS name, and a TCP port for connects. */
export interface ProbeTarget {
  ip?: string;
  name?: string;
  port?: number;
}

export interface ProbeOptions {
  /** TCP connects per connect probe (a success ratio needs several). */
  count: number;
  /** Per-hop / per-connect wait in seconds (traceroute -w, nc -w). */
  waitSeconds: number;
  /** Traceroute's maximum TTL (-m). */
  maxHops: number;
  /** Traceroute probes per hop (-q). */
  queries: number;
  /**
   * The whole probe's budget: scheduling, image pull and the tool's run. Also the probe pod's
   * activeDeadlineSeconds (rounded up), so the cluster stops it even if podpath dies.
   */
  timeoutMs: number;
  /**
   * busybox only: add NET_RAW, which busybox traceroute's raw socket needs (true by default).
   * Turn it off where Pod Security forbids adding it; traceroute then fails as a privilege error.
   */
  netRaw?: boolean;
  /** Use tracepath instead of traceroute with podpath's probe image. */
  tracepath?: boolean;
}

export interface ProbeSpec {
  /** Concrete strategy; `auto` is resolved beforehand by chooseStrategy. */
  strategy: ProbeStrategy;
  source: ProbeSource;
  kind: ProbeKind;
  target: ProbeTarget;
  /** Image reference: podpath's probe image (default) or busybox. */
  image: string;
  options: ProbeOptions;
  /** The trace this probe belongs to; it labels the probe pod (podpath.dev/trace-id). */
  traceId: string;
  /** Namespace of probe pods (pod and hostNetwork strategies); see probeNamespace(). */
  namespace: string;
}

/** Progress of one probe, for the trace's event stream. */
export type ProbeEvent = { at: string; strategy: ProbeStrategy } & (
  | { type: 'queued'; node: string }
  | { type: 'created'; namespace: string; podName: string; container: string }
  | { type: 'scheduled'; podName: string; node: string }
  | { type: 'pulling'; podName: string; container: string; reason: string | null }
  | { type: 'running'; podName: string; container: string }
  /** The log, read once after the container terminated (one chunk per probe). */
  | { type: 'output'; podName: string; container: string; chunk: string }
  | {
      type: 'terminated';
      podName: string;
      container: string;
      exitCode: number | null;
      reason: string | null;
    }
  | { type: 'deleted'; namespace: string; podName: string }
);

/** Why a probe could not do its job for lack of privilege (never a network break). */
export interface PrivilegeProblem {
  /**
   * `capability`: the tool lacked a capability (NET_RAW); `non-root`: the image wanted root
   * under runAsNonRoot; `pod-security`: admission refused the pod; `rbac`: podpath's account
   * may not do this.
   */
  kind: 'capability' | 'non-root' | 'pod-security' | 'rbac';
  explanation: string;
  /** The line or message that showed it. */
  evidence: string;
}

export interface ProbeOutcome {
  /** The tool's exit code; null when it never ran (refused, timed out before starting). */
  exitCode: number | null;
  /**
   * Container terminated reason (`Completed`, `Error`, `ContainerCannotRun`), or podpath's own:
   * `DeadlineExceeded`, `Timeout`, `CreateContainerConfigError`, `ImagePullBackOff`,
   * `Forbidden`, `SourceGone`, `Unsupported`.
   */
  reason: string;
  /** What the tool printed (stdout and stderr as the pod log has them). */
  log: string;
  privilegeError: boolean;
  privilege: PrivilegeProblem | null;
  strategy: ProbeStrategy;
  /** The probe pod, or the source pod an ephemeral container ran in. */
  podName: string | null;
  namespace: string | null;
  container: string | null;
  node: string;
  image: string;
  argv: string[];
  /** For connect probes: the parsed attempts. */
  connect: ConnectSummary | null;
  /** For the reader: "ephemeral containers stay in the pod spec", "probe lacked NET_RAW", ... */
  notes: string[];
  startedAt: string;
  finishedAt: string;
}

/** podpath's defaults: bounded waits (busybox's own defaults can take 450 s). */
export const DEFAULT_PROBE_OPTIONS: Readonly<ProbeOptions> = {
  count: 20,
  waitSeconds: 2,
  maxHops: 20,
  queries: 1,
  timeoutMs: 90_000,
};

/** Labels and annotations that mark a probe as podpath's. */
export const PROBE_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  managedByValue: 'podpath',
  name: 'app.kubernetes.io/name',
  nameValue: 'podpath-probe',
  traceId: 'podpath.dev/trace-id',
  node: 'podpath.dev/node',
  strategy: 'podpath.dev/strategy',
} as const;

export const PROBE_ANNOTATIONS = {
  traceId: 'podpath.dev/trace-id',
  node: 'podpath.dev/node',
  source: 'podpath.dev/source',
  target: 'podpath.dev/target',
  kind: 'podpath.dev/probe-kind',
} as const;
