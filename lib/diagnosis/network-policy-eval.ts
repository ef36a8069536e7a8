/**
 * NetworkPolicy semantics (networking.k8s.io/v1) for one flow, evaluated against the inventory:
 * which policies isolate the target for ingress and the source for egress, and whether any of
 * their rules admits the flow. Pure.
 *
 * The answer is three-valued. `unknown` means it depends on a fact podpath does not have: the
 * labels of a namespace (the inventory does not watch namespaces; only the name label that the
 * API server sets on every namespace is certain), or the port of a flow that made no connect.
 */
import type {
  InventoryNetworkPolicy,
  InventoryPod,
  InventorySnapshot,
  LabelSelector,
  Labels,
} from '@/lib/inventory/types';
import { cidrContains, parseCidr, parseIp } from '@/lib/resolve/ip';

/**
 * The immutable label the API server puts on every namespace (Kubernetes 1.22+), valued with the
 * namespace's name. It is the one namespace label podpath knows without reading Namespaces.
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** One end of a flow: a pod on the pod network, or an address (outside, or a node's own). */
export type PolicyEndpoint =
  | { kind: 'pod'; pod: InventoryPod }
  | {
      kind: 'address';
      ip: string | null;
      /** The node whose host network this is, when it is one. */
      node: string | null;
    };

export type PolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface PolicyFlow {
  from: PolicyEndpoint;
  to: PolicyEndpoint;
  /** The port the destination receives (after a Service's DNAT); null when no port is known. */
  port: number | null;
  /** null when not known, as for a traceroute (UDP or ICMP, depending on the tool). */
  protocol: PolicyProtocol | null;
}

export interface EvaluateOptions {
  /**
   * Labels of namespaces, when known. Without an entry, a namespace is known to carry only
   * kubernetes.io/metadata.name, and a namespaceSelector on any other key is `unknown`.
   */
  namespaceLabels?: Readonly<Record<string, Labels>>;
}

export type Verdict = 'allowed' | 'denied' | 'unknown';
export type Direction = 'ingress' | 'egress';

export interface PolicyRuleRef {
  policy: InventoryNetworkPolicy;
  /** Index in the policy's ingress or egress list. */
  index: number;
}

export interface DirectionResult {
  direction: Direction;
  /** The pod whose policies were read: the target for ingress, the source for egress. */
  pod: InventoryPod;
  /** Policies that select the pod for this direction; none means the pod is not isolated. */
  selecting: InventoryNetworkPolicy[];
  verdict: Verdict;
  /** Rules that admit the flow (allowed), or that might (unknown). */
  admitting: PolicyRuleRef[];
  /** Why, in plain words: what each selecting policy says about the flow. */
  reasons: string[];
  /** What the verdict depends on that podpath does not know (only for `unknown`). */
  unknowns: string[];
}

export interface PolicyEvaluation {
  /** null when the target is not a pod on the pod network: nothing isolates it. */
  ingress: DirectionResult | null;
  /** null when the source is not a pod on the pod network. */
  egress: DirectionResult | null;
  /** Denied when either direction is; allowed when both are (or do not apply). */
  verdict: Verdict;
}

/** The API's rule shapes, read defensively: the inventory keeps them as unknown[]. */
interface PeerShape {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}
interface PortShape {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface RuleShape {
  peers: PeerShape[] | undefined;
  ports: PortShape[] | undefined;
}

type Tri = 'yes' | 'no' | 'unknown';

const all = (xs: Tri[]): Tri =>
  xs.includes('no') ? 'no' : xs.includes('unknown') ? 'unknown' : 'yes';
const any = (xs: Tri[]): Tri =>
  xs.includes('yes') ? 'yes' : xs.includes('unknown') ? 'unknown' : 'no';

/**
 * Decides whether the policies of the snapshot let the flow through, per direction: ingress
 * into the target pod, egress out of the source pod. Follows the API's rules: a pod is isolated
 * for a direction when a policy of its namespace selects it with that policy type; it then
 * takes only what the union of those policies' rules admits; a rule admits when its peers and
 * its ports both match (an empty or missing list matches everything); peers are OR'ed, and a
 * peer with both namespaceSelector and podSelector needs both. Two exceptions the API reference
 * states: a pod always reaches itself, and traffic between a pod and its own node is always
 * allowed. A host-network pod is its node's address here: policies do not select such pods.
 */
export function evaluateNetworkPolicies(
  snapshot: InventorySnapshot,
  flow: PolicyFlow,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  const from = onPodNetwork(flow.from);
  const to = onPodNetwork(flow.to);
  const normalized: PolicyFlow = { ...flow, from, to };
  const ingress =
    to.kind === 'pod' ? direction(snapshot, normalized, 'ingress', to.pod, from, options) : null;
  const egress =
    from.kind === 'pod' ? direction(snapshot, normalized, 'egress', from.pod, to, options) : null;
  const verdicts = [ingress?.verdict ?? 'allowed', egress?.verdict ?? 'allowed'];
  const verdict: Verdict = verdicts.includes('denied')
    ? 'denied'
    : verdicts.includes('unknown')
      ? 'unknown'
      : 'allowed';
  return { ingress, egress, verdict };
}

/**
 * The policy types a policy affects. The API server fills policyTypes when it is unset
 * (lib/inventory does the same at the door); for a policy without it: Ingress always, Egress
 * when it has egress rules.
 */
export function effectivePolicyTypes(policy: InventoryNetworkPolicy): Direction[] {
  const declared = policy.policyTypes.map((t) => (t === 'Egress' ? 'egress' : 'ingress'));
  if (declared.length > 0) return [...new Set(declared)];
  return policy.egress.length > 0 ? ['ingress', 'egress'] : ['ingress'];
}

/** Whether a label selector picks these labels (all of them known). */
export function labelSelectorMatches(selector: LabelSelector, labels: Labels): boolean {
  return (
    selectorTri(
      selector,
      labels,
      () => true,
      () => undefined,
    ) === 'yes'
  );
}

/** A selector as kubectl prints one: `app=db,tier in (a,b),!legacy`; `{}` selects everything. */
export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        parts.push(`${e.key} ${e.operator} (${values})`);
    }
  }
  return parts.length > 0 ? parts.join(',') : '{}';
}

/** `default/web-client (run=web-client)`, `192.168.56.12 (host network of node-2)`. */
export function describeEndpoint(e: PolicyEndpoint): string {
  if (e.kind === 'pod') {
    const labels = Object.entries(e.pod.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return `${e.pod.namespace}/${e.pod.name} (${labels || 'no labels'})`;
  }
  const ip = e.ip ?? 'an unknown address';
  return e.node ? `${ip} (host network of ${e.node})` : ip;
}

/** `TCP/5432`, `TCP/32000-32768`, `TCP/http`, `any TCP port`, or `any port` when unknown. */
export function describeFlowPort(flow: Pick<PolicyFlow, 'port' | 'protocol'>): string {
  if (flow.port === null) return flow.protocol ? `any ${flow.protocol} port` : 'an unknown port';
  return `${flow.protocol ?? 'TCP'}/${flow.port}`;
}

/** One rule in words: `from pods app=web in namespace default, on TCP/5432`. */
export function describeRule(
  policy: InventoryNetworkPolicy,
  dir: Direction,
  index: number,
): string {
  const rule = ruleAt(policy, dir, index);
  const peers =
    rule.peers && rule.peers.length > 0
      ? rule.peers.map((p) => describePeer(p, policy.namespace)).join(' or ')
      : 'anywhere';
  const ports =
    rule.ports && rule.ports.length > 0 ? rule.ports.map(describePortEntry).join(', ') : 'any port';
  return `${dir === 'ingress' ? 'from' : 'to'} ${peers}, on ${ports}`;
}

function describePeer(peer: PeerShape, namespace: string): string {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except ?? [];
    return `ipBlock ${peer.ipBlock.cidr ?? '?'}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
  }
  const pods = peer.podSelector ? describePodSet(peer.podSelector) : 'all pods';
  if (!peer.namespaceSelector) return `${pods} in namespace ${namespace}`;
  const nsSel = peer.namespaceSelector;
  const name = nsSel.matchLabels?.[NAMESPACE_NAME_LABEL];
  const onlyName =
    name !== undefined &&
    Object.keys(nsSel.matchLabels ?? {}).length === 1 &&
    (nsSel.matchExpressions ?? []).length === 0;
  if (onlyName) return `${pods} in namespace ${name}`;
  const namespaces = describeSelector(nsSel);
  return `${pods} in ${namespaces === '{}' ? 'every namespace' : `namespaces ${namespaces}`}`;
}

function describePodSet(selector: LabelSelector): string {
  const s = describeSelector(selector);
  return s === '{}' ? 'all pods' : `pods ${s}`;
}

function describePortEntry(p: PortShape): string {
  const protocol = (p.protocol ?? 'TCP').toUpperCase();
  if (p.port === undefined) return `any ${protocol} port`;
  return `${protocol}/${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`;
}

/** A host-network pod sends and receives as its node: the node's address, not a pod. */
function onPodNetwork(e: PolicyEndpoint): PolicyEndpoint {
  if (e.kind === 'pod' && e.pod.hostNetwork) {
    return { kind: 'address', ip: e.pod.ip, node: e.pod.nodeName };
  }
  return e;
}

function direction(
  snapshot: InventorySnapshot,
  flow: PolicyFlow,
  dir: Direction,
  pod: InventoryPod,
  remote: PolicyEndpoint,
  options: EvaluateOptions,
): DirectionResult {
  const podName = `${pod.namespace}/${pod.name}`;
  const selecting = snapshot.networkPolicies.filter(
    (p) =>
      p.namespace === pod.namespace &&
      effectivePolicyTypes(p).includes(dir) &&
      labelSelectorMatches(p.podSelector, pod.labels),
  );
  const base = { direction: dir, pod, selecting, admitting: [], unknowns: [] };
  if (
    remote.kind === 'pod' &&
    remote.pod.namespace === pod.namespace &&
    remote.pod.name === pod.name
  ) {
    return { ...base, verdict: 'allowed', reasons: [`a pod always reaches itself`] };
  }
  if (remote.kind === 'address' && remote.node !== null && remote.node === pod.nodeName) {
    return {
      ...base,
      verdict: 'allowed',
      reasons: [`traffic between a pod and its own node (${remote.node}) is always allowed`],
    };
  }
  if (selecting.length === 0) {
    return {
      ...base,
      verdict: 'allowed',
      reasons: [`no NetworkPolicy selects ${podName} for ${dir}: it is not isolated`],
    };
  }

  const admitting: PolicyRuleRef[] = [];
  const maybe: PolicyRuleRef[] = [];
  const reasons: string[] = [];
  const unknowns = new Set<string>();
  for (const policy of selecting) {
    const name = `${policy.namespace}/${policy.name}`;
    const rules = dir === 'ingress' ? policy.ingress : policy.egress;
    if (rules.length === 0) {
      reasons.push(
        `${name} (podSelector ${describeSelector(policy.podSelector)}) has no ${dir} rules: it admits nothing`,
      );
      continue;
    }
    rules.forEach((_, index) => {
      const rule = ruleAt(policy, dir, index);
      const notes: string[] = [];
      const peers = peersTri(rule, policy.namespace, remote, options, notes);
      const ports = portsTri(rule, flow, notes);
      const verdict = all([peers, ports]);
      const ref = { policy, index };
      const what = `${name} ${dir} rule ${index + 1} (${describeRule(policy, dir, index)})`;
      if (verdict === 'yes') {
        admitting.push(ref);
        reasons.push(`${what} admits it`);
        return;
      }
      if (verdict === 'unknown') {
        maybe.push(ref);
        for (const n of notes) unknowns.add(n);
      }
      const why: string[] = [];
      if (peers !== 'yes') {
        why.push(
          `${peers === 'no' ? 'does not match' : 'may not match'} ${describeEndpoint(remote)}`,
        );
      }
      if (ports !== 'yes') {
        why.push(
          `${ports === 'no' ? 'does not cover' : 'may not cover'} ${describeFlowPort(flow)}`,
        );
      }
      reasons.push(`${what} ${why.join(' and ')}`);
    });
  }
  const verdict: Verdict =
    admitting.length > 0 ? 'allowed' : maybe.length > 0 ? 'unknown' : 'denied';
  return {
    ...base,
    verdict,
    admitting: verdict === 'allowed' ? admitting : maybe,
    reasons,
    unknowns: verdict === 'unknown' ? [...unknowns] : [],
  };
}

function ruleAt(policy: InventoryNetworkPolicy, dir: Direction, index: number): RuleShape {
  const raw = (dir === 'ingress' ? policy.ingress : policy.egress)[index];
  const rule = isObject(raw) ? raw : {};
  const peers = rule[dir === 'ingress' ? 'from' : 'to'];
  const ports = rule.ports;
  return {
    peers: Array.isArray(peers) ? peers.filter(isObject).map(toPeer) : undefined,
    ports: Array.isArray(ports) ? ports.filter(isObject).map(toPort) : undefined,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toSelector(v: unknown): LabelSelector | undefined {
  if (!isObject(v)) return undefined;
  const out: LabelSelector = {};
  if (isObject(v.matchLabels)) {
    out.matchLabels = Object.fromEntries(
      Object.entries(v.matchLabels).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  if (Array.isArray(v.matchExpressions)) {
    out.matchExpressions = v.matchExpressions.filter(isObject).map((e) => ({
      key: typeof e.key === 'string' ? e.key : '',
      operator: typeof e.operator === 'string' ? e.operator : '',
      ...(Array.isArray(e.values)
        ? { values: e.values.filter((x): x is string => typeof x === 'string') }
        : {}),
    }));
  }
  return out;
}

function toPeer(v: Record<string, unknown>): PeerShape {
  const peer: PeerShape = {};
  const podSelector = toSelector(v.podSelector);
  const namespaceSelector = toSelector(v.namespaceSelector);
  if (podSelector) peer.podSelector = podSelector;
  if (namespaceSelector) peer.namespaceSelector = namespaceSelector;
  if (isObject(v.ipBlock)) {
    const except = Array.isArray(v.ipBlock.except)
      ? v.ipBlock.except.filter((x): x is string => typeof x === 'string')
      : [];
    peer.ipBlock = {
      ...(typeof v.ipBlock.cidr === 'string' ? { cidr: v.ipBlock.cidr } : {}),
      except,
    };
  }
  return peer;
}

function toPort(v: Record<string, unknown>): PortShape {
  const port: PortShape = {};
  if (typeof v.protocol === 'string') port.protocol = v.protocol;
  if (typeof v.port === 'number' || typeof v.port === 'string') port.port = v.port;
  if (typeof v.endPort === 'number') port.endPort = v.endPort;
  return port;
}

/**
 * A selector against labels, where `known(key)` says whether the labels are known to be
 * complete for that key; `note` is called for a requirement that cannot be decided.
 */
function selectorTri(
  selector: LabelSelector,
  labels: Labels,
  known: (key: string) => boolean,
  note: (key: string) => void,
): Tri {
  const results: Tri[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!known(key)) {
      note(key);
      results.push('unknown');
    } else results.push(labels[key] === value ? 'yes' : 'no');
  }
  for (const e of selector.matchExpressions ?? []) {
    if (!known(e.key)) {
      note(e.key);
      results.push('unknown');
      continue;
    }
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        results.push(has && value !== undefined && values.includes(value) ? 'yes' : 'no');
        break;
      case 'NotIn':
        // A label that is absent is "not in" any set, as labels.Selector reads it.
        results.push(!has || value === undefined || !values.includes(value) ? 'yes' : 'no');
        break;
      case 'Exists':
        results.push(has ? 'yes' : 'no');
        break;
      case 'DoesNotExist':
        results.push(has ? 'no' : 'yes');
        break;
      default:
        // The API server refuses any other operator, so no stored policy carries one.
        results.push('no');
    }
  }
  return all(results);
}

function peersTri(
  rule: RuleShape,
  policyNamespace: string,
  remote: PolicyEndpoint,
  options: EvaluateOptions,
  notes: string[],
): Tri {
  if (!rule.peers || rule.peers.length === 0) return 'yes';
  return any(rule.peers.map((peer) => peerTri(peer, policyNamespace, remote, options, notes)));
}

function peerTri(
  peer: PeerShape,
  policyNamespace: string,
  remote: PolicyEndpoint,
  options: EvaluateOptions,
  notes: string[],
): Tri {
  if (peer.ipBlock) {
    // Matched by address wherever it is, as iptables- and eBPF-based plugins do; the API only
    // advises that ipBlock is meant for addresses outside the cluster.
    const ipText = remote.kind === 'pod' ? remote.pod.ip : remote.ip;
    const ip = ipText ? parseIp(ipText) : null;
    const cidr = peer.ipBlock.cidr ? parseCidr(peer.ipBlock.cidr) : null;
    if (!ip || !cidr || !cidrContains(cidr, ip)) return 'no';
    const excluded = (peer.ipBlock.except ?? []).some((e) => {
      const ex = parseCidr(e);
      return ex !== null && cidrContains(ex, ip);
    });
    return excluded ? 'no' : 'yes';
  }
  if (!peer.podSelector && !peer.namespaceSelector) return 'no';
  // Selectors pick pods: an address outside the pod network is never one of them.
  if (remote.kind !== 'pod') return 'no';
  const { pod } = remote;
  let namespaceTri: Tri;
  if (peer.namespaceSelector) {
    const given = options.namespaceLabels?.[pod.namespace];
    const labels = { ...given, [NAMESPACE_NAME_LABEL]: pod.namespace };
    namespaceTri = selectorTri(
      peer.namespaceSelector,
      labels,
      (key) => key === NAMESPACE_NAME_LABEL || given !== undefined,
      (key) =>
        notes.push(
          `whether namespace ${pod.namespace} has the label ${key} (podpath reads no Namespace objects; only ${NAMESPACE_NAME_LABEL} is certain): kubectl get namespace ${pod.namespace} --show-labels`,
        ),
    );
  } else {
    namespaceTri = pod.namespace === policyNamespace ? 'yes' : 'no';
  }
  const podTri = peer.podSelector
    ? selectorTri(
        peer.podSelector,
        pod.labels,
        () => true,
        () => undefined,
      )
    : 'yes';
  return all([namespaceTri, podTri]);
}

function portsTri(rule: RuleShape, flow: PolicyFlow, notes: string[]): Tri {
  if (!rule.ports || rule.ports.length === 0) return 'yes';
  return any(rule.ports.map((entry) => portTri(entry, flow, notes)));
}

function portTri(entry: PortShape, flow: PolicyFlow, notes: string[]): Tri {
  const protocol = (entry.protocol ?? 'TCP').toUpperCase();
  const protocolTri: Tri =
    flow.protocol === null ? 'unknown' : flow.protocol === protocol ? 'yes' : 'no';
  let portTri: Tri;
  if (entry.port === undefined) portTri = 'yes';
  else if (flow.port === null) portTri = 'unknown';
  else if (typeof entry.port === 'number') {
    portTri =
      entry.endPort !== undefined
        ? flow.port >= entry.port && flow.port <= entry.endPort
          ? 'yes'
          : 'no'
        : flow.port === entry.port
          ? 'yes'
          : 'no';
  } else {
    // A named port means the destination pod's container port of that name and protocol.
    const dest = flow.to.kind === 'pod' ? flow.to.pod : null;
    const named = dest?.ports.find(
      (p) => p.name === entry.port && p.protocol.toUpperCase() === protocol,
    );
    portTri = named && named.containerPort === flow.port ? 'yes' : 'no';
  }
  const result = all([protocolTri, portTri]);
  if (result === 'unknown') {
    notes.push(
      'the port and protocol of the traffic: the trace made no connect, so only a port-less traceroute was seen',
    );
  }
  return result;
}
