/**
 * Routes between places of the cluster at the level traceroute sees: which node interfaces a
 * packet crosses, and which of them answer. Each node a packet is routed through appears once
 * in a traceroute, answering from the interface the probe came in on; the interface it leaves
 * by never answers, and neither does a bridge crossed at layer 2.
 */
import type { InventoryNode, InventorySnapshot } from '@/lib/inventory/types';
import { flannelBackend, tunnelDevice } from '@/lib/resolve/address-index';
import { externalId, interfaceId } from '@/lib/resolve/element-ids';
import { canonicalIp, cidrHost, commonPrefixLength, parseCidr, parseIp } from '@/lib/resolve/ip';
import type { KnownHost } from '@/lib/resolve/types';
import type { ExpectedElement, PathKind } from './types';

/**
 * Prefix length assumed for the node network when guessing whether an outside address is on
 * the nodes' own segment: the API does not report the node network's prefix.
 */
const ASSUMED_SEGMENT_PREFIX = 24;

export interface RouteContext {
  snap: InventorySnapshot;
  uplink: string;
  knownHosts: KnownHost[];
  notes: string[];
}

/** Where a packet starts: inside a pod's network namespace, or in a node's host network. */
export type Place =
  | { kind: 'pod-net'; node: string; el: ExpectedElement }
  | { kind: 'host'; node: string; el: ExpectedElement };

/** Where it goes: a pod-network address on a node, a node's host network, or outside. */
export type Dest =
  | { kind: 'pod-net'; node: string; el: ExpectedElement }
  | { kind: 'host'; node: string; el: ExpectedElement }
  | { kind: 'outside'; ip: string; el: ExpectedElement };

/**
 * A route split where a Service's DNAT would sit: `head` is what the source's node sees before
 * routing (the source, and cni0 for a pod), `tail` everything after.
 */
export interface Route {
  kind: PathKind;
  head: ExpectedElement[];
  tail: ExpectedElement[];
}

/** Builds the route from a place to a destination. */
export function route(src: Place, dst: Dest, ctx: RouteContext): Route {
  const n = src.node;
  const local = dst.kind !== 'outside' && dst.node === n;
  // The source's node answers from cni0 only when it routes the packet onward; a neighbour
  // pod is reached across the bridge and the node's own address is delivered locally.
  const head = sourceHead(src, ctx, !local);
  if (local && dst.kind === 'pod-net') {
    return {
      kind: src.kind === 'pod-net' ? 'same-node' : 'host-network',
      head,
      tail: [iface(ctx, n, 'cni0', []), dst.el],
    };
  }
  if (local) return { kind: 'to-node', head, tail: [dst.el] };
  return { head, ...egress(n, dst, ctx) };
}

/**
 * The elements on the source's node before any routing decision: the source, and for a pod its
 * node's cni0, which answers traceroute only when the node routes the packet on (`routed`).
 */
export function sourceHead(src: Place, ctx: RouteContext, routed: boolean): ExpectedElement[] {
  if (src.kind === 'host') return [src.el];
  return [src.el, iface(ctx, src.node, 'cni0', routed ? podSideAnswers(ctx, src.node) : [])];
}

function egress(n: string, dst: Dest, ctx: RouteContext): Omit<Route, 'head'> {
  const up = ctx.uplink;
  if (dst.kind === 'outside') {
    const router = gatewayFor(n, dst.ip, ctx);
    return {
      kind: 'to-outside',
      tail: [iface(ctx, n, up, []), ...(router ? [router] : []), dst.el],
    };
  }
  const m = dst.node;
  if (dst.kind === 'host') {
    // Node addresses are reached over the node network whatever the pod network's backend.
    return { kind: 'to-node', tail: [iface(ctx, n, up, []), iface(ctx, m, up, []), dst.el] };
  }
  const kind = crossKind(n, m, ctx);
  if (kind === 'vxlan') {
    ctx.notes.push(
      `flannel vxlan: ${n} sends to ${m}'s pod range through flannel.1; ${m}'s flannel.1 answers with its range's network address (${flannelAddresses(ctx, m).join(', ') || 'unknown'})`,
    );
    return {
      kind,
      tail: [
        iface(ctx, n, 'flannel.1', []),
        iface(ctx, m, 'flannel.1', flannelAddresses(ctx, m)),
        iface(ctx, m, 'cni0', []),
        dst.el,
      ],
    };
  }
  if (kind === 'host-gw') {
    const via = findNode(ctx, m)?.internalIP;
    ctx.notes.push(
      `flannel host-gw: ${n} routes ${m}'s pod range via ${m}'s node address${via ? ` ${via}` : ''}, so ${m} answers from ${up}`,
    );
    return {
      kind,
      tail: [
        iface(ctx, n, up, []),
        iface(ctx, m, up, nodeAddresses(ctx, m)),
        iface(ctx, m, 'cni0', []),
        dst.el,
      ],
    };
  }
  const nodeM = findNode(ctx, m);
  const nodeN = findNode(ctx, n);
  const out = (nodeN && tunnelDevice(nodeN)) ?? up;
  const into = (nodeM && tunnelDevice(nodeM)) ?? up;
  const tunnel = nodeM?.cni.tunnelIP ? [canonicalIp(nodeM.cni.tunnelIP) ?? nodeM.cni.tunnelIP] : [];
  ctx.notes.push(
    `podpath models flannel host-gw and vxlan hop by hop; between ${n} and ${m} (${describeCni(nodeM, ctx)}) the hops are matched by address only`,
  );
  return {
    kind,
    tail: [
      iface(ctx, n, out, []),
      iface(ctx, m, into, [...nodeAddresses(ctx, m), ...tunnel]),
      iface(ctx, m, 'cni0', []),
      dst.el,
    ],
  };
}

function crossKind(n: string, m: string, ctx: RouteContext): PathKind {
  const a = findNode(ctx, n);
  const b = findNode(ctx, m);
  const backendA = a ? flannelBackend(a, ctx.snap) : clusterFlannelBackend(ctx);
  const backendB = b ? flannelBackend(b, ctx.snap) : clusterFlannelBackend(ctx);
  if (backendA !== backendB) return 'overlay-unknown';
  if (backendA === 'host-gw') return 'host-gw';
  if (backendA === 'vxlan') return 'vxlan';
  return 'overlay-unknown';
}

function clusterFlannelBackend(ctx: RouteContext): string | null {
  return ctx.snap.cni.plugin === 'flannel' ? ctx.snap.cni.backend : null;
}

function describeCni(node: InventoryNode | undefined, ctx: RouteContext): string {
  const cni = node && node.cni.plugin !== 'unknown' ? node.cni : ctx.snap.cni;
  return cni.plugin === 'unknown'
    ? 'CNI unknown'
    : [cni.plugin, cni.backend].filter(Boolean).join(' ');
}

/**
 * The known router a packet to an outside address leaves through: none when the address looks
 * like it is on the nodes' own segment, else the known router nearest the node's address. A
 * guess (the API knows no routes), said so in the notes; the probe's hops confirm or replace it.
 */
function gatewayFor(n: string, target: string, ctx: RouteContext): ExpectedElement | null {
  const nodeIp = findNode(ctx, n)?.internalIP;
  const from = nodeIp ? parseIp(nodeIp) : null;
  const to = parseIp(target);
  if (!from || !to) return null;
  if (commonPrefixLength(from, to) >= ASSUMED_SEGMENT_PREFIX) return null;
  const routers = ctx.knownHosts
    .filter((h) => h.kind === 'router' && canonicalIp(h.ip) !== canonicalIp(target))
    .map((h) => ({ h, shared: commonPrefixLength(from, parseIp(h.ip) ?? from) }))
    .filter((r) => r.shared >= ASSUMED_SEGMENT_PREFIX && r.shared < 32)
    .sort((a, b) => b.shared - a.shared);
  const best = routers[0]?.h;
  if (!best) return null;
  ctx.notes.push(
    `${best.name} (${best.ip}) is assumed to be ${n}'s gateway to ${target}: it is the known router on ${n}'s segment`,
  );
  return {
    id: externalId(best.ip),
    kind: 'external',
    label: best.name,
    source: 'expected',
    tags: ['assumed-gateway'],
    answers: [best.ip],
  };
}

/** An interface element of a node. */
export function iface(
  ctx: RouteContext,
  node: string,
  name: string,
  answers: string[],
): ExpectedElement {
  return {
    id: interfaceId(node, name),
    kind: 'interface',
    label: `${name} of ${node}`,
    node,
    source: 'expected',
    answers: unique(answers),
  };
}

export function findNode(ctx: RouteContext, name: string): InventoryNode | undefined {
  return ctx.snap.nodes.find((n) => n.name === name);
}

/** A node's own addresses: InternalIP, ExternalIP, the CNI's public IP. */
export function nodeAddresses(ctx: RouteContext, name: string): string[] {
  const node = findNode(ctx, name);
  if (!node) return [];
  return unique(
    [node.internalIP, node.externalIP, node.cni.publicIP]
      .filter((a): a is string => !!a)
      .map((a) => canonicalIp(a) ?? a),
  );
}

/** What a node answers from when a pod's packet enters it to be routed on. */
function podSideAnswers(ctx: RouteContext, name: string): string[] {
  const node = findNode(ctx, name);
  if (!node) return [];
  const gateways = node.podCIDRs.flatMap((c) => {
    const cidr = parseCidr(c);
    return cidr ? [cidrHost(cidr, 1)] : [];
  });
  if (
    node.cni.plugin === 'flannel' ||
    (node.cni.plugin === 'unknown' &&
      ctx.snap.cni.plugin !== 'calico' &&
      ctx.snap.cni.plugin !== 'cilium')
  ) {
    return gateways;
  }
  // Calico and cilium pods have no bridge gateway; the node answers from its own or its tunnel
  // address, whichever the kernel picks for the way back.
  const tunnel = node.cni.tunnelIP ? [canonicalIp(node.cni.tunnelIP) ?? node.cni.tunnelIP] : [];
  return unique([...gateways, ...nodeAddresses(ctx, name), ...tunnel]);
}

function flannelAddresses(ctx: RouteContext, name: string): string[] {
  const node = findNode(ctx, name);
  if (!node) return [];
  return node.podCIDRs.flatMap((c) => {
    const cidr = parseCidr(c);
    return cidr ? [cidrHost(cidr, 0)] : [];
  });
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
