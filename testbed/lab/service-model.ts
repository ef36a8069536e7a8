/**
 * Reads raw v1 Service and discovery.k8s.io/v1 EndpointSlice JSON (as the emulator stores it)
 * into the few facts a service proxy needs: the service ports with their frontends, and the
 * ready endpoints of each port with the node they run on. kube-proxy reads the same fields.
 */
import type { KubeObject } from '../emulator/store';

export type Protocol = 'TCP' | 'UDP';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  nodeName: string | null;
}

export interface ProxyServicePort {
  /** `namespace/name:portName` (or `namespace/name` for an unnamed port), as kube-proxy names it. */
  id: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: Protocol;
  clusterIP: string | null;
  port: number;
  nodePort: number | null;
  /** LoadBalancer ingress IPs and spec.externalIPs. */
  externalIPs: string[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** Ready endpoints, deduplicated and sorted by address for stable rules. */
  endpoints: ProxyEndpoint[];
}

export interface DnsService {
  namespace: string;
  name: string;
  /** ClusterIP, or the ready endpoint addresses of a headless Service. */
  addresses: string[];
  headless: boolean;
}

interface RawPort {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
}

interface RawEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function array<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function protocolOf(value: unknown): Protocol | null {
  const p = typeof value === 'string' ? value : 'TCP';
  return p === 'TCP' || p === 'UDP' ? p : null;
}

function serviceKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}

/** The Service an EndpointSlice belongs to (label kubernetes.io/service-name). */
function sliceOwner(slice: KubeObject): string | null {
  const name = slice.metadata.labels?.['kubernetes.io/service-name'];
  return name ? serviceKey(slice.metadata.namespace, name) : null;
}

/** Ready endpoints per Service and port name, from every slice of that Service. */
function endpointsByService(
  slices: KubeObject[],
): Map<string, Map<string, { protocol: Protocol; endpoints: ProxyEndpoint[] }>> {
  const out = new Map<string, Map<string, { protocol: Protocol; endpoints: ProxyEndpoint[] }>>();
  for (const slice of slices) {
    const owner = sliceOwner(slice);
    if (!owner || (slice.addressType !== undefined && slice.addressType !== 'IPv4')) continue;
    const byPort = out.get(owner) ?? new Map();
    out.set(owner, byPort);
    for (const port of array<RawPort>(slice.ports)) {
      const protocol = protocolOf(port.protocol);
      if (!protocol || typeof port.port !== 'number') continue;
      const key = `${port.name ?? ''}/${protocol}`;
      const entry = byPort.get(key) ?? { protocol, endpoints: [] };
      byPort.set(key, entry);
      for (const ep of array<RawEndpoint>(slice.endpoints)) {
        // A missing ready condition means ready, as the EndpointSlice API defines it.
        if (ep.conditions?.ready === false) continue;
        for (const ip of array<string>(ep.addresses)) {
          if (!entry.endpoints.some((e: ProxyEndpoint) => e.ip === ip && e.port === port.port)) {
            entry.endpoints.push({ ip, port: port.port, nodeName: ep.nodeName ?? null });
          }
        }
      }
    }
  }
  return out;
}

function ipOrder(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Turns Services and EndpointSlices into service ports for the proxy. Headless and
 * ExternalName Services get none (kube-proxy ignores them). Unknown protocols are skipped.
 */
export function proxyServicePorts(
  services: KubeObject[],
  slices: KubeObject[],
): ProxyServicePort[] {
  const endpoints = endpointsByService(slices);
  const out: ProxyServicePort[] = [];
  for (const svc of services) {
    const spec = record(svc.spec);
    const status = record(svc.status);
    const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
    if (type === 'ExternalName') continue;
    const clusterIP =
      typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && spec.clusterIP !== 'None'
        ? spec.clusterIP
        : null;
    if (!clusterIP) continue;
    const key = serviceKey(svc.metadata.namespace, svc.metadata.name);
    const ingress = array<{ ip?: string }>(record(status.loadBalancer).ingress)
      .map((i) => i.ip)
      .filter((ip): ip is string => typeof ip === 'string');
    const externalIPs = [
      ...(type === 'LoadBalancer' ? ingress : []),
      ...array<string>(spec.externalIPs),
    ];
    const policy =
      spec.externalTrafficPolicy === 'Local' && (type === 'LoadBalancer' || type === 'NodePort')
        ? 'Local'
        : 'Cluster';
    for (const port of array<RawPort>(spec.ports)) {
      const protocol = protocolOf(port.protocol);
      if (!protocol || typeof port.port !== 'number') continue;
      const portName = port.name ?? '';
      const eps = endpoints.get(key)?.get(`${portName}/${protocol}`)?.endpoints ?? [];
      out.push({
        id: portName ? `${key}:${portName}` : key,
        namespace: svc.metadata.namespace ?? 'default',
        service: svc.metadata.name,
        portName,
        protocol,
        clusterIP,
        port: port.port,
        nodePort:
          (type === 'NodePort' || type === 'LoadBalancer') && typeof port.nodePort === 'number'
            ? port.nodePort
            : null,
        externalIPs,
        externalTrafficPolicy: policy,
        endpoints: [...eps].sort((a, b) => ipOrder(a.ip, b.ip) || a.port - b.port),
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id) || a.protocol.localeCompare(b.protocol));
}

/** What cluster DNS answers for each Service: its ClusterIP, or a headless Service's pods. */
export function dnsServices(services: KubeObject[], slices: KubeObject[]): DnsService[] {
  const byService = new Map<string, Set<string>>();
  for (const slice of slices) {
    const owner = sliceOwner(slice);
    if (!owner) continue;
    const set = byService.get(owner) ?? new Set<string>();
    byService.set(owner, set);
    for (const ep of array<RawEndpoint>(slice.endpoints)) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of array<string>(ep.addresses)) set.add(ip);
    }
  }
  const out: DnsService[] = [];
  for (const svc of services) {
    const spec = record(svc.spec);
    if (spec.type === 'ExternalName') continue;
    const namespace = svc.metadata.namespace ?? 'default';
    const headless = spec.clusterIP === 'None';
    const addresses = headless
      ? [...(byService.get(serviceKey(namespace, svc.metadata.name)) ?? [])].sort(ipOrder)
      : typeof spec.clusterIP === 'string' && spec.clusterIP !== ''
        ? [spec.clusterIP]
        : [];
    out.push({ namespace, name: svc.metadata.name, addresses, headless });
  }
  return out;
}
