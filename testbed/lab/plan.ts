/**
 * The lab's blueprint: a pure function from a Scenario to the namespaces, `ip -batch` lines and
 * sysctls that build it. Nothing here runs a command, so the whole topology is unit-tested.
 *
 * Layout:
 * - one switch namespace holds a bridge per segment (the shared L2 of eth1) and, for flannel
 *   vxlan, an overlay bridge that every node's flannel.1 plugs into;
 * - a namespace per node: uplink (eth1/eth0), cni0 bridge, host-gw routes or flannel.1 routes,
 *   static routes, and a veth `svc0` to its service stage;
 * - a namespace per pod (veth into cni0), router and outside host;
 * - the service stage of each node: the place where ClusterIPs are local addresses, as on
 *   kube-proxy's IPVS dummy interface. kube-proxy's iptables rules translate a connection
 *   once; when a rule in nat OUTPUT (the article's S4 fix) has already turned an external IP
 *   into a ClusterIP, the node routes the service CIDR to the stage, which DNATs it to an
 *   endpoint and masquerades it. That is how IPVS-mode clusters make that fix work.
 * - cluster DNS: the lab's DNS server runs in the CoreDNS pod's namespace (the scenario pod
 *   labelled k8s-app=kube-dns), and pods reach it through kube-dns's ClusterIP and the proxy
 *   rules built from its EndpointSlice, as in a real cluster. A scenario without such a pod gets
 *   a private DNS namespace on the first node's cni0 instead, which the lab puts behind kube-dns.
 */
import { addressOf, networkOf, nthAddress, parseCidr } from './cidr';
import { labNames, podVethName, type LabNames } from './names';
import { isClusterDnsPod, type Scenario, type ScenarioNode } from '../scenarios/types';

/** Addresses of the node <-> service stage link (one private link per node). */
export const STAGE_NODE_ADDRESS = '169.254.20.1';
export const STAGE_ADDRESS = '169.254.20.2';
export const STAGE_LINK_PREFIX = 30;

/** The port cluster DNS answers on, UDP and TCP. */
export const DNS_PORT = 53;

/** Everything one namespace needs after its links exist. */
export interface NamespaceSetup {
  ns: string;
  /** Lines for `ip -n NS -batch -`. */
  ip: string[];
}

export interface PlannedNode {
  name: string;
  index: number;
  ns: string;
  stageNs: string;
  /** Second name of the node namespace with cluster DNS in its resolv.conf. */
  clusterDnsNs: string;
  uplink: string;
  uplinkAddress: string;
  podCIDR: string;
  /** cni0 address without prefix: the pods' gateway. */
  gateway: string;
  /** Nameserver of the node's own resolv.conf: the router on its segment, if any. */
  resolver: string | null;
}

export interface PlannedPod {
  namespace: string;
  name: string;
  serial: number;
  ns: string;
  node: string;
  ip: string;
  /** TCP ports a small listener answers on (not the DNS port of a DNS server pod). */
  listenPorts: number[];
}

/** Where one of the lab's cluster DNS servers runs. */
export interface PlannedDnsServer {
  /** The network namespace: a CoreDNS pod's, or the lab's private DNS namespace. */
  ns: string;
  /** The address it listens on, port 53 UDP and TCP. */
  ip: string;
  node: string;
  /** The CoreDNS pod it runs in; null for the private namespace. */
  pod: { namespace: string; name: string } | null;
}

export interface PlannedDns {
  /** The kube-dns ClusterIP in every pod's resolv.conf (10.96.0.10, 10.43.0.10). */
  clusterIP: string;
  /** One server per CoreDNS pod, or the single private one. */
  servers: PlannedDnsServer[];
  /**
   * True when the scenario has no CoreDNS pod: the server then runs in the private namespace
   * and the lab itself stands behind kube-dns (the API's kube-dns has no endpoints then).
   */
  private: boolean;
}

export interface PlannedHost {
  name: string;
  index: number;
  ns: string;
  kind: 'router' | 'host';
  listen: number[];
}

export interface LabPlan {
  names: LabNames;
  scenario: Scenario;
  nodes: PlannedNode[];
  pods: PlannedPod[];
  hosts: PlannedHost[];
  dns: PlannedDns;
  /** Every namespace name of the lab, in creation order. */
  namespaces: string[];
  /** Sysctls per namespace, set before any link exists so new links inherit defaults. */
  sysctls: Map<string, string[]>;
  /** Phase 1: the switch namespace creates the uplinks and legs into node and host namespaces. */
  switchSetup: NamespaceSetup;
  /** Phase 2: node namespaces create cni0, the pod and stage veths, routes. */
  nodeSetups: NamespaceSetup[];
  /** Phase 3: pods, hosts, stages (and a private DNS namespace) configure their ends. */
  leafSetups: NamespaceSetup[];
}

const COMMON_SYSCTLS = [
  // Linux rate-limits ICMP errors per destination; traceroute would show random `*` hops.
  'net.ipv4.icmp_ratelimit=0',
  // New namespaces inherit IPv4 conf from the root namespace; pin what the data path relies on.
  'net.ipv4.conf.all.rp_filter=0',
  'net.ipv4.conf.default.rp_filter=0',
];

/** MAC of a CNI bridge or flannel.1 as the CNI plugins derive it: 0a:58 + the IPv4 address. */
export function macFor(address: string, lead = '0a:58'): string {
  const hex = address.split('.').map((o) => Number(o).toString(16).padStart(2, '0'));
  return `${lead}:${hex.join(':')}`;
}

/** MTU of the pod network: flannel vxlan leaves 50 bytes for the encapsulation. */
export function podMtu(scenario: Scenario): number {
  return scenario.cni.backend === 'vxlan' ? 1450 : 1500;
}

/** flannel.1's address on node N: the network address of its pod CIDR, as flannel assigns it. */
export function flannelAddress(node: ScenarioNode): string {
  return addressOf(networkOf(node.podCIDR));
}

/** The cluster DNS ClusterIP: the 10th address of the service network (10.96.0.10, 10.43.0.10). */
export function clusterDnsIP(scenario: Scenario): string {
  return nthAddress(scenario.serviceNetwork, 10);
}

/** Lines that plumb one pod: node side (veth into cni0) and pod side (address, default route). */
export function podPlumbing(
  scenario: Scenario,
  node: PlannedNode,
  pod: { serial: number; ns: string; ip: string; hairpin: boolean },
): { nodeLines: string[]; podLines: string[] } {
  const veth = podVethName(pod.serial);
  const mtu = podMtu(scenario);
  const prefix = parseCidr(node.podCIDR).prefix;
  return {
    nodeLines: [
      `link add ${veth} mtu ${mtu} type veth peer name eth0 netns ${pod.ns}`,
      `link set ${veth} master cni0`,
      ...(pod.hairpin ? [`link set ${veth} type bridge_slave hairpin on`] : []),
      `link set ${veth} up`,
    ],
    podLines: [
      'link set lo up',
      `link set eth0 mtu ${mtu} up`,
      `addr add ${pod.ip}/${prefix} dev eth0`,
      `route add default via ${node.gateway} dev eth0`,
    ],
  };
}

/** Sysctls of a pod namespace: what containerd sets for every sandbox. */
export const POD_SYSCTLS = [
  ...COMMON_SYSCTLS,
  // containerd lets unprivileged users open ICMP echo sockets in every sandbox.
  'net.ipv4.ping_group_range=0 2147483647',
  'net.ipv4.ip_forward=0',
];

/**
 * Builds the blueprint of a scenario's lab. Throws when the scenario is inconsistent
 * (a pod on an unknown node, a leg on an unknown segment, a pod without an address).
 */
export function planLab(scenario: Scenario, prefix: string, hairpin: boolean): LabPlan {
  const names = labNames(prefix);
  const segmentIndex = new Map(scenario.segments.map((s, i) => [s.name, i]));
  const segmentOf = (name: string): number => {
    const index = segmentIndex.get(name);
    if (index === undefined) throw new Error(`unknown segment ${name}`);
    return index;
  };
  const vxlan = scenario.cni.backend === 'vxlan';

  const nodes: PlannedNode[] = scenario.nodes.map((node, index) => {
    const router = scenario.hosts.find(
      (h) => h.kind === 'router' && h.legs.some((l) => l.segment === node.segment),
    );
    const leg = router?.legs.find((l) => l.segment === node.segment);
    return {
      name: node.name,
      index,
      ns: names.node(index),
      stageNs: names.stage(index),
      clusterDnsNs: names.nodeClusterDns(index),
      uplink: scenario.nodeInterface,
      uplinkAddress: addressOf(node.eth1),
      podCIDR: networkOf(node.podCIDR),
      gateway: addressOf(node.cni0),
      resolver: leg ? addressOf(leg.address) : null,
    };
  });
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const first = nodes[0];
  if (!first) throw new Error(`scenario ${scenario.name} has no nodes`);

  let serial = 0;
  const pods: PlannedPod[] = [];
  for (const pod of scenario.pods) {
    if (!nodeByName.has(pod.node))
      throw new Error(`pod ${pod.name} is on unknown node ${pod.node}`);
    if (pod.hostNetwork) continue;
    if (!pod.ip) throw new Error(`pod ${pod.namespace}/${pod.name} has no IP`);
    serial += 1;
    const dnsPod = isClusterDnsPod(pod);
    pods.push({
      namespace: pod.namespace,
      name: pod.name,
      serial,
      ns: names.pod(serial),
      node: pod.node,
      ip: pod.ip,
      listenPorts: [
        ...new Set(
          (pod.ports ?? [])
            .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
            .map((p) => p.containerPort)
            .filter((port) => !(dnsPod && port === DNS_PORT)),
        ),
      ],
    });
  }

  const hosts: PlannedHost[] = scenario.hosts.map((host, index) => ({
    name: host.name,
    index,
    ns: names.host(index),
    kind: host.kind,
    listen: host.listen ?? [],
  }));

  const dnsPods = scenario.pods.filter((p) => !p.hostNetwork && isClusterDnsPod(p));
  const dns: PlannedDns = {
    clusterIP: clusterDnsIP(scenario),
    servers: pods
      .filter((p) => dnsPods.some((d) => d.namespace === p.namespace && d.name === p.name))
      .map((p) => ({
        ns: p.ns,
        ip: p.ip,
        node: p.node,
        pod: { namespace: p.namespace, name: p.name },
      })),
    private: dnsPods.length === 0,
  };
  if (dns.private) {
    dns.servers.push({
      ns: names.dnsNs,
      // The top address of the first node's pod CIDR, far from what the emulator hands out.
      ip: nthAddress(first.podCIDR, 2 ** (32 - parseCidr(first.podCIDR).prefix) - 2),
      node: first.name,
      pod: null,
    });
  }
  const privateDns = dns.private ? dns.servers[0] : undefined;

  // Phase 1: the switch.
  const sw: string[] = ['link set lo up'];
  scenario.segments.forEach((_, i) => sw.push(`link add s${i} type bridge`, `link set s${i} up`));
  if (vxlan) sw.push('link add ovl type bridge', 'link set ovl up');
  scenario.nodes.forEach((node, i) => {
    const planned = nodes[i]!;
    sw.push(
      `link add n${i} type veth peer name ${planned.uplink} netns ${planned.ns}`,
      `link set n${i} master s${segmentOf(node.segment)}`,
      `link set n${i} up`,
    );
    if (vxlan) {
      sw.push(
        `link add f${i} mtu 1450 type veth peer name flannel.1 netns ${planned.ns}`,
        `link set f${i} master ovl`,
        `link set f${i} up`,
      );
    }
  });
  scenario.hosts.forEach((host, i) => {
    host.legs.forEach((leg, j) => {
      sw.push(
        `link add h${i}l${j} type veth peer name eth${j} netns ${names.host(i)}`,
        `link set h${i}l${j} master s${segmentOf(leg.segment)}`,
        `link set h${i}l${j} up`,
      );
    });
  });

  // Phase 2: nodes.
  const leafSetups: NamespaceSetup[] = [];
  const nodeSetups: NamespaceSetup[] = scenario.nodes.map((node, i) => {
    const planned = nodes[i]!;
    const lines = [
      'link set lo up',
      `addr add ${node.eth1} dev ${planned.uplink}`,
      `link set ${planned.uplink} up`,
      'link add cni0 type bridge',
      `link set cni0 address ${macFor(planned.gateway)} mtu ${podMtu(scenario)}`,
      `addr add ${node.cni0} dev cni0`,
      'link set cni0 up',
      `link add svc0 type veth peer name eth0 netns ${planned.stageNs}`,
      `addr add ${STAGE_NODE_ADDRESS}/${STAGE_LINK_PREFIX} dev svc0`,
      'link set svc0 up',
      // The node's own address as source: without it, host connections to a ClusterIP would
      // leave with the private stage-link address, which no other node can answer.
      `route add ${scenario.serviceNetwork} via ${STAGE_ADDRESS} dev svc0 src ${planned.uplinkAddress}`,
    ];
    if (vxlan) {
      const own = flannelAddress(node);
      lines.push(
        `link set flannel.1 address ${macFor(own, '0e:fa')} mtu 1450`,
        `addr add ${own}/32 dev flannel.1`,
        'link set flannel.1 up',
      );
    }
    scenario.nodes.forEach((other, j) => {
      if (j === i) return;
      if (vxlan) {
        // flannel's vxlan backend: an onlink route via the peer's flannel.1 address and a
        // permanent neighbour entry for its VTEP MAC, so no ARP crosses the overlay.
        const peer = flannelAddress(other);
        lines.push(
          `route add ${networkOf(other.podCIDR)} via ${peer} dev flannel.1 onlink`,
          `neigh add ${peer} lladdr ${macFor(peer, '0e:fa')} dev flannel.1 nud permanent`,
        );
      } else {
        lines.push(
          `route add ${networkOf(other.podCIDR)} via ${addressOf(other.eth1)} dev ${planned.uplink}`,
        );
      }
    });
    for (const route of node.routes ?? []) {
      lines.push(`route add ${route.to} via ${route.via} dev ${planned.uplink}`);
    }
    if (node.gateway) lines.push(`route add default via ${node.gateway} dev ${planned.uplink}`);
    for (const pod of pods.filter((p) => p.node === node.name)) {
      const plumbing = podPlumbing(scenario, planned, { ...pod, hairpin });
      lines.push(...plumbing.nodeLines);
      leafSetups.push({ ns: pod.ns, ip: plumbing.podLines });
    }
    if (i === 0 && privateDns) {
      lines.push(
        `link add vdns mtu ${podMtu(scenario)} type veth peer name eth0 netns ${privateDns.ns}`,
        'link set vdns master cni0',
        'link set vdns up',
      );
    }
    leafSetups.push({
      ns: planned.stageNs,
      ip: [
        'link set lo up',
        `addr add ${STAGE_ADDRESS}/${STAGE_LINK_PREFIX} dev eth0`,
        'link set eth0 up',
        `route add default via ${STAGE_NODE_ADDRESS} dev eth0`,
        // ClusterIPs are local here, as on kube-ipvs0: what no rule translates is answered by
        // the stage itself (port unreachable, RST) instead of looping back to the node.
        `route add local ${scenario.serviceNetwork} dev lo`,
      ],
    });
    return { ns: planned.ns, ip: lines };
  });

  if (privateDns) {
    leafSetups.push({
      ns: privateDns.ns,
      ip: [
        'link set lo up',
        `link set eth0 mtu ${podMtu(scenario)} up`,
        `addr add ${privateDns.ip}/${parseCidr(first.podCIDR).prefix} dev eth0`,
        `route add default via ${first.gateway} dev eth0`,
      ],
    });
  }

  scenario.hosts.forEach((host, i) => {
    const lines = ['link set lo up'];
    host.legs.forEach((leg, j) => {
      lines.push(`addr add ${leg.address} dev eth${j}`, `link set eth${j} up`);
    });
    for (const route of host.routes ?? []) lines.push(`route add ${route.to} via ${route.via}`);
    leafSetups.push({ ns: names.host(i), ip: lines });
  });

  const sysctls = new Map<string, string[]>();
  sysctls.set(names.switchNs, [
    ...COMMON_SYSCTLS,
    'net.ipv4.ip_forward=0',
    // The switch only bridges; its frames must not walk through netfilter.
    'net.bridge.bridge-nf-call-iptables=0',
  ]);
  for (const node of nodes) {
    sysctls.set(node.ns, [
      ...COMMON_SYSCTLS,
      'net.ipv4.ip_forward=1',
      // kubelet/kube-proxy require br_netfilter: bridged pod traffic must see the NAT rules,
      // or replies between pods of one node skip the un-DNAT (and hairpin needs it, see S2).
      'net.bridge.bridge-nf-call-iptables=1',
    ]);
    sysctls.set(node.stageNs, [
      ...COMMON_SYSCTLS,
      'net.ipv4.ip_forward=1',
      // The stage sends translated packets back out the link they came in on.
      'net.ipv4.conf.all.send_redirects=0',
    ]);
  }
  for (const pod of pods) sysctls.set(pod.ns, POD_SYSCTLS);
  if (privateDns) sysctls.set(privateDns.ns, POD_SYSCTLS);
  for (const host of hosts) {
    sysctls.set(host.ns, [
      ...COMMON_SYSCTLS,
      `net.ipv4.ip_forward=${host.kind === 'router' ? 1 : 0}`,
    ]);
  }

  const namespaces = [
    names.switchNs,
    ...nodes.flatMap((n) => [n.ns, n.stageNs]),
    ...hosts.map((h) => h.ns),
    ...(privateDns ? [privateDns.ns] : []),
    ...pods.map((p) => p.ns),
  ];

  return {
    names,
    scenario,
    nodes,
    pods,
    hosts,
    dns,
    namespaces,
    sysctls,
    switchSetup: { ns: names.switchNs, ip: sw },
    nodeSetups,
    leafSetups,
  };
}
