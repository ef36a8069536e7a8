/**
 * Inventory -> graph elements: what the cluster view draws, as plain data. Pure, so that the
 * picture is a function of the snapshot and the filter alone.
 */
import type {
  InventoryEndpointSlice,
  InventoryNode,
  InventoryPod,
  InventoryService,
  InventorySnapshot,
} from '@/lib/inventory/types';
import {
  INTERFACE_HEIGHT,
  INTERFACE_WIDTH,
  POD_WIDTH,
  SERVICE_WIDTH,
  boxHeight,
} from './dimensions';
import { NETWORK_HEIGHT } from './dimensions';
import { podCidrGateway } from './ip';
import type {
  GraphEdge,
  GraphEdgeData,
  GraphFilter,
  GraphModel,
  GraphNode,
  InterfaceNodeData,
  PodNodeData,
  ServiceNodeData,
} from './types';

export interface BuildOptions {
  /**
   * Name of the nodes' uplink. The API does not report interface names; eth1 is the name in the
   * Vagrant clusters of the demo scenario (k3s machines call it eth0).
   */
  uplinkName?: string;
  /** Longest pod or service name printed on the canvas before it is shortened in the middle. */
  maxLabelChars?: number;
}

/** Element id of a node, a pod, a Service: the same strings a trace's path uses. */
export const nodeId = (name: string) => `node:${name}`;
export const podId = (namespace: string, name: string) => `pod:${namespace}/${name}`;
export const serviceId = (namespace: string, name: string) => `service:${namespace}/${name}`;
export const interfaceId = (node: string, name: string) => `${node}/${name}`;
export const NETWORK_ID = 'network:nodes';
const edgeId = (source: string, target: string) => `edge:${source}->${target}`;

/** Builds the cluster graph for a snapshot: nodes with interfaces and pods, Services beside. */
export function buildGraphElements(
  snapshot: InventorySnapshot,
  filter: GraphFilter,
  opts: BuildOptions = {},
): GraphModel {
  const uplink = opts.uplinkName ?? 'eth1';
  const maxChars = opts.maxLabelChars ?? 24;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const inNamespace = (ns: string) => filter.namespace === null || filter.namespace === ns;

  const k8sNodes = [...snapshot.nodes].sort(compareNodes);
  const knownNodes = new Set(k8sNodes.map((n) => n.name));

  if (k8sNodes.length > 0) {
    const { plugin, backend } = snapshot.cni;
    const cni = plugin === 'unknown' ? 'CNI unknown' : [plugin, backend].filter(Boolean).join(' ');
    nodes.push({
      group: 'nodes',
      data: {
        id: NETWORK_ID,
        kind: 'network',
        name: 'node network',
        label: `node network · ${cni}`,
        width: 0,
        height: NETWORK_HEIGHT,
      },
      classes: ['network'],
    });
  }

  for (const node of k8sNodes) {
    const id = nodeId(node.name);
    const role = isControlPlane(node) ? 'control-plane' : 'worker';
    const podCIDR = node.podCIDRs[0] ?? null;
    const facts = [node.internalIP ?? 'no InternalIP', podCIDR ?? 'no podCIDR'];
    if (!node.ready) facts.push('NotReady');
    nodes.push({
      group: 'nodes',
      data: {
        id,
        kind: 'k8s-node',
        name: node.name,
        label: `${node.name}${role === 'control-plane' ? '  (control plane)' : ''}\n${facts.join('  ·  ')}`,
        internalIP: node.internalIP,
        podCIDR,
        ready: node.ready,
        role,
        width: 0,
        height: 0,
      },
      classes: ['k8s-node', role, ...(node.ready ? [] : ['not-ready'])],
    });
    const eth: InterfaceNodeData = {
      id: interfaceId(node.name, uplink),
      kind: 'interface',
      parent: id,
      node: node.name,
      name: uplink,
      ip: node.internalIP,
      label: `${uplink}\n${node.internalIP ?? 'no address'}`,
      width: INTERFACE_WIDTH,
      height: INTERFACE_HEIGHT,
    };
    const gateway = podCIDR ? podCidrGateway(podCIDR) : null;
    const cni0: InterfaceNodeData = {
      id: interfaceId(node.name, 'cni0'),
      kind: 'interface',
      parent: id,
      node: node.name,
      name: 'cni0',
      ip: gateway,
      label: `cni0\n${gateway ?? 'no address'}`,
      width: INTERFACE_WIDTH,
      height: INTERFACE_HEIGHT,
    };
    nodes.push({ group: 'nodes', data: eth, classes: ['interface', 'uplink'] });
    nodes.push({ group: 'nodes', data: cni0, classes: ['interface', 'bridge'] });
    edges.push(edge('uplink', eth.id, NETWORK_ID));
    edges.push(edge('bridge', cni0.id, eth.id));
  }

  const pods = snapshot.pods
    .filter((p) => inNamespace(p.namespace) && p.nodeName !== null && knownNodes.has(p.nodeName))
    .sort(compareByNamespacedName);
  const drawnPods = new Set<string>();
  for (const pod of pods) {
    const data = podData(pod, maxChars);
    drawnPods.add(data.id);
    nodes.push({ group: 'nodes', data, classes: podClasses(pod) });
    // A hostNetwork pod lives in the node's own namespace: it sends straight out of the host
    // stack, never through cni0, which is why the service proxy treats it differently (S4).
    const nodeName = pod.nodeName ?? '';
    edges.push(
      pod.hostNetwork
        ? edge('host-netns', data.id, interfaceId(nodeName, uplink))
        : edge('veth', data.id, interfaceId(nodeName, 'cni0')),
    );
  }

  const services = snapshot.services
    .filter((s) => inNamespace(s.namespace))
    .sort(compareByNamespacedName);
  for (const svc of services) {
    const endpoints = endpointPods(svc, snapshot.endpointSlices, snapshot.pods);
    const data = serviceData(svc, endpoints.readyCount, maxChars);
    nodes.push({ group: 'nodes', data, classes: serviceClasses(svc, endpoints.readyCount) });
    for (const pod of endpoints.all) {
      if (!drawnPods.has(pod)) continue;
      const e = edge('endpoint', data.id, pod);
      if (!endpoints.ready.includes(pod)) e.classes.push('not-ready');
      edges.push(e);
    }
  }

  return { nodes, edges };
}

function edge(kind: GraphEdgeData['kind'], source: string, target: string): GraphEdge {
  return {
    group: 'edges',
    data: { id: edgeId(source, target), kind, source, target },
    classes: [kind],
  };
}

function podData(pod: InventoryPod, maxChars: number): PodNodeData {
  const ip = pod.ip ?? (pod.phase === 'Pending' ? 'pending' : 'no IP');
  const third = pod.hostNetwork ? `${pod.namespace} · host network` : pod.namespace;
  return {
    id: podId(pod.namespace, pod.name),
    kind: 'pod',
    parent: pod.nodeName ? nodeId(pod.nodeName) : undefined,
    namespace: pod.namespace,
    name: pod.name,
    node: pod.nodeName,
    ip: pod.ip,
    hostNetwork: pod.hostNetwork,
    ready: pod.ready,
    phase: pod.phase,
    isProbe: pod.isProbe,
    label: `${shorten(pod.name, maxChars)}\n${ip}\n${third}`,
    width: POD_WIDTH,
    height: boxHeight(3),
  };
}

function podClasses(pod: InventoryPod): string[] {
  const classes = ['pod'];
  if (pod.hostNetwork) classes.push('host-network');
  if (!pod.ready) classes.push('not-ready');
  if (pod.isProbe) classes.push('probe');
  return classes;
}

function serviceData(
  svc: InventoryService,
  readyEndpoints: number,
  maxChars: number,
): ServiceNodeData {
  const ports = svc.ports.map(
    (p) => `${p.port}→${p.targetPort}${p.protocol === 'TCP' ? '' : `/${p.protocol}`}`,
  );
  // The box has room for a couple of ports; the mirror and the details list all of them.
  const shownPorts =
    ports.length > 2 ? `${ports.slice(0, 2).join(', ')} +${ports.length - 2}` : ports.join(', ');
  const lines = [shorten(svc.name, maxChars), `${svc.type} · ${svc.namespace}`];
  lines.push(`${svc.headless ? 'headless' : (svc.clusterIP ?? 'no cluster IP')}  ${shownPorts}`);
  if (svc.loadBalancerIngress.length > 0) {
    const policy = svc.externalTrafficPolicy === 'Local' ? '  (Local)' : '';
    lines.push(`LB ${svc.loadBalancerIngress.join(', ')}${policy}`);
  }
  if (svc.type !== 'ExternalName') {
    lines.push(
      readyEndpoints === 0
        ? 'no endpoints'
        : `${readyEndpoints} endpoint${readyEndpoints === 1 ? '' : 's'}`,
    );
  }
  return {
    id: serviceId(svc.namespace, svc.name),
    kind: 'service',
    namespace: svc.namespace,
    name: svc.name,
    type: svc.type,
    clusterIP: svc.clusterIP,
    headless: svc.headless,
    ingressIPs: [...svc.loadBalancerIngress, ...svc.externalIPs],
    ports,
    endpointCount: readyEndpoints,
    externalTrafficPolicy: svc.externalTrafficPolicy,
    label: lines.join('\n'),
    width: SERVICE_WIDTH,
    height: boxHeight(lines.length),
  };
}

function serviceClasses(svc: InventoryService, readyEndpoints: number): string[] {
  const classes = ['service'];
  if (svc.type === 'LoadBalancer') classes.push('lb');
  if (svc.headless) classes.push('headless');
  if (svc.externalTrafficPolicy === 'Local') classes.push('local-policy');
  if (svc.type !== 'ExternalName' && readyEndpoints === 0) classes.push('no-endpoints');
  return classes;
}

/**
 * The endpoints behind a Service, by EndpointSlice when the cluster has them for it (that is
 * what kube-proxy programs), by label selector otherwise (e.g. a snapshot taken before the
 * EndpointSlice controller caught up). `readyCount` counts every ready endpoint, pods or not
 * (the `kubernetes` Service's endpoints are API server addresses); `all`/`ready` list the pods.
 */
export function endpointPods(
  svc: InventoryService,
  slices: InventoryEndpointSlice[],
  pods: InventoryPod[],
): { all: string[]; ready: string[]; readyCount: number } {
  const own = slices.filter((s) => s.namespace === svc.namespace && s.serviceName === svc.name);
  const all = new Set<string>();
  const ready = new Set<string>();
  let readyCount = 0;
  if (own.length > 0) {
    const byIP = new Map<string, InventoryPod>();
    for (const p of pods) {
      if (p.namespace === svc.namespace && !p.hostNetwork) for (const ip of p.ips) byIP.set(ip, p);
    }
    // A dual-stack Service has one slice per address family listing the same endpoints.
    const readyByFamily = new Map<string, number>();
    for (const slice of own) {
      for (const ep of slice.endpoints) {
        if (ep.ready) {
          readyByFamily.set(slice.addressType, (readyByFamily.get(slice.addressType) ?? 0) + 1);
        }
        let id: string | null = null;
        if (ep.targetRef?.kind === 'Pod') id = podId(ep.targetRef.namespace, ep.targetRef.name);
        else {
          const pod = ep.addresses.map((a) => byIP.get(a)).find(Boolean);
          if (pod) id = podId(pod.namespace, pod.name);
        }
        if (!id) continue;
        all.add(id);
        if (ep.ready) ready.add(id);
      }
    }
    readyCount = Math.max(0, ...readyByFamily.values());
  } else if (svc.selector && Object.keys(svc.selector).length > 0) {
    const selector = svc.selector;
    for (const p of pods) {
      if (p.namespace !== svc.namespace) continue;
      if (!Object.entries(selector).every(([k, v]) => p.labels[k] === v)) continue;
      const id = podId(p.namespace, p.name);
      all.add(id);
      if (p.ready) ready.add(id);
    }
    readyCount = ready.size;
  }
  return { all: [...all].sort(), ready: [...ready].sort(), readyCount };
}

function isControlPlane(node: InventoryNode): boolean {
  return (
    'node-role.kubernetes.io/control-plane' in node.labels ||
    'node-role.kubernetes.io/master' in node.labels ||
    node.taints.some((t) => t.key === 'node-role.kubernetes.io/control-plane')
  );
}

function compareNodes(a: InventoryNode, b: InventoryNode): number {
  const ra = isControlPlane(a) ? 0 : 1;
  const rb = isControlPlane(b) ? 0 : 1;
  return ra - rb || a.name.localeCompare(b.name, 'en', { numeric: true });
}

function compareByNamespacedName(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string },
): number {
  return a.namespace.localeCompare(b.namespace, 'en') || a.name.localeCompare(b.name, 'en');
}

/**
 * Shortens a long name in the middle: generated pod names differ at their end (the ReplicaSet
 * hash and the random suffix), so both ends carry meaning.
 */
export function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const tail = Math.ceil((max - 1) / 2);
  const head = max - 1 - tail;
  return `${name.slice(0, head)}…${name.slice(name.length - tail)}`;
}
