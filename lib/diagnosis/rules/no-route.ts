/**
 * Rule `no-route`: a pod's trace to a pod (or node) on another node dies at its own node: the
 * node's cni0 answered and nothing after it. The source node has no working route to the
 * target's pod range. With flannel host-gw the usual cause is nodes that are not on one L2
 * segment (article 003: host-gw routes a node's pods via that node's own address, so the nodes
 * must be direct neighbours). The extra probe checks that: does the source node reach its peer
 * in one hop?
 */
import type { InventoryNode, InventorySnapshot } from '@/lib/inventory/types';
import { flannelBackend } from '@/lib/resolve/address-index';
import { commonPrefixLength, parseCidr, parseIp } from '@/lib/resolve/ip';
import type { Finding, FindingFix, TraceHop } from '@/lib/trace/types';
import {
  describeHops,
  firstBrokenLink,
  flannelDaemonSet,
  linkLeavingNode,
  podNetwork,
  stoppedAtNode,
} from '../evidence';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from '../types';

const WHY = 'does the node reach its peer node directly';
/** Route classes between two nodes of the cluster; the others stay on one node or leave it. */
const CROSS_NODE = new Set(['host-gw', 'vxlan', 'overlay-unknown', 'to-node']);
/** Prefix assumed for the node network: the API does not report it (same guess as lib/topology). */
const ASSUMED_SEGMENT_PREFIX = 24;
/** The ConfigMap flannel's standard manifest keeps net-conf.json in. */
const FLANNEL_CONFIGMAP = 'kube-flannel-cfg';

interface Facts {
  node: InventoryNode;
  peer: InventoryNode;
  pod: string;
  target: string;
  /** The source's last answering hop: an address of its own node. */
  stop: TraceHop;
  /** flannel backend of each end, null when they are not flannel. */
  backend: string | null;
  peerBackend: string | null;
}

function factsOf(input: DiagnosisInput): Facts | null {
  const { from, result, snapshot, expected } = input;
  // A hostNetwork source has no cni0 to stop at: its first hop is already beyond the node.
  if (from.kind !== 'pod' || !from.pod || from.pod.hostNetwork || !from.node) return null;
  if (result.status !== 'unreachable' || !CROSS_NODE.has(expected.kind)) return null;
  const peerName = expected.via.endpoint?.node ?? input.to.node;
  if (!peerName || peerName === from.node) return null;
  const node = snapshot.nodes.find((n) => n.name === from.node);
  const peer = snapshot.nodes.find((n) => n.name === peerName);
  if (!node || !peer) return null;
  const stop = stoppedAtNode(result.hops, node.name);
  if (!stop) return null;
  return {
    node,
    peer,
    pod: `${from.pod.namespace}/${from.pod.name}`,
    target: expected.traceTarget?.ip ?? result.to.ip ?? input.to.ip ?? input.to.ref,
    stop,
    backend: flannelBackend(node, snapshot),
    peerBackend: flannelBackend(peer, snapshot),
  };
}

function probeRequest(f: Facts): ExtraProbeRequest | null {
  if (!f.peer.internalIP) return null;
  return {
    key: `traceroute:node:${f.node.name}:${f.peer.internalIP}`,
    from: { kind: 'node', node: f.node.name },
    kind: 'traceroute',
    target: { ip: f.peer.internalIP },
    why: WHY,
  };
}

/** What the node-to-node trace showed. */
type Reach =
  | { kind: 'direct'; hops: TraceHop[] }
  | { kind: 'indirect'; hops: TraceHop[]; hopsAway: number }
  | { kind: 'none'; hops: TraceHop[] }
  | { kind: 'unknown'; why: string };

function reachOf(f: Facts, run: ExtraProbeResult | undefined): Reach {
  if (!f.peer.internalIP) return { kind: 'unknown', why: `${f.peer.name} has no InternalIP` };
  if (!run?.ok) return { kind: 'unknown', why: run?.error ?? 'the engine did not run it' };
  const at = run.hops.find((h) => h.ip === f.peer.internalIP);
  if (!run.reached || !at) return { kind: 'none', hops: run.hops };
  return at.ttl === 1
    ? { kind: 'direct', hops: run.hops }
    : { kind: 'indirect', hops: run.hops, hopsAway: at.ttl };
}

function describeReach(f: Facts, reach: Reach): string {
  const peer = `${f.peer.name} (${f.peer.internalIP ?? 'no InternalIP'})`;
  switch (reach.kind) {
    case 'direct':
      return `${f.node.name} reaches ${peer} directly, in one hop: ${describeHops(reach.hops)}`;
    case 'indirect':
      return `${f.node.name} reaches ${peer} only through ${reach.hopsAway - 1} router(s) in between: ${describeHops(reach.hops)}`;
    case 'none':
      return `${f.node.name} does not reach ${peer} at all: ${describeHops(reach.hops)}`;
    case 'unknown':
      return `the node-to-node trace (from ${f.node.name}'s host network to ${peer}) could not run: ${reach.why}; it would tell whether ${f.peer.name} is ${f.node.name}'s direct neighbour`;
  }
}

/** Whether the two InternalIPs look like one segment; the API reports no prefix, so it is hedged. */
function describeSegment(f: Facts): string | null {
  const a = f.node.internalIP ? parseIp(f.node.internalIP) : null;
  const b = f.peer.internalIP ? parseIp(f.peer.internalIP) : null;
  if (!a || !b) return null;
  const shared = commonPrefixLength(a, b);
  const pair = `${f.node.name} (${f.node.internalIP}) and ${f.peer.name} (${f.peer.internalIP})`;
  return shared >= ASSUMED_SEGMENT_PREFIX
    ? `${pair} share a /${ASSUMED_SEGMENT_PREFIX}: one segment if the node network is a /${ASSUMED_SEGMENT_PREFIX} (the API does not report the node network's prefix, so podpath cannot tell)`
    : `${pair} share only the first ${shared} bits: different /${ASSUMED_SEGMENT_PREFIX}s, most likely different segments (the API does not report the node network's prefix)`;
}

function describeBackend(f: Facts, snapshot: InventorySnapshot): string {
  if (f.backend === null && f.peerBackend === null) {
    const cni = [snapshot.cni.plugin, snapshot.cni.backend].filter(Boolean).join(' ');
    return `CNI: ${cni || 'unknown'}; podpath cannot say how it carries pod traffic between nodes`;
  }
  return f.backend === f.peerBackend
    ? `flannel backend ${f.backend} on ${f.node.name} and ${f.peer.name} (node annotation flannel.alpha.coreos.com/backend-type)`
    : `flannel backend ${f.backend ?? 'unknown'} on ${f.node.name} but ${f.peerBackend ?? 'unknown'} on ${f.peer.name}: nodes with different backends do not route each other's pods`;
}

/** `ip route add <podCIDR> via <node>` for each of `to`'s pod ranges of its address family. */
function routesTo(to: InventoryNode): string[] {
  const via = to.internalIP ? parseIp(to.internalIP) : null;
  if (!via || !to.internalIP) return [];
  return to.podCIDRs
    .filter((c) => parseCidr(c)?.family === via.family)
    .map((c) => `ip ${via.family === 6 ? '-6 ' : ''}route add ${c} via ${to.internalIP}`);
}

function vxlanYaml(network: string | null): string {
  return `# vxlan.yaml: a merge patch of ${FLANNEL_CONFIGMAP}, so its cni-conf.json stays as it is.
# Keep "Network" as it is in your net-conf.json${network ? ` (podpath guesses ${network} from the nodes' podCIDRs)` : ''}.
data:
  net-conf.json: |
    {
      "Network": "${network ?? '<your pod network>'}",
      "Backend": {
        "Type": "vxlan"
      }
    }
`;
}

function flannelPodOn(snapshot: InventorySnapshot, node: string, ds: string): string | null {
  const pod = snapshot.pods.find(
    (p) => p.nodeName === node && p.owner?.kind === 'DaemonSet' && p.owner.name === ds,
  );
  return pod ? pod.name : null;
}

function fixes(input: DiagnosisInput, f: Facts, reach: Reach): FindingFix[] {
  const { snapshot } = input;
  const flannel = flannelDaemonSet(snapshot) ?? {
    namespace: 'kube-system',
    name: 'kube-flannel-ds',
  };
  const ns = flannel.namespace;
  const routes: FindingFix = {
    title: `Or add the routes yourself where the network allows it: on ${f.node.name} to ${f.peer.name}'s pods, on ${f.peer.name} for the way back (the "via" address must be a direct neighbour, or the routers between must carry the pod ranges; putting the nodes on one L2 segment makes that so)`,
    commands: [
      ...routesTo(f.peer).map((r) => `${r}   # on ${f.node.name}`),
      ...routesTo(f.node).map((r) => `${r}   # on ${f.peer.name}`),
    ],
  };
  const hostGw = f.backend === 'host-gw' || f.peerBackend === 'host-gw';
  if (hostGw && reach.kind !== 'direct') {
    return [
      {
        title: `Switch flannel to the vxlan backend, which carries pod traffic in UDP between the nodes' addresses across any routed network, then restart flannel on every node`,
        commands: [
          `kubectl -n ${ns} patch configmap ${FLANNEL_CONFIGMAP} --type merge --patch-file vxlan.yaml`,
          `kubectl -n ${ns} rollout restart daemonset ${flannel.name}`,
          `kubectl -n ${ns} rollout status daemonset ${flannel.name}`,
        ],
        yaml: vxlanYaml(podNetwork(snapshot)),
      },
      routes,
    ];
  }
  // The nodes are neighbours (or podpath could not check): the route flannel should have put
  // there is what is missing; flanneld on the source node installs it when it starts.
  const pod = flannelPodOn(snapshot, f.node.name, flannel.name);
  const out: FindingFix[] = [];
  if (snapshot.cni.plugin === 'flannel') {
    out.push({
      title: `Restart flannel on ${f.node.name}, which installs the routes to the other nodes' pod ranges when it starts, and check the route afterwards`,
      commands: [
        pod
          ? `kubectl -n ${ns} delete pod ${pod}`
          : `kubectl -n ${ns} rollout restart daemonset ${flannel.name}`,
        `ip route get ${f.target}   # on ${f.node.name}: should leave via ${f.peer.internalIP ?? f.peer.name}`,
      ],
    });
  }
  out.push(routes);
  return out;
}

function evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[] {
  const f = factsOf(input);
  if (!f) return [];
  const { result, snapshot } = input;
  const request = probeRequest(f);
  const reach = reachOf(f, request ? extra.get(request.key) : undefined);
  const hostGw = f.backend === 'host-gw' && f.peerBackend === 'host-gw';
  const confirmed = hostGw && (reach.kind === 'indirect' || reach.kind === 'none');
  const link = linkLeavingNode(result, f.node.name) ?? firstBrokenLink(result);
  const n = f.node.name;
  const m = f.peer.name;
  const ranges = f.peer.podCIDRs.join(', ') || `${m}'s pod range`;
  const refusal = (f.stop.annotations ?? []).filter((a) => /^!/.test(a));

  const evidence = [
    `${f.pod}'s trace to ${f.target} on ${m}: ${describeHops(result.hops)}; nothing answered after ${n}'s ${f.stop.entity?.name ?? 'address'} (${f.stop.ip})${refusal.length > 0 ? `, which answered ${refusal.join(' ')} (unreachable)` : ''}`,
    describeBackend(f, snapshot),
    ...(hostGw
      ? [
          `with host-gw, ${n} routes ${ranges} via ${m}'s own address ${f.peer.internalIP ?? '(unknown)'}: that works only when ${m} is ${n}'s direct neighbour on one L2 segment`,
        ]
      : []),
    ...[describeSegment(f)].filter((s): s is string => s !== null),
    describeReach(f, reach),
  ];

  const start = `The packet left ${f.pod} and reached its node ${n} (${f.stop.entity?.name ?? f.stop.ip} answered), but ${n} passed it on to nobody: nothing answered after it. ${n} has no working route to ${m}'s pods (${ranges}).`;
  let explanation: string;
  let title: string;
  if (confirmed) {
    title = `No route from ${n} to ${m}'s pods: host-gw needs the nodes on one L2 segment`;
    explanation =
      `${start} With flannel's host-gw backend, a node reaches another node's pods by a plain route that uses that node's own address as the next hop, so the two must sit on one layer-2 segment (the same switch or VLAN), where one can hand a packet straight to the other. ` +
      `${reach.kind === 'none' ? `${n} does not reach ${m} at all` : `${n}'s own trace reaches ${m} only through routers in between`}, so ${m} is not its direct neighbour and pod traffic between them has no way through. ` +
      `The vxlan backend wraps pod packets in UDP between the nodes' addresses, which any routed network carries.`;
  } else if (reach.kind === 'unknown') {
    title = `Traffic to ${m}'s pods stops at ${n}: no route (unconfirmed)`;
    explanation = `${start} ${hostGw ? `With flannel's host-gw backend the usual cause is nodes that are not direct neighbours on one L2 segment. ` : ''}podpath could not check whether ${n} reaches ${m} directly (${reach.why}); a traceroute from ${n} to ${f.peer.internalIP ?? m} would tell.`;
  } else if (reach.kind === 'direct') {
    title = `Traffic to ${m}'s pods stops at ${n}: the route to ${ranges} looks missing`;
    explanation = `${start} ${n} does reach ${m} directly, so the nodes are neighbours${hostGw ? ` and host-gw's requirement holds` : ''}: the route to ${m}'s pod range itself is probably missing on ${n} (the CNI there not running or not caught up). \`ip route get ${f.target}\` on ${n} shows what it would do.`;
  } else {
    title = `Traffic to ${m}'s pods stops at ${n}, and ${n} ${reach.kind === 'none' ? `does not reach ${m} at all` : `reaches ${m} only through routers`}`;
    explanation = `${start} ${n}'s own trace to ${m} ${reach.kind === 'none' ? 'gets no answer' : 'crosses routers'}; pod traffic between the nodes travels that same node network${f.backend === 'vxlan' ? ' (vxlan: UDP port 8472 between the node addresses)' : ''}, so check the node network and firewalls between ${n} and ${m}.`;
  }

  return [
    {
      rule: 'no-route',
      severity: confirmed ? 'error' : 'warning',
      link,
      title,
      explanation,
      evidence,
      fix: fixes(input, f, reach),
    },
  ];
}

/** `no-route`: see the module comment. */
export const noRouteRule: Rule = {
  name: 'no-route',
  applies: (input) => factsOf(input) !== null,
  probes: (input) => {
    const f = factsOf(input);
    const request = f ? probeRequest(f) : null;
    return request ? [request] : [];
  },
  evaluate,
};
