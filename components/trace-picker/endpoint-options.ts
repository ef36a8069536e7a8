/**
 * What a trace can start from or go to, as the pickers offer it: every pod, node, Service and
 * LoadBalancer IP of the inventory, plus whatever the user types (an address, a DNS name, a
 * reference written out). Pure, so the pickers and the graph agree on refs and ids.
 */
import type { InventorySnapshot } from '@/lib/inventory/types';
import { parseEndpointRef, formatEndpointRef } from '@/lib/refs/parse';

export type EndpointOptionKind = 'pod' | 'node' | 'service' | 'loadbalancer' | 'ip' | 'dns';

export interface EndpointOption {
  /** The reference the API takes (`pod:default/httpd`, `ip:192.168.56.241:38001`). */
  ref: string;
  kind: EndpointOptionKind;
  /** The cluster graph element that stands for it, when the graph draws one. */
  graphId: string | null;
  /** First line: the name. */
  label: string;
  /** Second line: address, node, type. */
  detail: string;
  /** Lower-case text searched by the picker. */
  search: string;
}

/** Every endpoint of the snapshot: pods (probe pods left out), nodes, Services, LB IPs. */
export function endpointOptions(snapshot: InventorySnapshot): EndpointOption[] {
  const out: EndpointOption[] = [];
  const pods = snapshot.pods
    .filter((p) => !p.isProbe)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  for (const p of pods) {
    const ref = `pod:${p.namespace}/${p.name}`;
    const detail = [
      p.ip ?? 'no IP',
      p.nodeName ? `on ${p.nodeName}` : 'unscheduled',
      p.hostNetwork ? 'host network' : null,
    ]
      .filter(Boolean)
      .join(' · ');
    out.push(option(ref, 'pod', ref, `${p.namespace}/${p.name}`, detail));
  }
  for (const n of [...snapshot.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    const ref = `node:${n.name}`;
    out.push(option(ref, 'node', ref, n.name, `node · ${n.internalIP ?? 'no InternalIP'}`));
  }
  const services = [...snapshot.services].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
  for (const s of services) {
    const id = `service:${s.namespace}/${s.name}`;
    const ports = s.ports.map((p) => String(p.port)).join(', ');
    const address = s.headless ? 'headless' : (s.clusterIP ?? 'no cluster IP');
    out.push(
      option(id, 'service', id, `${s.namespace}/${s.name}`, `${s.type} · ${address} · ${ports}`),
    );
  }
  for (const s of services) {
    const port = s.ports[0]?.port;
    for (const ip of [...s.loadBalancerIngress, ...s.externalIPs]) {
      const ref = port ? `ip:${ip}:${port}` : `ip:${ip}`;
      const policy = s.externalTrafficPolicy === 'Local' ? ' · policy Local' : '';
      out.push(
        option(
          ref,
          'loadbalancer',
          `service:${s.namespace}/${s.name}`,
          port ? `${ip}:${port}` : ip,
          `LoadBalancer of ${s.namespace}/${s.name}${policy}`,
        ),
      );
    }
  }
  return out;
}

function option(
  ref: string,
  kind: EndpointOptionKind,
  graphId: string | null,
  label: string,
  detail: string,
): EndpointOption {
  return { ref, kind, graphId, label, detail, search: `${ref} ${label} ${detail}`.toLowerCase() };
}

/**
 * What a typed text means as an endpoint, or null: a reference written out (`pod:ns/name`), an
 * IP address with an optional port, or a DNS name. Checked by the same parser as the server.
 */
export function typedEndpoint(text: string): EndpointOption | null {
  const t = text.trim();
  if (!t) return null;
  const candidates = /^(pod|node|service|ip|dns):/.test(t)
    ? [t]
    : /^[0-9.]+(:\d+)?$/.test(t) || /^\[?[0-9a-f:]+\]?(:\d+)?$/i.test(t)
      ? [`ip:${t}`]
      : /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?$/i.test(t) && t.includes('.')
        ? [`dns:${t}`]
        : [];
  for (const c of candidates) {
    try {
      const ref = formatEndpointRef(parseEndpointRef(c));
      const kind = ref.slice(0, ref.indexOf(':')) as EndpointOptionKind;
      const label = ref.slice(ref.indexOf(':') + 1);
      const detail =
        kind === 'ip'
          ? 'an address, inside or outside the cluster'
          : kind === 'dns'
            ? 'a DNS name, resolved from the source'
            : 'as typed';
      return option(ref, kind, null, label, detail);
    } catch {
      // Not a valid reference: nothing to offer.
    }
  }
  return null;
}

/** Options whose text holds every word of the query, best first (name prefix, then the rest). */
export function searchEndpoints(
  options: readonly EndpointOption[],
  query: string,
  limit = 60,
): EndpointOption[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return options.slice(0, limit);
  const scored: { o: EndpointOption; score: number; i: number }[] = [];
  options.forEach((o, i) => {
    if (!words.every((w) => o.search.includes(w))) return;
    const name = o.label.toLowerCase();
    const first = words[0] ?? '';
    const score = name === first ? 0 : name.startsWith(first) || name.includes(`/${first}`) ? 1 : 2;
    scored.push({ o, score, i });
  });
  scored.sort((a, b) => a.score - b.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.o);
}

/**
 * The reference a click on a graph element stands for: pods, nodes and Services as themselves,
 * hops of a drawn trace by their address. Interfaces and the network bar stand for nothing.
 */
export function refForGraphId(id: string): string | null {
  if (/^(pod|node|service):/.test(id)) return id;
  const hop = /^(loadbalancer|external):(.+)$/.exec(id);
  if (hop?.[2]) return `ip:${hop[2]}`;
  return null;
}

/** The graph element a reference is drawn as, if any (a Service's port is left out). */
export function graphIdForRef(ref: string, options: readonly EndpointOption[]): string | null {
  const known = options.find((o) => o.ref === ref);
  if (known) return known.graphId;
  const svc = /^service:([^/]+)\/([^:]+)(:.+)?$/.exec(ref);
  if (svc) return `service:${svc[1]}/${svc[2]}`;
  if (/^(pod|node):/.test(ref)) return ref;
  const ip = /^ip:(.+?)(:\d+)?$/.exec(ref);
  if (ip) {
    const owner = options.find(
      (o) => o.kind !== 'loadbalancer' && o.detail.startsWith(`${ip[1]} `),
    );
    const lb = options.find((o) => o.kind === 'loadbalancer' && o.label.split(':')[0] === ip[1]);
    return owner?.graphId ?? lb?.graphId ?? null;
  }
  return null;
}
