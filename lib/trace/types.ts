/**
 * The TraceResult of shared/contract.md and the pieces the pipeline stages hand each other.
 * Field names here are public: outside checks read them. Add fields freely, never rename.
 */

export type EndpointKind = 'pod' | 'node' | 'service' | 'ip' | 'dns';

/** A parsed endpoint reference (`pod:NS/NAME`, `node:NAME`, `service:NS/NAME[:PORT]`, ...). */
export type EndpointRef =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'node'; name: string }
  | { kind: 'service'; namespace: string; name: string; port: string | null }
  | { kind: 'ip'; address: string; port: number | null }
  | { kind: 'dns'; name: string; port: number | null };

/** An endpoint as the result shows it, resolved against the inventory. */
export interface TraceEndpoint {
  ref: string;
  kind: EndpointKind;
  ip: string | null;
  node: string | null;
  port?: number | null;
  namespace?: string;
  name?: string;
  /** For pods: whether it shares its node's network namespace. */
  hostNetwork?: boolean;
}

export type EntityKind =
  'pod' | 'interface' | 'node' | 'service' | 'loadbalancer' | 'external' | 'unknown';

/** What owns an address. */
export interface HopEntity {
  kind: EntityKind;
  namespace?: string;
  name?: string;
  node?: string;
  /** Free text for the UI: "cni0 of node-2", "router gw", ... */
  label?: string;
}

export interface TraceHop {
  ttl: number;
  /** null for a silent hop (`*`). */
  ip: string | null;
  rttMs: number[];
  entity: HopEntity | null;
  /** Other addresses that answered on the same TTL. */
  alsoFrom?: string[];
  /** `!H`, `!N`, `!X`, ... as traceroute printed them. */
  annotations?: string[];
  host?: string | null;
}

export type PathElementKind =
  'pod' | 'interface' | 'node' | 'service' | 'loadbalancer' | 'external' | 'unknown';

/** One element the picture draws. Ids match the cluster graph's element ids. */
export interface PathElement {
  id: string;
  kind: PathElementKind;
  label?: string;
  node?: string;
  /** `expected`: topology predicts it; `seen`: a probe saw it; `both`. */
  source?: 'expected' | 'seen' | 'both';
  /** Index into hops[] when a hop matched this element. */
  hop?: number;
  /** Marks for the UI: 'hairpin', 'local-policy-lb', 'virtual' (a Service DNAT hop), ... */
  tags?: string[];
}

export type LinkState = 'ok' | 'broken' | 'intermittent' | 'unknown';

export interface PathLink {
  from: number;
  to: number;
  state: LinkState;
  rttMs?: number | null;
  /** For intermittent links: connects that succeeded / attempted. */
  successRatio?: { ok: number; total: number } | null;
  label?: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface FindingFix {
  title: string;
  commands?: string[];
  yaml?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  link: number | null;
  title: string;
  explanation: string;
  evidence: string[];
  fix: FindingFix[];
}

export type TraceStatus = 'running' | 'reachable' | 'unreachable' | 'intermittent' | 'error';

export type ProbeStrategy = 'pod' | 'ephemeral' | 'hostNetwork';

/** Summary of repeated TCP connects. */
export interface ConnectSummary {
  target: string;
  port: number;
  attempts: number;
  succeeded: number;
  results: { ok: boolean; ms: number | null; error?: string }[];
}

export interface TraceResult {
  id: string;
  createdAt: string;
  finishedAt?: string | null;
  cluster: string;
  from: TraceEndpoint;
  to: TraceEndpoint;
  strategy: ProbeStrategy | null;
  status: TraceStatus;
  hops: TraceHop[];
  path: PathElement[];
  links: PathLink[];
  findings: Finding[];
  connect?: ConnectSummary | null;
  /** Notes for the reader: "ephemeral containers stay in the pod spec", "probe lacked NET_RAW". */
  notes?: string[];
  error?: { code: string; message: string } | null;
  /** Where the time went: the whole trace, and each probe (ms in total, ms the tool itself ran). */
  timings?: {
    totalMs: number;
    probes: { kind: 'traceroute' | 'connect' | 'dns'; ms: number; runMs: number | null }[];
  } | null;
  raw: { traceroute?: string; connect?: string; [probe: string]: string | undefined };
  /** Set on a trace opened from a JSON export: the id it had and when it came in. */
  importedFrom?: { id: string; importedAt: string } | null;
}
