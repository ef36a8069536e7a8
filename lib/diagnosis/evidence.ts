/**
 * Small readers shared by the rules: where a link is, how a trace or a connect series reads in
 * plain words, which pods a selector picks. Pure functions of the trace and the inventory.
 */
import type { InventoryPod, InventorySnapshot, Labels } from '@/lib/inventory/types';
import { cidrContains, commonPrefixLength, formatIp, parseCidr, parseIp } from '@/lib/resolve/ip';
import type { ConnectSummary, TraceHop, TraceResult } from '@/lib/trace/types';

/** Index of the first link whose far end is the element with this id, or null. */
export function linkInto(result: TraceResult, elementId: string): number | null {
  const i = result.links.findIndex((l) => result.path[l.to]?.id === elementId);
  return i === -1 ? null : i;
}

/** Index of the first link leaving the element with this id, or null. */
export function linkOutOf(result: TraceResult, elementId: string): number | null {
  const i = result.links.findIndex((l) => result.path[l.from]?.id === elementId);
  return i === -1 ? null : i;
}

/** Index of the first broken link, or null. */
export function firstBrokenLink(result: TraceResult): number | null {
  const i = result.links.findIndex((l) => l.state === 'broken');
  return i === -1 ? null : i;
}

/** Index of the first link that is broken or intermittent, or null. */
export function firstBadLink(result: TraceResult): number | null {
  const i = result.links.findIndex((l) => l.state === 'broken' || l.state === 'intermittent');
  return i === -1 ? null : i;
}

/** "1 10.244.2.1 (cni0 of node-2) · 2 * · 3 *": a trace as one line of evidence. */
export function describeHops(hops: readonly TraceHop[], max = 6): string {
  if (hops.length === 0) return 'no hop answered';
  const shown = hops.slice(0, max).map((h) => {
    if (!h.ip) return `${h.ttl} *`;
    const who = h.entity?.label ?? h.entity?.name;
    return `${h.ttl} ${h.ip}${who ? ` (${who})` : ''}`;
  });
  if (hops.length > max) shown.push(`… ${hops.length - max} more`);
  return shown.join(' · ');
}

/** The last hop that answered, or null. */
export function lastAnswer(hops: readonly TraceHop[]): TraceHop | null {
  for (let i = hops.length - 1; i >= 0; i--) if (hops[i]?.ip) return hops[i] ?? null;
  return null;
}

/** "9 of 20 TCP connects to 10.96.212.203:80 succeeded". */
export function describeConnects(connect: ConnectSummary): string {
  return `${connect.succeeded} of ${connect.attempts} TCP connects to ${connect.target}:${connect.port} succeeded`;
}

/** The kinds of failure a connect series saw, with counts: "11× Connection refused". */
export function connectErrors(connect: ConnectSummary): string[] {
  const counts = new Map<string, number>();
  for (const r of connect.results) {
    if (r.ok) continue;
    const key = r.error ?? 'failed';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([error, n]) => `${n}× ${error}`);
}

/** Whether every key of the selector has the same value in the labels (an empty selector matches all). */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Pods of a namespace that a Service-style selector picks. */
export function podsSelectedBy(
  snapshot: InventorySnapshot,
  namespace: string,
  selector: Labels,
): InventoryPod[] {
  return snapshot.pods.filter(
    (p) => p.namespace === namespace && !p.isProbe && selectorMatches(selector, p.labels),
  );
}

/**
 * Ordinary pods running on a node, by namespace/name: in the pod network (not hostNetwork), not
 * podpath's own probes, running and not terminating. A probe beside one of them sees the node's
 * network as any pod there does, which is the comparison several rules ask for.
 */
export function podsOnNode(snapshot: InventorySnapshot, node: string): InventoryPod[] {
  return snapshot.pods
    .filter(
      (p) =>
        p.nodeName === node &&
        !p.hostNetwork &&
        !p.isProbe &&
        p.phase === 'Running' &&
        p.terminating !== true,
    )
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`, 'en'));
}

/** `key=value,key2=value2`, as kubectl writes a selector. */
export function formatSelector(selector: Labels): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Index of the first link from an element on this node to one that is not on it, or null. */
export function linkLeavingNode(
  result: Pick<TraceResult, 'path' | 'links'>,
  node: string,
): number | null {
  const i = result.links.findIndex(
    (l) => result.path[l.from]?.node === node && result.path[l.to]?.node !== node,
  );
  return i === -1 ? null : i;
}

/**
 * The last hop that answered when it is an address of this node (its cni0, its uplink), or
 * null: the trace died right after the node, since nothing further out answered.
 */
export function stoppedAtNode(hops: readonly TraceHop[], node: string): TraceHop | null {
  const last = lastAnswer(hops);
  return last?.entity?.node === node &&
    (last.entity.kind === 'interface' || last.entity.kind === 'node')
    ? last
    : null;
}

/** Widest prefix a guessed cluster range is narrowed to: clusters are cut at /16 (IPv6 /48). */
const CLUSTER_RANGE_PREFIX = { 4: 16, 6: 48 } as const;

/**
 * The smallest range of one family holding all these CIDRs, widened to at least a /16 (IPv6
 * /48): three nodes' /24s share a /22, but the cluster's range (10.244.0.0/16) also holds the
 * next node's. null when none is of that family.
 */
function enclosingRange(cidrs: readonly string[], family: 4 | 6): string | null {
  const ranges = cidrs.flatMap((c) => {
    const parsed = parseCidr(c);
    return parsed?.family === family ? [parsed] : [];
  });
  const first = ranges[0];
  if (!first) return null;
  const base = { family, value: first.network };
  const prefix = Math.min(
    CLUSTER_RANGE_PREFIX[family],
    ...ranges.map((r) =>
      Math.min(r.prefix, commonPrefixLength(base, { family, value: r.network })),
    ),
  );
  // parseCidr clears the host bits below the prefix.
  const range = parseCidr(`${formatIp(base)}/${prefix}`);
  return range ? `${formatIp({ family, value: range.network })}/${prefix}` : null;
}

/**
 * The cluster's pod network, guessed from the nodes' podCIDRs (see enclosingRange): the API
 * reports neither kube-controller-manager's --cluster-cidr nor the CNI's own setting.
 */
export function podNetwork(snapshot: InventorySnapshot, family: 4 | 6 = 4): string | null {
  return enclosingRange(
    snapshot.nodes.flatMap((n) => n.podCIDRs),
    family,
  );
}

/** The Service network, guessed the same way from the Services' cluster IPs. */
export function serviceNetwork(snapshot: InventorySnapshot, family: 4 | 6 = 4): string | null {
  const bits = family === 4 ? 32 : 128;
  return enclosingRange(
    snapshot.services.flatMap((s) => (s.clusterIP ? [`${s.clusterIP}/${bits}`] : [])),
    family,
  );
}

/** Whether the address lies in the CIDR (false when either does not parse). */
export function inRange(cidr: string, address: string): boolean {
  const range = parseCidr(cidr);
  const ip = parseIp(address);
  return !!range && !!ip && cidrContains(range, ip);
}

/**
 * The flannel DaemonSet, from the inventory's DaemonSets or else from its pods' owner
 * (kube-system/kube-flannel-ds in the standard manifest, kube-flannel/kube-flannel-ds in newer
 * ones), or null when the cluster shows none.
 */
export function flannelDaemonSet(
  snapshot: InventorySnapshot,
): { namespace: string; name: string } | null {
  const ds = snapshot.daemonSets.find((d) => d.name.includes('flannel'));
  if (ds) return { namespace: ds.namespace, name: ds.name };
  const pod = snapshot.pods.find(
    (p) => p.owner?.kind === 'DaemonSet' && p.owner.name.includes('flannel'),
  );
  return pod?.owner ? { namespace: pod.namespace, name: pod.owner.name } : null;
}

/** Levenshtein distance, for names one or two keystrokes off ("legacy-client" vs "legacy-api"). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? Math.max(a.length, b.length);
}
