/**
 * Rule `pod-egress-no-snat` (S5): a pod's packets to an address outside the cluster leave its
 * node still carrying the pod's own address. Routers beyond the nodes know no way back to the
 * pod network, so the replies are lost, while the node's own packets (from its node address)
 * come back. The node-versus-pod comparison tells the two apart: a trace from the node's host
 * network to the same target.
 */
import type { InventoryNode, InventorySnapshot } from '@/lib/inventory/types';
import { lookupAddress } from '@/lib/resolve/address-index';
import { parseCidr, parseIp } from '@/lib/resolve/ip';
import type { Finding, FindingFix, TraceHop } from '@/lib/trace/types';
import {
  describeHops,
  firstBrokenLink,
  flannelDaemonSet,
  inRange,
  linkLeavingNode,
  podNetwork,
  serviceNetwork,
  stoppedAtNode,
} from '../evidence';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from '../types';

const WHY = 'node-versus-pod comparison';
/** Interfaces a pod's packet crosses on its node that are not the node's way out. */
const POD_SIDE = new Set(['cni0', 'flannel.1']);
/** Image of the DaemonSet fix: Debian with iptables, the base kube-proxy images were built on. */
const IPTABLES_IMAGE = 'registry.k8s.io/build-image/debian-iptables:bullseye-v1.5.4';

/** What the inventory and the pod's trace say, when the rule applies. */
interface Facts {
  node: string;
  pod: string;
  podIP: string | null;
  target: string;
  family: 4 | 6;
  podNetwork: string;
  /** The pod's last answering hop: an address of its own node. */
  stop: TraceHop;
}

function factsOf(input: DiagnosisInput): Facts | null {
  const { from, result, snapshot } = input;
  // A hostNetwork pod already sends with its node's address: nothing to masquerade.
  if (from.kind !== 'pod' || !from.pod || from.pod.hostNetwork || !from.node) return null;
  if (result.status !== 'unreachable') return null;
  const target = result.to.ip ?? input.to.ip;
  const ip = target ? parseIp(target) : null;
  if (!target || !ip) return null;
  // Anything the inventory knows (a pod, a node address, a cluster or LoadBalancer IP, a node's
  // pod range) is inside the cluster, where pod addresses are routed without NAT.
  if (lookupAddress(target, snapshot).length > 0) return null;
  const pods = podNetwork(snapshot, ip.family);
  if (!pods || inRange(pods, target)) return null;
  const services = serviceNetwork(snapshot, ip.family);
  if (services && inRange(services, target)) return null;
  const stop = stoppedAtNode(result.hops, from.node);
  if (!stop) return null;
  return {
    node: from.node,
    pod: `${from.pod.namespace}/${from.pod.name}`,
    podIP: from.ip,
    target,
    family: ip.family,
    podNetwork: pods,
    stop,
  };
}

function probeRequest(f: Facts): ExtraProbeRequest {
  return {
    key: `traceroute:node:${f.node}:${f.target}`,
    from: { kind: 'node', node: f.node },
    kind: 'traceroute',
    target: { ip: f.target },
    why: WHY,
  };
}

/**
 * The interface the pod's packets leave the node by: the node's element at the start of the
 * link leaving it. That is podpath's uplink name for the nodes (the API reports no interface
 * names), so the fix says where it comes from.
 */
function uplinkOf(input: DiagnosisInput, node: string, link: number | null): string | null {
  const { path, links } = input.result;
  const el = link === null ? undefined : path[links[link]?.from ?? -1];
  if (el?.kind !== 'interface' || el.node !== node || !el.id.startsWith(`${node}/`)) return null;
  const name = el.id.slice(node.length + 1);
  return POD_SIDE.has(name) ? null : name;
}

/** The masquerade rule's match, without the iptables verb: `-s NET ! -d NET [-o IF] -j MASQUERADE`. */
function masqueradeSpec(podNet: string, uplink: string | null): string {
  return `POSTROUTING -s ${podNet} ! -d ${podNet}${uplink ? ` -o ${uplink}` : ''} -j MASQUERADE`;
}

function daemonSetYaml(tool: string, spec: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: pod-egress-masquerade
  namespace: kube-system
  labels:
    app: pod-egress-masquerade
spec:
  selector:
    matchLabels:
      app: pod-egress-masquerade
  template:
    metadata:
      labels:
        app: pod-egress-masquerade
    spec:
      # The node's own network namespace: the rule must land in the node's nat table.
      hostNetwork: true
      priorityClassName: system-node-critical
      tolerations:
        - operator: Exists
      containers:
        - name: masquerade
          image: ${IPTABLES_IMAGE}
          command: ["/bin/sh", "-c"]
          args:
            - |
              # Checked every minute and added only when missing, so a node that restarts
              # (or a flush) gets it back without piling up copies.
              while true; do
                ${tool} -t nat -C ${spec} 2>/dev/null || ${tool} -t nat -A ${spec}
                sleep 60
              done
          securityContext:
            capabilities:
              add: ["NET_ADMIN", "NET_RAW"]
`;
}

/** The node a router should send a pod range back to: its InternalIP of the right family. */
function returnRoutes(snapshot: InventorySnapshot, family: 4 | 6): string[] {
  return snapshot.nodes.flatMap((n: InventoryNode) =>
    n.podCIDRs
      .filter((c) => parseCidr(c)?.family === family)
      .flatMap((c) => {
        const via = n.internalIP && parseIp(n.internalIP)?.family === family ? n.internalIP : null;
        return via ? [`ip ${family === 6 ? '-6 ' : ''}route add ${c} via ${via}`] : [];
      }),
  );
}

/** The router the node's own trace went through: its first answer that is not the target. */
function gatewayOf(hops: readonly TraceHop[], target: string): TraceHop | null {
  return hops.find((h) => h.ip !== null && h.ip !== target) ?? null;
}

/** "gw (192.168.56.1)": a hop by its name where podpath knows one. */
function hopName(hop: TraceHop): string {
  const who = hop.entity?.name;
  return who ? `${who} (${hop.ip})` : (hop.ip ?? '*');
}

function fixes(input: DiagnosisInput, f: Facts, uplink: string | null, gateway: TraceHop | null) {
  const { snapshot } = input;
  const tool = f.family === 6 ? 'ip6tables' : 'iptables';
  const spec = masqueradeSpec(f.podNetwork, uplink);
  const nodes = snapshot.nodes.map((n) => n.name).join(', ');
  const out: FindingFix[] = [
    {
      title: `Masquerade pod traffic that leaves the cluster: run on every node (${nodes}), or let the DaemonSet below do it on each`,
      commands: [`${tool} -t nat -A ${spec}`],
      yaml: daemonSetYaml(tool, spec),
    },
  ];
  const routes = returnRoutes(snapshot, f.family);
  if (routes.length > 0) {
    out.push({
      title: gateway
        ? `Or give the router ${hopName(gateway)}, where ${f.node}'s own trace went first, a route back to each node's pod range (run on that router; replies then reach pods unchanged, source address kept)`
        : `Or give ${f.target} itself a route back to each node's pod range (${f.node} reaches it directly)`,
      commands: routes,
    });
  }
  const flannel = snapshot.cni.plugin === 'flannel' ? flannelDaemonSet(snapshot) : null;
  if (flannel) {
    out.push({
      title: `Or the flannel way: start flanneld with --ip-masq, which masquerades traffic from the pod network to anywhere outside it (flanneld's container is the first in the standard ${flannel.name})`,
      commands: [
        `kubectl -n ${flannel.namespace} patch daemonset ${flannel.name} --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--ip-masq"}]'`,
        `kubectl -n ${flannel.namespace} rollout status daemonset ${flannel.name}`,
      ],
    });
  }
  return out;
}

function uplinkNote(f: Facts, uplink: string | null): string {
  return uplink
    ? `${uplink} is the interface podpath's path leaves ${f.node} by (podpath's node uplink name: the API does not report interface names); \`ip route get ${f.target}\` on ${f.node} names the real one after "dev"`
    : `podpath does not know the interface ${f.node} sends to ${f.target} by, so the rule matches any; \`ip route get ${f.target}\` on ${f.node} names it after "dev" if you want -o`;
}

function evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[] {
  const f = factsOf(input);
  if (!f) return [];
  const { result, snapshot } = input;
  const run = extra.get(probeRequest(f).key);
  const node = snapshot.nodes.find((n) => n.name === f.node);
  const nodeIP = node?.internalIP ?? null;
  const link = linkLeavingNode(result, f.node) ?? firstBrokenLink(result);
  const uplink = uplinkOf(input, f.node, link);
  const podTrace = `${f.pod}'s own trace to ${f.target}: ${describeHops(result.hops)}; nothing answered after ${f.node}'s ${hopName(f.stop)}`;
  const outside = `${f.target} is outside the pod network ${f.podNetwork} (guessed from the nodes' podCIDRs: ${snapshot.nodes.flatMap((n) => n.podCIDRs).join(', ')}) and the Service network, and is no node's or pod's address`;
  const addresses = `${f.pod} sends from ${f.podIP ?? 'its pod address'} (pod network); ${f.node} sends from ${nodeIP ?? 'its node address'} (its InternalIP)`;

  // The network beyond the node fails everyone alike: not a pod-only problem, say nothing.
  if (run?.ok && !run.reached) return [];

  if (!run?.ok) {
    const why = run?.error ?? 'the engine did not run it';
    return [
      {
        rule: 'pod-egress-no-snat',
        severity: 'warning',
        link,
        title: `Pod traffic to ${f.target} stops after ${f.node}: perhaps not masqueraded (unconfirmed)`,
        explanation:
          `Nothing answered ${f.pod}'s trace after its own node ${f.node}. A common cause: the packets leave ${f.node} still carrying the pod's address ${f.podIP ?? ''} from the cluster's private pod network ${f.podNetwork}, and the router beyond has no route back to it, so replies never come. ` +
          `podpath could not confirm it: the node-versus-pod comparison (a traceroute to ${f.target} from ${f.node}'s own host network) did not run (${why}). If ${f.node} itself reaches ${f.target}, this is the cause; if it does not, the network beyond the node is broken for everyone.`,
        evidence: [
          podTrace,
          outside,
          addresses,
          `node-versus-pod comparison could not run: ${why}`,
        ],
        fix: [
          {
            title: `Confirm first: trace from ${f.node} itself; if it arrives, apply the fixes below`,
            commands: [`traceroute -n ${f.target}`],
          },
          ...fixes(input, f, uplink, null),
        ],
      },
    ];
  }

  const gateway = gatewayOf(run.hops, f.target);
  const via = gateway ? `via ${gateway.ip}` : 'directly';
  return [
    {
      rule: 'pod-egress-no-snat',
      severity: 'error',
      link,
      title: `No SNAT for pod traffic leaving ${f.node}: replies from ${f.target} cannot find their way back to ${f.pod}`,
      explanation:
        `${f.node} itself reaches ${f.target}, but its pod ${f.pod} does not: the pod's trace goes silent right after ${f.node}. The one difference is the sender's address. ` +
        `The pod's packets leave ${f.node}${uplink ? ` through ${uplink}` : ''} still carrying the pod's own address ${f.podIP ?? ''}, which belongs to the cluster's private pod network ${f.podNetwork}. ` +
        `${gateway ? `The router ${hopName(gateway)}` : f.target} gets packets from an address it has no route back to, so the replies never come. ` +
        `${f.node}'s own packets carry its node address ${nodeIP ?? ''}, which the network knows, so they come back. ` +
        `Either rewrite the pod's source address to the node's as the packets leave (masquerade, the usual setting), or teach the router the way back to the pod network.`,
      evidence: [
        `${f.node} itself reaches ${f.target} ${via}: ${describeHops(run.hops)}`,
        podTrace,
        outside,
        addresses,
        uplinkNote(f, uplink),
      ],
      fix: fixes(input, f, uplink, gateway),
    },
  ];
}

/** `pod-egress-no-snat`: see the module comment. */
export const podEgressNoSnatRule: Rule = {
  name: 'pod-egress-no-snat',
  applies: (input) => factsOf(input) !== null,
  probes: (input) => {
    const f = factsOf(input);
    return f ? [probeRequest(f)] : [];
  },
  evaluate,
};
