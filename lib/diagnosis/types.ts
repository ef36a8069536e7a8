/**
 * The diagnosis stage: rules that turn inventory facts and probe evidence into findings on the
 * right link. Each rule is one module under rules/ with its own test; the engine runs every
 * registered rule after the merge, and runs the extra probes rules ask for before they decide.
 */
import type { InventorySnapshot } from '@/lib/inventory/types';
import type { ResolvedEndpoint } from '@/lib/refs/types';
import type { ExpectedPath } from '@/lib/topology/types';
import type { ConnectSummary, Finding, TraceHop, TraceResult } from '@/lib/trace/types';

/** Rule names of the contract (TraceResult.findings[].rule). */
export type RuleName =
  | 'hairpin'
  | 'local-traffic-policy'
  | 'hostnetwork-external-ip'
  | 'pod-egress-no-snat'
  | 'no-endpoints'
  | 'network-policy'
  | 'dns'
  | 'no-route';

/** Everything a rule may read. All of it is data: rules are pure functions of it. */
export interface DiagnosisInput {
  /** The merged trace (hops, path, links, status, connect, raw), with no findings yet. */
  result: TraceResult;
  snapshot: InventorySnapshot;
  expected: ExpectedPath;
  from: ResolvedEndpoint;
  to: ResolvedEndpoint;
}

/** A probe a rule needs beyond the trace's own, run by the engine with the same machinery. */
export interface ExtraProbeRequest {
  /** Stable key: rules asking for the same probe share one run. */
  key: string;
  /** `node`: a hostNetwork probe on that node; `pod`: a probe from inside (or beside) that pod. */
  from: { kind: 'node'; node: string } | { kind: 'pod'; namespace: string; name: string };
  kind: 'traceroute' | 'connect' | 'dns';
  target: { ip?: string; name?: string; port?: number };
  /** Why it runs, for the trace's notes: "node-versus-pod comparison". */
  why: string;
}

export interface ExtraProbeResult {
  request: ExtraProbeRequest;
  /** The probe ran to the end and its output counts as evidence. */
  ok: boolean;
  /** Why it does not count (privilege, RBAC, timeout), when ok is false. */
  error: string | null;
  /** Resolved hops of a traceroute probe. */
  hops: TraceHop[];
  /** A traceroute probe's last hop was its target. */
  reached: boolean;
  connect: ConnectSummary | null;
  /** A dns probe's answers. */
  addresses: string[];
  /** The probe's output as printed. */
  raw: string;
}

export interface Rule {
  name: RuleName;
  /** Static facts: may this rule have anything to say about this trace? Cheap and pure. */
  applies(input: DiagnosisInput): boolean;
  /** Extra probes that would confirm or clear the rule; asked only when it applies. */
  probes?(input: DiagnosisInput): ExtraProbeRequest[];
  /**
   * Findings on the evidence, [] when the evidence clears the rule. A finding never claims more
   * than its evidence: without confirmation it is a warning that says what would confirm it.
   */
  evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[];
}

/** Runs extra probes for the rules; the engine provides it, tests fake it. */
export type ExtraProbeRunner = (
  requests: ExtraProbeRequest[],
) => Promise<ReadonlyMap<string, ExtraProbeResult>>;
