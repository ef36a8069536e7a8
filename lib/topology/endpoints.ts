/**
 * A Service's endpoints as kube-proxy sees them, and the one a trace follows.
 */
import type {
  InventoryPod,
  InventoryService,
  InventoryServicePort,
  InventorySnapshot,
} from '@/lib/inventory/types';
import { canonicalIp } from '@/lib/resolve/ip';

export interface ServiceEndpoint {
  ip: string;
  pod: InventoryPod | null;
  node: string | null;
  ready: boolean;
  /** The port the Service port forwards to on this endpoint, when it can be told. */
  port: number | null;
}

/**
 * The endpoints of a Service, from its EndpointSlices when it has any (that is what kube-proxy
 * programs), else from its selector (a snapshot taken before the EndpointSlice controller
 * caught up). `servicePort` picks which port number each endpoint gets.
 */
export function serviceEndpoints(
  service: InventoryService,
  snap: InventorySnapshot,
  servicePort: InventoryServicePort | null = null,
): ServiceEndpoint[] {
  const slices = snap.endpointSlices.filter(
    (s) => s.namespace === service.namespace && s.serviceName === service.name,
  );
  const podsByIp = new Map<string, InventoryPod>();
  for (const p of snap.pods) {
    if (p.namespace !== service.namespace || p.hostNetwork) continue;
    for (const ip of p.ips) podsByIp.set(canonicalIp(ip) ?? ip, p);
  }
  const found = new Map<string, ServiceEndpoint>();

  if (slices.length > 0) {
    // A dual-stack Service has one slice per family with the same endpoints: keep the family
    // of its cluster IP (IPv4 when headless).
    const family = service.clusterIP?.includes(':') ? 'IPv6' : 'IPv4';
    for (const slice of slices.filter((s) => s.addressType === family)) {
      const slicePort = servicePort
        ? slice.ports.find((p) => (p.name ?? '') === (servicePort.name ?? ''))
        : undefined;
      for (const ep of slice.endpoints) {
        const ip = ep.addresses[0] ? canonicalIp(ep.addresses[0]) : null;
        if (!ip || found.has(ip)) continue;
        const pod =
          (ep.targetRef?.kind === 'Pod'
            ? snap.pods.find(
                (p) => p.namespace === ep.targetRef?.namespace && p.name === ep.targetRef?.name,
              )
            : undefined) ??
          podsByIp.get(ip) ??
          null;
        found.set(ip, {
          ip,
          pod,
          node: ep.nodeName ?? pod?.nodeName ?? null,
          // kube-proxy sends new connections to ready endpoints only; terminating ones drain.
          ready: ep.ready && !ep.terminating,
          port: slicePort?.port ?? targetPortOf(servicePort, pod),
        });
      }
    }
  } else if (service.selector && Object.keys(service.selector).length > 0) {
    const selector = service.selector;
    for (const pod of snap.pods) {
      if (pod.namespace !== service.namespace || !pod.ip) continue;
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      if (!Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) continue;
      const ip = canonicalIp(pod.ip) ?? pod.ip;
      found.set(ip, {
        ip,
        pod,
        node: pod.nodeName,
        ready: pod.ready && !pod.terminating,
        port: targetPortOf(servicePort, pod),
      });
    }
  }
  return [...found.values()];
}

/** The numeric target port, resolving a named one against the pod's container ports. */
function targetPortOf(sp: InventoryServicePort | null, pod: InventoryPod | null): number | null {
  if (!sp) return null;
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  if (/^\d+$/.test(sp.targetPort)) return Number(sp.targetPort);
  return pod?.ports.find((p) => p.name === sp.targetPort)?.containerPort ?? null;
}

/**
 * The endpoint a trace follows, among the ready ones. kube-proxy picks at random, so any choice
 * is one possible path; this one is deterministic: the source itself when it is an endpoint
 * (the hairpin case, the branch that can fail for reasons seen only at the Service), else one on
 * another node than the source (its path crosses more of the network, so more of it is tested),
 * else a local one; ties by pod name, then address.
 */
export function chooseEndpoint(
  ready: ServiceEndpoint[],
  source: { ip: string | null; node: string | null; hostNetwork: boolean },
): ServiceEndpoint | null {
  const self = !source.hostNetwork && source.ip ? canonicalIp(source.ip) : null;
  const rank = (e: ServiceEndpoint) => (e.ip === self ? 0 : e.node !== source.node ? 1 : 2);
  const name = (e: ServiceEndpoint) => (e.pod ? `${e.pod.namespace}/${e.pod.name}` : '~');
  const sorted = [...ready].sort(
    (a, b) =>
      rank(a) - rank(b) || name(a).localeCompare(name(b), 'en') || a.ip.localeCompare(b.ip, 'en'),
  );
  return sorted[0] ?? null;
}
