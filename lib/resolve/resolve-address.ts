/**
 * Hop resolution: each address a probe saw, to what owns it.
 */
import type { InventorySnapshot } from '@/lib/inventory/types';
import type { HopEntity, TraceHop } from '@/lib/trace/types';
import { lookupAddress } from './address-index';
import { canonicalIp } from './ip';
import type { AddressOwner, KnownHost, RawHop, ResolveOptions } from './types';

const DEFAULT_UPLINK = 'eth1';

/** The interface name an owner's device has on the node (the uplink under its configured name). */
export function deviceName(device: string, opts: ResolveOptions = {}): string {
  return device === 'uplink' ? (opts.uplinkName ?? DEFAULT_UPLINK) : device;
}

/** The entity a trace shows for an inventory owner of an address. */
export function ownerEntity(owner: AddressOwner, opts: ResolveOptions = {}): HopEntity {
  switch (owner.kind) {
    case 'pod': {
      const { pod } = owner;
      return {
        kind: 'pod',
        namespace: pod.namespace,
        name: pod.name,
        ...(pod.nodeName ? { node: pod.nodeName } : {}),
        label: `pod ${pod.namespace}/${pod.name}${pod.nodeName ? ` on ${pod.nodeName}` : ''}`,
      };
    }
    case 'interface': {
      const name = deviceName(owner.device, opts);
      const what =
        owner.device === 'uplink'
          ? owner.how === 'InternalIP'
            ? ''
            : ` (${owner.how})`
          : owner.device === 'cni0'
            ? ' (pod gateway)'
            : owner.device === 'flannel.1'
              ? ' (flannel vxlan)'
              : ` (${owner.node.cni.plugin} tunnel)`;
      return {
        kind: 'interface',
        node: owner.node.name,
        name,
        label: `${name} of ${owner.node.name}${what}`,
      };
    }
    case 'host-network-pod': {
      // Only reached when the node itself has no matching address in the inventory.
      const node = owner.pod.nodeName;
      return node
        ? {
            kind: 'node',
            node,
            name: node,
            label: `node ${node} (host network of pod ${owner.pod.namespace}/${owner.pod.name})`,
          }
        : {
            kind: 'unknown',
            label: `host network of unscheduled pod ${owner.pod.namespace}/${owner.pod.name}`,
          };
    }
    case 'cluster-ip':
      return {
        kind: 'service',
        namespace: owner.service.namespace,
        name: owner.service.name,
        label: `ClusterIP of ${owner.service.namespace}/${owner.service.name}`,
      };
    case 'load-balancer': {
      const { service } = owner;
      const policy = service.externalTrafficPolicy
        ? ` (externalTrafficPolicy ${service.externalTrafficPolicy})`
        : '';
      const what = owner.how === 'ingress' ? 'LoadBalancer' : 'external IP';
      return {
        kind: 'loadbalancer',
        namespace: service.namespace,
        name: service.name,
        label: `${what} ${service.namespace}/${service.name}${policy}`,
      };
    }
    case 'pod-range':
      return {
        kind: 'unknown',
        node: owner.node.name,
        label: `in ${owner.node.name}'s pod range, but no pod has it`,
      };
  }
}

/** The entity of a known outside machine. */
export function knownHostEntity(host: KnownHost): HopEntity {
  return { kind: 'external', name: host.name, label: `${host.kind} ${host.name}` };
}

/** The known host with this address, if any. */
export function findKnownHost(ip: string, knownHosts: KnownHost[] = []): KnownHost | undefined {
  const canonical = canonicalIp(ip);
  return canonical ? knownHosts.find((h) => canonicalIp(h.ip) === canonical) : undefined;
}

/**
 * What owns an address: a pod, a node interface (uplink, cni0, flannel.1, tunnel devices), a
 * Service's cluster IP, a LoadBalancer ingress, a known outside machine, or `unknown`. A
 * hostNetwork pod's address resolves to its node's uplink: the node answers, not the pod.
 */
export function resolveAddress(
  ip: string,
  snap: InventorySnapshot,
  opts: ResolveOptions = {},
): HopEntity {
  if (canonicalIp(ip) === null) return { kind: 'unknown', label: 'not an IP address' };
  const owners = lookupAddress(ip, snap);
  const first = owners[0];
  // A known host only fills in what the inventory cannot tell; a pod-range hit is a guess.
  if (first && first.kind !== 'pod-range') return ownerEntity(first, opts);
  const known = findKnownHost(ip, opts.knownHosts);
  if (known) return knownHostEntity(known);
  if (first) return ownerEntity(first, opts);
  return { kind: 'unknown', label: 'not in the inventory or the known hosts' };
}

/** Resolves every answering hop of a trace; silent hops (`*`) keep a null entity. */
export function resolveHops(
  hops: RawHop[],
  snap: InventorySnapshot,
  opts: ResolveOptions = {},
): TraceHop[] {
  return hops.map((hop) => {
    const ip = hop.ip === null ? null : (canonicalIp(hop.ip) ?? hop.ip);
    const resolved: TraceHop = {
      ttl: hop.ttl,
      ip,
      rttMs: [...hop.rttMs],
      entity: ip === null ? null : resolveAddress(ip, snap, opts),
    };
    if (hop.alsoFrom !== undefined) resolved.alsoFrom = [...hop.alsoFrom];
    if (hop.annotations !== undefined) resolved.annotations = [...hop.annotations];
    if (hop.host !== undefined) resolved.host = hop.host;
    return resolved;
  });
}
