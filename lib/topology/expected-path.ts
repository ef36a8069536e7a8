/**
 * The expected path between two resolved endpoints, from the inventory alone.
 *
 * Services. kube-proxy DNATs a cluster IP (or a LoadBalancer ingress IP) on the source's own
 * node, so the Service appears as a virtual element right after the source's first element on
 * that node, followed by the route from there to the endpoint the trace follows (see
 * chooseEndpoint). When the source is itself an endpoint (S2), the drawing is the loop kube-proxy
 * makes when it picks the caller: pod -> cni0 -> Service -> cni0 -> the same pod, with the
 * Service tagged `hairpin-candidate`. That loop is the branch that fails, and the connects are
 * what can tell (about 1 in N fail); a traceroute to the source's own address never leaves the
 * pod, so traceTarget is null there rather than a trace that would prove nothing. Drawing the
 * other endpoint instead would show a path that works and hide the one that breaks.
 */
import type {
  InventoryPod,
  InventoryService,
  InventoryServicePort,
  InventorySnapshot,
} from '@/lib/inventory/types';
import { RefError } from '@/lib/refs/errors';
import type { ResolvedEndpoint } from '@/lib/refs/types';
import {
  externalId,
  loadBalancerId,
  nodeId,
  podId,
  serviceId,
  unknownId,
} from '@/lib/resolve/element-ids';
import { canonicalIp } from '@/lib/resolve/ip';
import { lookupAddress } from '@/lib/resolve/address-index';
import { findKnownHost } from '@/lib/resolve/resolve-address';
import { chooseEndpoint, serviceEndpoints, type ServiceEndpoint } from './endpoints';
import {
  iface,
  nodeAddresses,
  route,
  sourceHead,
  type Dest,
  type Place,
  type RouteContext,
} from './route';
import type { ExpectedElement, ExpectedPath, PathKind, TopologyOptions } from './types';

/**
 * What a packet from `from` to `to` should cross, and what the probe should traceroute to and
 * connect to. A Service's cluster IP never answers traceroute: the path to the endpoint that
 * kube-proxy would use is traced instead, and the Service (or LoadBalancer) appears as a
 * virtual element where kube-proxy DNATs, on the source's node.
 */
export function expectedPath(
  from: ResolvedEndpoint,
  to: ResolvedEndpoint,
  snap: InventorySnapshot,
  opts: TopologyOptions = {},
): ExpectedPath {
  const ctx: RouteContext = {
    snap,
    uplink: opts.uplinkName ?? 'eth1',
    knownHosts: opts.knownHosts ?? [],
    notes: [],
  };
  const src = sourcePlace(from);
  const target = classifyTarget(to, ctx);
  const base = { sourceNode: src.node, via: {} as ExpectedPath['via'] };

  switch (target.kind) {
    case 'service':
      return servicePath(src, from, target, ctx, base);
    case 'headless':
      return headlessPath(src, from, target, ctx, base);
    case 'load-balancer':
      return loadBalancerPath(src, from, target, ctx, base);
    case 'node-port':
      return nodePortPath(src, from, target, ctx, base);
    case 'unresolved': {
      ctx.notes.push(
        `${target.name} has no address yet: look it up from the source, then ask again with the address as to.ip`,
      );
      const el: ExpectedElement = {
        id: externalId(target.name),
        kind: 'external',
        label: target.name,
        source: 'expected',
        answers: [],
      };
      return finish('to-outside', [...sourceHead(src, ctx, true), el], null, null, ctx, base);
    }
    default: {
      const r = route(src, target.dest, ctx);
      const elements = join(r.head, [], r.tail);
      const ip = target.ip;
      const connect = to.port != null ? { ip, port: to.port } : null;
      return finish(r.kind, elements, { ip, port: to.port ?? null }, connect, ctx, base);
    }
  }
}

type Target =
  | { kind: 'plain'; ip: string; dest: Dest }
  | { kind: 'service'; service: InventoryService; port: InventoryServicePort | null }
  | { kind: 'headless'; service: InventoryService; port: InventoryServicePort | null }
  | {
      kind: 'load-balancer';
      ip: string;
      service: InventoryService;
      port: InventoryServicePort | null;
      userPort: number | null;
    }
  | {
      kind: 'node-port';
      ip: string;
      node: string;
      service: InventoryService;
      port: InventoryServicePort;
      userPort: number;
    }
  | { kind: 'unresolved'; name: string };

function sourcePlace(from: ResolvedEndpoint): Place {
  if (from.kind === 'node' && from.node) {
    return { kind: 'host', node: from.node, el: nodeElement(from.node, []) };
  }
  if (from.kind === 'pod' && from.pod && from.node) {
    const el = podElement(from.pod, []);
    return from.pod.hostNetwork
      ? { kind: 'host', node: from.node, el }
      : { kind: 'pod-net', node: from.node, el };
  }
  throw new RefError(
    'bad-role',
    `${from.ref} cannot be a source: a probe runs in a pod or on a node`,
  );
}

function classifyTarget(to: ResolvedEndpoint, ctx: RouteContext): Target {
  const { snap } = ctx;
  if (to.kind === 'service' && to.service) {
    const port = to.servicePort ?? null;
    return to.service.headless
      ? { kind: 'headless', service: to.service, port }
      : { kind: 'service', service: to.service, port };
  }
  if (to.kind === 'dns' && !to.ip) {
    if (to.service) {
      const port = to.servicePort ?? null;
      return to.service.headless
        ? { kind: 'headless', service: to.service, port }
        : { kind: 'service', service: to.service, port };
    }
    return { kind: 'unresolved', name: to.name ?? to.ref };
  }
  if (to.kind === 'pod' && to.pod) {
    return { kind: 'plain', ip: to.ip ?? '', dest: podDest(to.pod, snap) };
  }
  if (to.kind === 'node' && to.node) {
    const ip = to.ip ?? '';
    return {
      kind: 'plain',
      ip,
      dest: { kind: 'host', node: to.node, el: nodeElement(to.node, addressesOf(to.node, snap)) },
    };
  }
  return classifyAddress(to.ip ?? '', to.port ?? null, ctx);
}

/** An ip: target (or a dns: name once looked up), by what owns the address. */
function classifyAddress(address: string, port: number | null, ctx: RouteContext): Target {
  const { snap } = ctx;
  const ip = canonicalIp(address) ?? address;
  const owners = lookupAddress(ip, snap);
  const uplinkOwner = owners.find((o) => o.kind === 'interface' && o.device === 'uplink');
  for (const owner of owners) {
    if (owner.kind === 'pod') return { kind: 'plain', ip, dest: podDest(owner.pod, snap) };
    if (owner.kind === 'cluster-ip') {
      const sp = port === null ? null : (owner.service.ports.find((p) => p.port === port) ?? null);
      return { kind: 'service', service: owner.service, port: sp };
    }
    if (owner.kind === 'load-balancer') {
      const sp = port === null ? null : (owner.service.ports.find((p) => p.port === port) ?? null);
      // servicelb (k3s) puts node addresses in LoadBalancer ingress: a port the LoadBalancer
      // does not serve means the node.
      if (!(uplinkOwner && port !== null && !sp)) {
        return { kind: 'load-balancer', ip, service: owner.service, port: sp, userPort: port };
      }
    }
    if (owner.kind === 'interface' && owner.device === 'uplink') {
      const node = owner.node.name;
      if (port !== null) {
        for (const service of snap.services) {
          const sp = service.ports.find((p) => p.nodePort === port);
          if (sp) return { kind: 'node-port', ip, node, service, port: sp, userPort: port };
        }
      }
      return {
        kind: 'plain',
        ip,
        dest: { kind: 'host', node, el: nodeElement(node, addressesOf(node, snap)) },
      };
    }
    if (owner.kind === 'interface') {
      // cni0, flannel.1 or a tunnel address: the node answers for it.
      const node = owner.node.name;
      return { kind: 'plain', ip, dest: { kind: 'host', node, el: nodeElement(node, [ip]) } };
    }
    if (owner.kind === 'host-network-pod' && owner.pod.nodeName) {
      const node = owner.pod.nodeName;
      return { kind: 'plain', ip, dest: { kind: 'host', node, el: nodeElement(node, [ip]) } };
    }
    if (owner.kind === 'pod-range') {
      const el: ExpectedElement = {
        id: unknownId(ip),
        kind: 'unknown',
        label: `${ip} (in ${owner.node.name}'s pod range; no pod has it)`,
        node: owner.node.name,
        source: 'expected',
        answers: [ip],
      };
      return { kind: 'plain', ip, dest: { kind: 'pod-net', node: owner.node.name, el } };
    }
  }
  return { kind: 'plain', ip, dest: { kind: 'outside', ip, el: outsideElement(ip, ctx) } };
}

function podDest(pod: InventoryPod, snap: InventorySnapshot): Dest {
  const node = pod.nodeName ?? '';
  if (pod.hostNetwork) {
    // Its address is the node's: the node answers for it, from the host network namespace.
    return { kind: 'host', node, el: podElement(pod, addressesOf(node, snap, pod.ips)) };
  }
  return { kind: 'pod-net', node, el: podElement(pod, pod.ips) };
}

/** Path for a Service with a cluster IP: a virtual Service hop where kube-proxy DNATs. */
function servicePath(
  src: Place,
  from: ResolvedEndpoint,
  t: Extract<Target, { kind: 'service' }>,
  ctx: RouteContext,
  base: Pick<ExpectedPath, 'sourceNode' | 'via'>,
): ExpectedPath {
  const { service, port } = t;
  const name = `${service.namespace}/${service.name}`;
  base.via.service = {
    namespace: service.namespace,
    name: service.name,
    clusterIP: service.clusterIP,
    port: port?.port ?? null,
  };
  const all = serviceEndpoints(service, ctx.snap, port).filter((e) => e.ready);
  // internalTrafficPolicy Local: kube-proxy only uses endpoints on the source's own node.
  const local = service.internalTrafficPolicy === 'Local';
  const usable = local ? all.filter((e) => e.node === src.node) : all;
  if (local && usable.length < all.length) {
    ctx.notes.push(
      `internalTrafficPolicy Local: only endpoints on ${src.node} are used (${usable.length} of ${all.length})`,
    );
  }
  base.via.readyEndpoints = usable.length;
  const connect = service.clusterIP && port ? { ip: service.clusterIP, port: port.port } : null;
  const tags = ['virtual'];
  const chosen = chooseEndpoint(usable, sourceOf(from));
  const virtual: ExpectedElement = {
    id: serviceId(service.namespace, service.name),
    kind: 'service',
    label: `${name} · ClusterIP ${service.clusterIP ?? ''}${port ? `:${port.port}` : ''}`,
    // Where the DNAT happens: kube-proxy on the source's node.
    node: src.node,
    source: 'expected',
    tags,
    answers: [],
  };
  if (!chosen) {
    tags.push('no-endpoints');
    ctx.notes.push(noEndpointsNote(service, ctx.snap));
    const head = sourceHead(src, ctx, true);
    return finish(noEndpointKind(src), [...head, virtual], null, connect, ctx, base);
  }
  base.via.endpoint = endpointVia(chosen);
  const self = isSelf(chosen, from);
  const r = route(src, endpointDest(chosen, ctx), ctx);
  const elements = join(r.head, [virtual], r.tail);
  ctx.notes.push(kubeProxyNote(src.node, usable.length, chosen));
  if (self) {
    tags.push('hairpin-candidate');
    ctx.notes.push(
      `${from.ref} is itself an endpoint of ${name}: about 1 in ${usable.length} connections come back to it through the bridge (hairpin), which fails unless cni0 has hairpin mode or the traffic is masqueraded. The drawing follows that loop; a traceroute to its own address never leaves the pod, so only the connects judge it.`,
    );
    return finish(r.kind, elements, null, connect, ctx, base);
  }
  return finish(r.kind, elements, { ip: chosen.ip, port: chosen.port }, connect, ctx, base);
}

/** Path for a headless Service: the name resolves to the pods, so there is no Service hop. */
function headlessPath(
  src: Place,
  from: ResolvedEndpoint,
  t: Extract<Target, { kind: 'headless' }>,
  ctx: RouteContext,
  base: Pick<ExpectedPath, 'sourceNode' | 'via'>,
): ExpectedPath {
  const { service, port } = t;
  base.via.service = {
    namespace: service.namespace,
    name: service.name,
    clusterIP: null,
    port: port?.port ?? null,
  };
  const ready = serviceEndpoints(service, ctx.snap, port).filter((e) => e.ready);
  base.via.readyEndpoints = ready.length;
  // A client resolving the name gets every ready pod; it talks to one of them, rarely itself.
  const chosen = chooseEndpoint(
    ready.filter((e) => !isSelf(e, from)),
    sourceOf(from),
  );
  ctx.notes.push(
    `${service.namespace}/${service.name} is headless: its name resolves to the ready pods' addresses (${ready.length}), so traffic goes to a pod directly with no Service hop`,
  );
  if (!chosen) {
    ctx.notes.push(noEndpointsNote(service, ctx.snap));
    const el = headlessServiceElement(service);
    return finish(noEndpointKind(src), [...sourceHead(src, ctx, true), el], null, null, ctx, base);
  }
  base.via.endpoint = endpointVia(chosen);
  const r = route(src, endpointDest(chosen, ctx), ctx);
  const connect = chosen.port !== null ? { ip: chosen.ip, port: chosen.port } : null;
  return finish(
    r.kind,
    join(r.head, [], r.tail),
    { ip: chosen.ip, port: chosen.port },
    connect,
    ctx,
    base,
  );
}

/** Path for a LoadBalancer ingress (or external) IP: kube-proxy DNATs it on the source's node. */
function loadBalancerPath(
  src: Place,
  from: ResolvedEndpoint,
  t: Extract<Target, { kind: 'load-balancer' }>,
  ctx: RouteContext,
  base: Pick<ExpectedPath, 'sourceNode' | 'via'>,
): ExpectedPath {
  const { service, port, ip } = t;
  const name = `${service.namespace}/${service.name}`;
  const policy = service.externalTrafficPolicy;
  base.via.loadBalancer = { ip, service: name, externalTrafficPolicy: policy };
  base.via.service = {
    namespace: service.namespace,
    name: service.name,
    clusterIP: service.clusterIP,
    port: port?.port ?? null,
  };
  const ready = serviceEndpoints(service, ctx.snap, port).filter((e) => e.ready);
  const tags = ['virtual'];
  let candidates = ready;
  if (policy === 'Local') {
    tags.push('local-policy-lb');
    const local = ready.filter((e) => e.node === src.node);
    if (local.length > 0) candidates = local;
    else if (ready.length > 0) {
      tags.push('no-local-endpoint');
      ctx.notes.push(
        `externalTrafficPolicy Local: ${src.node} has no ready endpoint of ${name}, so traffic for ${ip} that arrives there has nowhere to go; the drawing continues to an endpoint on another node, where it would have to go`,
      );
    }
  }
  if (src.kind === 'host') tags.push('from-host-network');
  base.via.readyEndpoints = ready.length;
  const virtual: ExpectedElement = {
    id: loadBalancerId(ip),
    kind: 'loadbalancer',
    label: `LoadBalancer ${ip} · ${name}${policy ? ` · externalTrafficPolicy ${policy}` : ''}`,
    node: src.node,
    source: 'expected',
    tags,
    answers: [],
  };
  const connect = t.userPort !== null ? { ip, port: t.userPort } : null;
  const chosen = chooseEndpoint(candidates, sourceOf(from));
  if (!chosen) {
    tags.push('no-endpoints');
    ctx.notes.push(noEndpointsNote(service, ctx.snap));
    const head = sourceHead(src, ctx, true);
    return finish(noEndpointKind(src), [...head, virtual], null, connect, ctx, base);
  }
  base.via.endpoint = endpointVia(chosen);
  const r = route(src, endpointDest(chosen, ctx), ctx);
  ctx.notes.push(kubeProxyNote(src.node, candidates.length, chosen));
  if (isSelf(chosen, from)) tags.push('hairpin-candidate');
  const trace = isSelf(chosen, from) ? null : { ip: chosen.ip, port: chosen.port };
  return finish(r.kind, join(r.head, [virtual], r.tail), trace, connect, ctx, base);
}

/**
 * Path for NODE-ADDRESS:NODEPORT. kube-proxy catches NodePorts only on addresses local to its
 * node, so a NodePort of another node is reached over the node network first and DNATed there;
 * the traceroute then covers the way to that node, and the connects the rest.
 */
function nodePortPath(
  src: Place,
  from: ResolvedEndpoint,
  t: Extract<Target, { kind: 'node-port' }>,
  ctx: RouteContext,
  base: Pick<ExpectedPath, 'sourceNode' | 'via'>,
): ExpectedPath {
  const { service, port, node, ip } = t;
  const name = `${service.namespace}/${service.name}`;
  base.via.nodePort = { ip, node, port: t.userPort, service: name };
  base.via.service = {
    namespace: service.namespace,
    name: service.name,
    clusterIP: service.clusterIP,
    port: port.port,
  };
  const ready = serviceEndpoints(service, ctx.snap, port).filter((e) => e.ready);
  base.via.readyEndpoints = ready.length;
  const tags = ['virtual', 'nodeport'];
  if (service.externalTrafficPolicy === 'Local') tags.push('local-policy-lb');
  const virtual: ExpectedElement = {
    id: serviceId(service.namespace, service.name),
    kind: 'service',
    label: `${name} · NodePort ${t.userPort} on ${node}`,
    node,
    source: 'expected',
    tags,
    answers: [],
  };
  const connect = { ip, port: t.userPort };
  // With Local policy the receiving node only forwards to its own endpoints.
  const candidates =
    service.externalTrafficPolicy === 'Local' ? ready.filter((e) => e.node === node) : ready;
  const chosen = chooseEndpoint(candidates, { ip: null, node, hostNetwork: true });
  if (node === src.node) {
    if (!chosen) {
      tags.push('no-endpoints');
      ctx.notes.push(noEndpointsNote(service, ctx.snap));
      const head = sourceHead(src, ctx, true);
      return finish(noEndpointKind(src), [...head, virtual], null, connect, ctx, base);
    }
    base.via.endpoint = endpointVia(chosen);
    const r = route(src, endpointDest(chosen, ctx), ctx);
    const trace = isSelf(chosen, from) ? null : { ip: chosen.ip, port: chosen.port };
    return finish(r.kind, join(r.head, [virtual], r.tail), trace, connect, ctx, base);
  }
  // First leg: to the node that owns the address, which answers for it.
  const nodeEl = iface(ctx, node, ctx.uplink, nodeAddresses(ctx, node));
  const first = route(src, { kind: 'host', node, el: nodeEl }, ctx);
  const toNode = join(first.head, [], first.tail);
  const traceEnd = toNode.length - 1;
  ctx.notes.push(
    `NodePort ${t.userPort} of ${name} on ${node}: the traceroute covers the way to ${node}; from there kube-proxy on ${node} forwards to an endpoint, which only the connects test`,
  );
  if (!chosen) {
    tags.push('no-endpoints');
    ctx.notes.push(noEndpointsNote(service, ctx.snap));
    return finish(
      first.kind,
      [...toNode, virtual],
      { ip, port: null },
      connect,
      ctx,
      base,
      traceEnd,
    );
  }
  base.via.endpoint = endpointVia(chosen);
  const second = route(
    { kind: 'host', node, el: iface(ctx, node, ctx.uplink, []) },
    endpointDest(chosen, ctx),
    ctx,
  );
  const elements = [...toNode, virtual, ...join([], [], second.tail)];
  return finish(first.kind, elements, { ip, port: null }, connect, ctx, base, traceEnd);
}

/**
 * Joins a route's halves with a virtual element between them; without one, the element both
 * halves share (cni0 for a neighbour pod, the node uplink of a NodePort) appears once.
 */
function join(
  head: ExpectedElement[],
  virtual: ExpectedElement[],
  tail: ExpectedElement[],
): ExpectedElement[] {
  const out: ExpectedElement[] = [];
  for (const el of [...head, ...virtual, ...tail]) {
    const last = out[out.length - 1];
    if (last && last.id === el.id && !last.tags?.includes('virtual')) {
      out[out.length - 1] = {
        ...last,
        ...el,
        answers: [...new Set([...last.answers, ...el.answers])],
      };
    } else out.push(el);
  }
  return out;
}

function finish(
  kind: PathKind,
  elements: ExpectedElement[],
  traceTarget: ExpectedPath['traceTarget'],
  connectTarget: ExpectedPath['connectTarget'],
  ctx: RouteContext,
  base: Pick<ExpectedPath, 'sourceNode' | 'via'>,
  traceEnd: number | null = traceTarget ? elements.length - 1 : null,
): ExpectedPath {
  const silent = [
    ...new Set(
      elements
        .slice(1, traceEnd ?? 0)
        .filter((e) => e.kind === 'interface' && e.answers.length === 0)
        .map((e) => e.id),
    ),
  ];
  if (traceTarget && silent.length > 0) {
    ctx.notes.push(
      `${silent.join(', ')} ${silent.length === 1 ? 'is' : 'are'} on the path but never answer${silent.length === 1 ? 's' : ''} traceroute: a node answers from the interface a probe comes in on, and a bridge is crossed without a hop`,
    );
  }
  return {
    kind,
    elements,
    traceTarget,
    traceEnd: traceTarget ? traceEnd : null,
    connectTarget,
    via: base.via,
    sourceNode: base.sourceNode,
    notes: ctx.notes,
  };
}

function noEndpointKind(src: Place): PathKind {
  return src.kind === 'pod-net' ? 'same-node' : 'host-network';
}

function noEndpointsNote(service: InventoryService, snap: InventorySnapshot): string {
  const name = `${service.namespace}/${service.name}`;
  if (!service.selector || Object.keys(service.selector).length === 0) {
    return `${name} has no ready endpoints and no selector: only manually managed EndpointSlices could give it some`;
  }
  const selector = Object.entries(service.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const matching = snap.pods.filter(
    (p) =>
      p.namespace === service.namespace &&
      Object.entries(service.selector ?? {}).every(([k, v]) => p.labels[k] === v),
  );
  const why =
    matching.length === 0
      ? `its selector ${selector} matches no pod in ${service.namespace}`
      : `its selector ${selector} matches ${matching.length} pod(s), none ready`;
  return `${name} has no ready endpoints: ${why}, so nothing answers behind it`;
}

function kubeProxyNote(node: string, count: number, chosen: ServiceEndpoint): string {
  const who = chosen.pod ? `${chosen.pod.namespace}/${chosen.pod.name}` : chosen.ip;
  return count > 1
    ? `kube-proxy on ${node} picks one of ${count} ready endpoints at random; the drawing follows ${who} (${chosen.ip})`
    : `kube-proxy on ${node} sends it to the only ready endpoint, ${who} (${chosen.ip})`;
}

function endpointDest(e: ServiceEndpoint, ctx: RouteContext): Dest {
  if (e.pod) return podDest(e.pod, ctx.snap);
  // An endpoint that is no pod (the kubernetes Service's API server address, a manual slice).
  const target = classifyAddress(e.ip, null, ctx);
  if (target.kind === 'plain') return target.dest;
  return { kind: 'outside', ip: e.ip, el: outsideElement(e.ip, ctx) };
}

function endpointVia(e: ServiceEndpoint): NonNullable<ExpectedPath['via']['endpoint']> {
  return {
    ip: e.ip,
    pod: e.pod ? `${e.pod.namespace}/${e.pod.name}` : null,
    node: e.node,
    port: e.port,
  };
}

function sourceOf(from: ResolvedEndpoint): {
  ip: string | null;
  node: string | null;
  hostNetwork: boolean;
} {
  return { ip: from.ip, node: from.node, hostNetwork: from.kind !== 'pod' || !!from.hostNetwork };
}

function isSelf(e: ServiceEndpoint, from: ResolvedEndpoint): boolean {
  return from.kind === 'pod' && !from.hostNetwork && !!from.ip && canonicalIp(from.ip) === e.ip;
}

function podElement(pod: InventoryPod, answers: string[]): ExpectedElement {
  return {
    id: podId(pod.namespace, pod.name),
    kind: 'pod',
    label: `${pod.namespace}/${pod.name}${pod.hostNetwork ? ' (host network)' : ''}`,
    ...(pod.nodeName ? { node: pod.nodeName } : {}),
    source: 'expected',
    answers: answers.map((a) => canonicalIp(a) ?? a),
  };
}

function nodeElement(node: string, answers: string[]): ExpectedElement {
  return {
    id: nodeId(node),
    kind: 'node',
    label: `node ${node}`,
    node,
    source: 'expected',
    answers,
  };
}

function outsideElement(ip: string, ctx: RouteContext): ExpectedElement {
  const known = findKnownHost(ip, ctx.knownHosts);
  return {
    id: externalId(ip),
    kind: 'external',
    label: known ? known.name : ip,
    source: 'expected',
    answers: [ip],
  };
}

/** A headless Service with no ready pod: its name does not resolve, so it ends the path. */
function headlessServiceElement(service: InventoryService): ExpectedElement {
  return {
    id: serviceId(service.namespace, service.name),
    kind: 'service',
    label: `${service.namespace}/${service.name} · headless`,
    source: 'expected',
    tags: ['no-endpoints'],
    answers: [],
  };
}

function addressesOf(node: string, snap: InventorySnapshot, extra: string[] = []): string[] {
  const n = snap.nodes.find((x) => x.name === node);
  const list = [n?.internalIP, n?.externalIP, n?.cni.publicIP, ...extra].filter(
    (a): a is string => !!a,
  );
  return [...new Set(list.map((a) => canonicalIp(a) ?? a))];
}
