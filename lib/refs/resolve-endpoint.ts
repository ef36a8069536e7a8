/**
 * Endpoint references against the inventory: what a reference names, and whether it can be the
 * source or the target of a trace. Everything is decided before any probe starts.
 */
import type {
  InventoryNode,
  InventoryPod,
  InventoryService,
  InventoryServicePort,
  InventorySnapshot,
} from '@/lib/inventory/types';
import { lookupAddress } from '@/lib/resolve/address-index';
import type { EndpointRef } from '@/lib/trace/types';
import { RefError } from './errors';
import { formatEndpointRef } from './parse';
import type { EndpointRole, ResolvedEndpoint } from './types';

/**
 * Resolves a parsed reference for one end of a trace. Throws RefError: `not-found` (404) when
 * it names no pod, node or Service; 400 codes when it cannot play the role (`bad-role`: a
 * Service, ip or dns name as a source), names a port the Service lacks (`no-port`), or names a
 * pod that cannot take part now (`not-running`, `no-address`).
 */
export function resolveEndpoint(
  ref: EndpointRef,
  snap: InventorySnapshot,
  role: EndpointRole,
): ResolvedEndpoint {
  switch (ref.kind) {
    case 'pod':
      return resolvePod(ref, snap, role);
    case 'node':
      return resolveNode(ref, snap, role);
    case 'service':
      return resolveService(ref, snap, role);
    case 'ip':
      return resolveIp(ref, snap, role);
    case 'dns':
      return resolveDns(ref, snap, role);
  }
}

function resolvePod(
  ref: Extract<EndpointRef, { kind: 'pod' }>,
  snap: InventorySnapshot,
  role: EndpointRole,
): ResolvedEndpoint {
  const pod = snap.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name);
  if (!pod)
    throw new RefError('not-found', `no pod ${ref.namespace}/${ref.name}${podHint(ref, snap)}`);
  const what = `pod ${pod.namespace}/${pod.name}`;
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') {
    throw new RefError('not-running', `${what} has finished (phase ${pod.phase})`);
  }
  if (role === 'from' && !pod.nodeName) {
    throw new RefError(
      'not-running',
      `${what} is not scheduled to a node yet, so no probe can run there`,
    );
  }
  if (!pod.ip && !pod.hostNetwork) {
    throw new RefError('no-address', `${what} has no IP address yet (phase ${pod.phase})`);
  }
  const node = pod.nodeName ? snap.nodes.find((n) => n.name === pod.nodeName) : undefined;
  return {
    ref: formatEndpointRef(ref),
    kind: 'pod',
    // A hostNetwork pod may be listed before the kubelet reports its IP; it is its node's.
    ip: pod.ip ?? node?.internalIP ?? null,
    node: pod.nodeName,
    port: null,
    namespace: pod.namespace,
    name: pod.name,
    hostNetwork: pod.hostNetwork,
    pod,
    ...(node ? { inventoryNode: node } : {}),
  };
}

function resolveNode(
  ref: Extract<EndpointRef, { kind: 'node' }>,
  snap: InventorySnapshot,
  role: EndpointRole,
): ResolvedEndpoint {
  const node = snap.nodes.find((n) => n.name === ref.name);
  if (!node) {
    const names = snap.nodes.map((n) => n.name).sort();
    const list = names.length > 0 ? `; nodes: ${names.slice(0, 10).join(', ')}` : '';
    throw new RefError('not-found', `no node ${ref.name}${list}`);
  }
  const ip = node.internalIP ?? node.externalIP;
  if (role === 'to' && !ip) {
    throw new RefError(
      'no-address',
      `node ${node.name} reports neither an InternalIP nor an ExternalIP`,
    );
  }
  return {
    ref: formatEndpointRef(ref),
    kind: 'node',
    ip,
    node: node.name,
    port: null,
    name: node.name,
    inventoryNode: node,
  };
}

function resolveService(
  ref: Extract<EndpointRef, { kind: 'service' }>,
  snap: InventorySnapshot,
  role: EndpointRole,
): ResolvedEndpoint {
  const text = formatEndpointRef(ref);
  if (role === 'from') throw notASource(text);
  const service = snap.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
  if (!service) {
    throw new RefError(
      'not-found',
      `no Service ${ref.namespace}/${ref.name}${serviceHint(ref, snap)}`,
    );
  }
  if (service.type === 'ExternalName') {
    throw new RefError(
      'unsupported',
      `Service ${service.namespace}/${service.name} is an ExternalName alias with no address of its own; trace the name it points to with dns:NAME`,
    );
  }
  const servicePort = pickServicePort(service, ref.port);
  return {
    ref: text,
    kind: 'service',
    ip: service.headless ? null : service.clusterIP,
    node: null,
    port: servicePort?.port ?? null,
    namespace: service.namespace,
    name: service.name,
    service,
    ...(servicePort ? { servicePort } : {}),
  };
}

/**
 * The Service port a reference names: by name first, then by number; the first port when none
 * is named (the contract's default). Throws `no-port` when the Service has no such port.
 */
export function pickServicePort(
  service: InventoryService,
  port: string | null,
): InventoryServicePort | null {
  const what = `Service ${service.namespace}/${service.name}`;
  if (port === null) {
    // Only a headless Service may have no ports; a trace to it then only traceroutes.
    if (service.ports.length === 0 && !service.headless) {
      throw new RefError('no-port', `${what} has no ports`);
    }
    return service.ports[0] ?? null;
  }
  const found =
    service.ports.find((p) => p.name === port) ??
    (/^\d+$/.test(port) ? service.ports.find((p) => p.port === Number(port)) : undefined);
  if (!found) {
    const ports = service.ports.map((p) => (p.name ? `${p.port} (${p.name})` : `${p.port}`));
    throw new RefError(
      'no-port',
      `${what} has no port "${port}"; its ports: ${ports.length > 0 ? ports.join(', ') : 'none'}`,
    );
  }
  return found;
}

function resolveIp(
  ref: Extract<EndpointRef, { kind: 'ip' }>,
  snap: InventorySnapshot,
  role: EndpointRole,
): ResolvedEndpoint {
  const text = formatEndpointRef(ref);
  const owners = lookupAddress(ref.address, snap);
  if (role === 'from') {
    const pod = owners.find((o) => o.kind === 'pod');
    const node = owners.find((o) => o.kind === 'interface' && o.device === 'uplink');
    const hint =
      pod?.kind === 'pod'
        ? `; it is pod ${pod.pod.namespace}/${pod.pod.name}: use pod:${pod.pod.namespace}/${pod.pod.name}`
        : node?.kind === 'interface'
          ? `; it is node ${node.node.name}: use node:${node.node.name}`
          : '';
    throw new RefError(
      'bad-role',
      `${text} cannot be a source: a probe runs in a pod or on a node${hint}`,
    );
  }
  const endpoint: ResolvedEndpoint = {
    ref: text,
    kind: 'ip',
    ip: ref.address,
    node: null,
    port: ref.port,
  };
  let node: InventoryNode | undefined;
  let pod: InventoryPod | undefined;
  for (const owner of owners) {
    if (owner.kind === 'pod' && !pod && !node) {
      pod = owner.pod;
      node = snap.nodes.find((n) => n.name === owner.pod.nodeName);
    } else if ((owner.kind === 'interface' || owner.kind === 'pod-range') && !node) {
      node = owner.node;
    } else if (owner.kind === 'host-network-pod' && !node) {
      // A hostNetwork pod's address is its node's; the node, not the pod, is the target.
      node = snap.nodes.find((n) => n.name === owner.pod.nodeName);
    } else if (owner.kind === 'cluster-ip' && !endpoint.service) {
      endpoint.service = owner.service;
      const sp = portByNumber(owner.service, ref.port);
      if (sp) endpoint.servicePort = sp;
    } else if (owner.kind === 'load-balancer' && !endpoint.loadBalancer) {
      endpoint.loadBalancer = {
        service: owner.service,
        port: portByNumber(owner.service, ref.port) ?? null,
      };
    }
  }
  if (pod) endpoint.pod = pod;
  if (node) {
    endpoint.inventoryNode = node;
    endpoint.node = node.name;
    // A node address with a port that is some Service's NodePort is that Service's NodePort.
    const isNodeAddress = owners.some((o) => o.kind === 'interface' && o.device === 'uplink');
    if (isNodeAddress && ref.port !== null) {
      for (const service of snap.services) {
        const sp = service.ports.find((p) => p.nodePort === ref.port);
        if (sp) {
          endpoint.nodePort = { service, port: sp };
          break;
        }
      }
    }
  }
  // On k3s (servicelb) LoadBalancer ingress addresses are node addresses: with a port that the
  // LoadBalancer does not serve, the user means the node.
  if (endpoint.loadBalancer && node && ref.port !== null && !endpoint.loadBalancer.port) {
    delete endpoint.loadBalancer;
  }
  return endpoint;
}

function resolveDns(
  ref: Extract<EndpointRef, { kind: 'dns' }>,
  snap: InventorySnapshot,
  role: EndpointRole,
): ResolvedEndpoint {
  const text = formatEndpointRef(ref);
  if (role === 'from') throw notASource(text);
  const endpoint: ResolvedEndpoint = {
    ref: text,
    kind: 'dns',
    ip: null,
    node: null,
    port: ref.port,
    name: ref.name,
  };
  // NAME.NAMESPACE.svc[.CLUSTER-DOMAIN]: the cluster's DNS answers it from the Service, so the
  // Service is known now; the address itself is still looked up from the source.
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.[a-z0-9.-]+)?\.?$/.exec(ref.name);
  const service = m
    ? snap.services.find((s) => s.name === m[1] && s.namespace === m[2])
    : undefined;
  if (service && service.type !== 'ExternalName') {
    endpoint.service = service;
    const sp = ref.port === null ? service.ports[0] : portByNumber(service, ref.port);
    if (sp) endpoint.servicePort = sp;
  }
  return endpoint;
}

function portByNumber(
  service: InventoryService,
  port: number | null,
): InventoryServicePort | undefined {
  return port === null ? undefined : service.ports.find((p) => p.port === port);
}

function notASource(ref: string): RefError {
  return new RefError(
    'bad-role',
    `${ref} cannot be a source: a probe runs in a pod or on a node (pod:NAMESPACE/NAME or node:NAME)`,
  );
}

function podHint(ref: { namespace: string; name: string }, snap: InventorySnapshot): string {
  const elsewhere = snap.pods.find((p) => p.name === ref.name);
  if (elsewhere) return `; did you mean pod:${elsewhere.namespace}/${elsewhere.name}?`;
  if (!snap.pods.some((p) => p.namespace === ref.namespace)) {
    return `; there are no pods in namespace ${ref.namespace}`;
  }
  return '';
}

function serviceHint(ref: { namespace: string; name: string }, snap: InventorySnapshot): string {
  const elsewhere = snap.services.find((s) => s.name === ref.name);
  return elsewhere ? `; did you mean service:${elsewhere.namespace}/${elsewhere.name}?` : '';
}
