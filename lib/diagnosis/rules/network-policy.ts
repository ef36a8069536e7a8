/**
 * Rule `network-policy`: a NetworkPolicy isolates the target pod (ingress) or the source pod
 * (egress) and none of the rules of the policies selecting it admits this traffic. The finding
 * names the policies, what they select and why no rule matches, sets the trace's own evidence
 * beside it (a policy drop shows as connects that time out, not as refusals) and gives the
 * NetworkPolicy that would admit exactly this traffic.
 */
import type { InventoryPod, Labels } from '@/lib/inventory/types';
import { parseIp } from '@/lib/resolve/ip';
import { podId } from '@/lib/resolve/element-ids';
import type { ConnectSummary, Finding, FindingFix, Severity } from '@/lib/trace/types';
import { describeConnects, describeHops, firstBrokenLink, linkInto, linkOutOf } from '../evidence';
import {
  describeEndpoint,
  describeFlowPort,
  describeSelector,
  evaluateNetworkPolicies,
  NAMESPACE_NAME_LABEL,
  type Direction,
  type DirectionResult,
  type PolicyEndpoint,
  type PolicyEvaluation,
  type PolicyFlow,
} from '../network-policy-eval';
import type { DiagnosisInput, Rule } from '../types';

/** Labels a controller stamps on each generation of pods: a selector on them goes stale. */
const UNSTABLE_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
]);

interface Case {
  flow: PolicyFlow;
  evaluation: PolicyEvaluation;
  /** The link into the target pod, or the broken link when the pod is not drawn. */
  ingressLink: number | null;
  /** The link leaving the source. */
  egressLink: number | null;
}

function sourceOf(input: DiagnosisInput): PolicyEndpoint | null {
  const { from } = input;
  if (from.kind === 'pod' && from.pod) return { kind: 'pod', pod: from.pod };
  if (from.kind === 'node') return { kind: 'address', ip: from.ip, node: from.node };
  return null;
}

function podByIp(input: DiagnosisInput, ip: string | null): InventoryPod | undefined {
  if (!ip) return undefined;
  return input.snapshot.pods.find((p) => !p.hostNetwork && p.ip === ip);
}

/**
 * Where the packets end up and on which port: the endpoint kube-proxy sends a Service's
 * traffic to (policies see the packet after that DNAT), the pod itself, or an address.
 */
function targetOf(
  input: DiagnosisInput,
): { to: PolicyEndpoint; port: number | null; protocol: PolicyFlow['protocol'] } | null {
  const { expected, result, snapshot, to } = input;
  const connect = result.connect && result.connect.attempts > 0 ? result.connect : null;
  // Connects are TCP; without them only a traceroute ran, whose port and protocol vary by tool.
  const protocol = connect ? ('TCP' as const) : null;
  const endpoint = expected.via.endpoint;
  if (expected.via.service || expected.via.loadBalancer || expected.via.nodePort) {
    if (!endpoint?.pod) return null;
    const pod = snapshot.pods.find((p) => `${p.namespace}/${p.name}` === endpoint.pod);
    if (!pod) return null;
    return { to: { kind: 'pod', pod }, port: connect ? endpoint.port : null, protocol };
  }
  const pod = to.pod ?? podByIp(input, result.to.ip);
  if (pod) return { to: { kind: 'pod', pod }, port: connect ? connect.port : null, protocol };
  const ip = expected.traceTarget?.ip ?? result.to.ip;
  if (!ip) return null;
  const node = to.kind === 'node' ? to.node : null;
  return { to: { kind: 'address', ip, node }, port: connect ? connect.port : null, protocol };
}

function caseOf(input: DiagnosisInput): Case | null {
  const { result } = input;
  // Policies do not drop some connections and pass others: a trace that got through at all
  // (reachable, or intermittent) is not stopped by one.
  if (result.status !== 'unreachable') return null;
  if (result.connect && result.connect.succeeded > 0) return null;
  const from = sourceOf(input);
  const target = targetOf(input);
  if (!from || !target) return null;
  const flow: PolicyFlow = { from, ...target };
  const evaluation = evaluateNetworkPolicies(input.snapshot, flow);
  const isolated =
    (evaluation.ingress?.selecting.length ?? 0) + (evaluation.egress?.selecting.length ?? 0) > 0;
  if (!isolated || evaluation.verdict === 'allowed') return null;
  const fallback =
    firstBrokenLink(result) ?? (result.links.length > 0 ? result.links.length - 1 : null);
  const targetPod = flow.to.kind === 'pod' ? flow.to.pod : null;
  const sourceId = result.path[0]?.id;
  return {
    flow,
    evaluation,
    ingressLink:
      (targetPod && linkInto(result, podId(targetPod.namespace, targetPod.name))) ?? fallback,
    egressLink: (sourceId !== undefined ? linkOutOf(result, sourceId) : null) ?? fallback,
  };
}

const names = (d: DirectionResult) => d.selecting.map((p) => `${p.namespace}/${p.name}`);

function policiesPhrase(d: DirectionResult): string {
  const list = names(d);
  return `${list.length === 1 ? 'NetworkPolicy' : 'NetworkPolicies'} ${list.join(', ')}`;
}

function endName(e: PolicyEndpoint): string {
  return e.kind === 'pod' ? `${e.pod.namespace}/${e.pod.name}` : (e.ip ?? 'an unknown address');
}

/** What the connects saw, by the kind of failure that matters here. */
function connectKinds(connect: ConnectSummary): {
  timeouts: number;
  refusals: number;
  other: number;
} {
  let timeouts = 0;
  let refusals = 0;
  let other = 0;
  for (const r of connect.results) {
    if (r.ok) continue;
    const error = r.error ?? '';
    if (/refused|reset/i.test(error)) refusals += 1;
    else if (/timed? ?out/i.test(error)) timeouts += 1;
    else other += 1;
  }
  return { timeouts, refusals, other };
}

function stableLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !UNSTABLE_LABELS.has(k)));
}

/**
 * What to call a pod in a policy's name: a bare pod by its name; a controller's pod (whose name
 * changes with each one) by its app label, else its controller's name without the hash.
 */
function podBaseName(pod: InventoryPod): string {
  if (!pod.owner) return pod.name;
  const label =
    pod.labels['app.kubernetes.io/name'] ?? pod.labels.app ?? pod.labels['k8s-app'] ?? null;
  if (label) return label;
  const hash = pod.labels['pod-template-hash'];
  return hash && pod.owner.name.endsWith(`-${hash}`)
    ? pod.owner.name.slice(0, -(hash.length + 1))
    : pod.owner.name;
}

/** A short, valid object-name part for an endpoint: its app label, its name, its address. */
function nameOf(e: PolicyEndpoint): string {
  const raw = e.kind === 'pod' ? podBaseName(e.pod) : (e.ip ?? 'address');
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/** A YAML scalar: plain when YAML would read it back as the same string, quoted otherwise. */
function scalar(value: string): string {
  const plain =
    /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) &&
    !/^(true|false|yes|no|on|off|y|n|null)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function selectorYaml(labels: Labels, indent: string): string[] {
  const entries = Object.entries(labels);
  if (entries.length === 0) return [`${indent}{}`];
  return [
    `${indent}matchLabels:`,
    ...entries.map(([k, v]) => `${indent}  ${scalar(k)}: ${scalar(v)}`),
  ];
}

/** The peer that names the other end: its pods by labels and namespace, or its address. */
function peerYaml(e: PolicyEndpoint, indent: string): string[] {
  if (e.kind === 'pod') {
    const labels = stableLabels(e.pod.labels);
    return [
      `${indent}- namespaceSelector:`,
      `${indent}    matchLabels:`,
      `${indent}      ${NAMESPACE_NAME_LABEL}: ${scalar(e.pod.namespace)}`,
      ...(Object.keys(labels).length > 0
        ? [`${indent}  podSelector:`, ...selectorYaml(labels, `${indent}    `)]
        : []),
    ];
  }
  const family = e.ip ? parseIp(e.ip)?.family : undefined;
  return [`${indent}- ipBlock:`, `${indent}    cidr: ${e.ip}/${family === 6 ? 128 : 32}`];
}

/** A NetworkPolicy that admits exactly this flow in one direction. */
export function allowPolicyYaml(
  flow: PolicyFlow,
  dir: Direction,
): { name: string; namespace: string; yaml: string } | null {
  const own = dir === 'ingress' ? flow.to : flow.from;
  const other = dir === 'ingress' ? flow.from : flow.to;
  if (own.kind !== 'pod' || (other.kind === 'address' && !other.ip)) return null;
  const name =
    dir === 'ingress'
      ? `allow-${nameOf(flow.from)}-to-${nameOf(flow.to)}`
      : `allow-${nameOf(flow.from)}-egress-to-${nameOf(flow.to)}`;
  const lines = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${own.pod.namespace}`,
    'spec:',
    '  podSelector:',
    ...selectorYaml(stableLabels(own.pod.labels), '    '),
    '  policyTypes:',
    `    - ${dir === 'ingress' ? 'Ingress' : 'Egress'}`,
    `  ${dir}:`,
    `    - ${dir === 'ingress' ? 'from' : 'to'}:`,
    ...peerYaml(other, '        '),
  ];
  if (flow.port !== null) {
    lines.push(
      '      ports:',
      `        - protocol: ${flow.protocol ?? 'TCP'}`,
      `          port: ${flow.port}`,
    );
  }
  return { name, namespace: own.pod.namespace, yaml: `${lines.join('\n')}\n` };
}

function fixFor(c: Case, d: DirectionResult): FindingFix[] {
  const policy = allowPolicyYaml(c.flow, d.direction);
  if (!policy) return [];
  const other = d.direction === 'ingress' ? c.flow.from : c.flow.to;
  const whom =
    other.kind === 'pod'
      ? `pods ${describeSelector({ matchLabels: stableLabels(other.pod.labels) })} of namespace ${other.pod.namespace}`
      : `${other.ip}`;
  const port =
    c.flow.port === null
      ? 'on every port (the trace knew no port; add a ports list for the one the application uses)'
      : `on ${describeFlowPort(c.flow)}`;
  return [
    {
      title:
        `Admit ${d.direction === 'ingress' ? `traffic from ${whom} into` : `traffic to ${whom} out of`} ` +
        `${endName(d.direction === 'ingress' ? c.flow.to : c.flow.from)} ${port}: a new NetworkPolicy ` +
        `${policy.namespace}/${policy.name} beside ${names(d).join(', ')} (policies add up, so nothing ` +
        `else is opened). kubectl apply -f - reads it from stdin.`,
      commands: ['kubectl apply -f -'],
      yaml: policy.yaml,
    },
  ];
}

function findingFor(input: DiagnosisInput, c: Case, d: DirectionResult): Finding {
  const { result } = input;
  const { flow } = c;
  const pod = `${d.pod.namespace}/${d.pod.name}`;
  const traffic = `${endName(flow.from)} -> ${endName(flow.to)}${flow.port !== null ? `:${flow.port}` : ''}`;
  const evidence: string[] = d.selecting.map(
    (p) =>
      `NetworkPolicy ${p.namespace}/${p.name} selects ${pod} (podSelector ${describeSelector(p.podSelector)}) for ${d.direction}`,
  );
  evidence.push(...d.reasons);
  if (d.verdict === 'denied') {
    evidence.push(
      `no ${d.direction} rule of the ${d.selecting.length === 1 ? 'policy' : `${d.selecting.length} policies`} selecting ${pod} admits ${describeEndpoint(flow.from)} -> ${describeEndpoint(flow.to)} on ${describeFlowPort(flow)}`,
    );
  } else {
    evidence.push(`whether a rule admits it depends on ${d.unknowns.join('; and ')}`);
  }

  const connect = result.connect && result.connect.attempts > 0 ? result.connect : null;
  const kinds = connect ? connectKinds(connect) : null;
  if (connect && kinds) {
    const seen = [
      kinds.timeouts > 0 ? `${kinds.timeouts}× timed out` : '',
      kinds.refusals > 0 ? `${kinds.refusals}× refused` : '',
      kinds.other > 0 ? `${kinds.other}× failed otherwise` : '',
    ].filter(Boolean);
    evidence.push(`${describeConnects(connect)}${seen.length > 0 ? `: ${seen.join(', ')}` : ''}`);
  }
  if (result.hops.length > 0) evidence.push(`traceroute: ${describeHops(result.hops)}`);

  const dropped = kinds !== null && kinds.timeouts + kinds.other > 0;
  const severity: Severity = d.verdict === 'denied' && dropped ? 'error' : 'warning';
  const isolatedBy =
    `${pod} is isolated for ${d.direction}: ${policiesPhrase(d)} ${d.selecting.length === 1 ? 'selects' : 'select'} it, ` +
    `so it ${d.direction === 'ingress' ? 'accepts' : 'sends'} only what a rule of ${d.selecting.length === 1 ? 'that policy' : 'those policies'} admits`;
  let explanation: string;
  if (d.verdict === 'unknown') {
    explanation =
      `${isolatedBy}, and whether one admits ${traffic} depends on what podpath cannot see: ` +
      `${d.unknowns.join('; ')}. What would confirm the policy as the cause: that answer, and ` +
      `connects to the port the application uses that time out.`;
  } else {
    explanation = `${isolatedBy}, and none admits ${endName(flow.from)} -> ${endName(flow.to)}${flow.port === null ? '' : ` on ${describeFlowPort(flow)}`}.`;
    if (!connect) {
      explanation +=
        ' The trace made no TCP connect, so all podpath saw is a traceroute that did not get there. ' +
        `What would confirm it: connects to the pod's port that time out (trace ip:${flow.to.kind === 'pod' ? (flow.to.pod.ip ?? '') : (flow.to.ip ?? '')}:PORT), as a NetworkPolicy drop looks.`;
    } else if (dropped) {
      explanation +=
        ' The connects went unanswered: the packets were dropped, which is how NetworkPolicy ' +
        'drops show (a closed port answers with a refusal instead).';
    } else {
      explanation +=
        ' But the connects were refused, not timed out: a refusal is an answer (nothing listening ' +
        'on the port, or a plugin that rejects instead of dropping), which a NetworkPolicy drop ' +
        'does not give. What would confirm the policy as the cause: connects that time out.';
    }
  }
  const verb =
    d.verdict === 'unknown' ? 'may not admit' : severity === 'error' ? 'drops' : 'admits no';
  const title =
    d.verdict === 'unknown'
      ? `${policiesPhrase(d)} may not admit ${traffic}`
      : `${policiesPhrase(d)} ${verb} ${d.direction === 'ingress' ? 'ingress' : 'egress'} ${traffic}`;
  return {
    rule: 'network-policy',
    severity,
    link: d.direction === 'ingress' ? c.ingressLink : c.egressLink,
    title,
    explanation,
    evidence,
    fix: fixFor(c, d),
  };
}

function evaluate(input: DiagnosisInput): Finding[] {
  const c = caseOf(input);
  if (!c) return [];
  const out: Finding[] = [];
  for (const d of [c.evaluation.egress, c.evaluation.ingress]) {
    if (d && d.selecting.length > 0 && d.verdict !== 'allowed') out.push(findingFor(input, c, d));
  }
  return out;
}

/** A NetworkPolicy that selects an end of the trace and admits nothing that matches it. */
export const networkPolicyRule: Rule = {
  name: 'network-policy',
  applies: (input) => caseOf(input) !== null,
  evaluate,
};
