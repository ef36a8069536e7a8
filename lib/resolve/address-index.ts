/**
 * An index from address to its owners in one inventory snapshot. Built once per snapshot
 * (snapshots are immutable values) and shared by hop resolution, endpoint references and the
 * expected path, so that all three agree on who owns an address.
 */
import type { InventoryNode, InventorySnapshot } from '@/lib/inventory/types';
import { canonicalIp, cidrContains, cidrHost, parseCidr, parseIp, type ParsedCidr } from './ip';
import type { AddressOwner } from './types';

export interface AddressIndex {
  /** Owners by canonical address, most specific first. */
  owners: Map<string, AddressOwner[]>;
  /** Every node's pod CIDRs, for addresses that fall in a node's range but belong to no pod. */
  podRanges: { cidr: ParsedCidr; node: InventoryNode }[];
}

const cache = new WeakMap<InventorySnapshot, AddressIndex>();

/** Rank of an owner kind: lower is more specific and wins in {@link lookupAddress}. */
const RANK: Record<AddressOwner['kind'], number> = {
  pod: 0,
  interface: 1,
  'host-network-pod': 2,
  'cluster-ip': 3,
  'load-balancer': 4,
  'pod-range': 5,
};

/** The flannel backend of a node, falling back to the cluster's when the node has no annotation. */
export function flannelBackend(node: InventoryNode, snap: InventorySnapshot): string | null {
  if (node.cni.plugin === 'flannel') return node.cni.backend;
  if (node.cni.plugin === 'unknown' && snap.cni.plugin === 'flannel') return snap.cni.backend;
  return null;
}

/** The tunnel device that carries a calico or cilium node's tunnel address. */
export function tunnelDevice(node: InventoryNode): 'tunl0' | 'vxlan.calico' | 'cilium_host' | null {
  if (node.cni.tunnelIP === null) return null;
  if (node.cni.plugin === 'cilium') return 'cilium_host';
  if (node.cni.plugin === 'calico') return node.cni.backend === 'vxlan' ? 'vxlan.calico' : 'tunl0';
  return null;
}

/** Builds (or returns the cached) address index of a snapshot. */
export function addressIndex(snap: InventorySnapshot): AddressIndex {
  const cached = cache.get(snap);
  if (cached) return cached;
  const owners = new Map<string, AddressOwner[]>();
  const add = (address: string | null | undefined, owner: AddressOwner) => {
    const ip = address ? canonicalIp(address) : null;
    if (!ip) return;
    const list = owners.get(ip) ?? [];
    list.push(owner);
    owners.set(ip, list);
  };

  // Pods that finished keep their IP in status although the kubelet may have handed it to a
  // new pod; the live one is the owner, so finished pods go last.
  const pods = [...snap.pods].sort((a, b) => Number(finished(a)) - Number(finished(b)));
  for (const pod of pods) {
    // A hostNetwork pod's IP is its node's: the address answers for the node, not the pod.
    for (const ip of pod.ips.length > 0 ? pod.ips : [pod.ip]) {
      add(ip, pod.hostNetwork ? { kind: 'host-network-pod', pod } : { kind: 'pod', pod });
    }
  }

  const podRanges: AddressIndex['podRanges'] = [];
  for (const node of snap.nodes) {
    add(node.internalIP, { kind: 'interface', node, device: 'uplink', how: 'InternalIP' });
    add(node.externalIP, { kind: 'interface', node, device: 'uplink', how: 'ExternalIP' });
    if (node.cni.publicIP && node.cni.publicIP !== node.internalIP) {
      add(node.cni.publicIP, { kind: 'interface', node, device: 'uplink', how: 'CNI public IP' });
    }
    const tunnel = tunnelDevice(node);
    if (tunnel) {
      add(node.cni.tunnelIP, { kind: 'interface', node, device: tunnel, how: `${tunnel} address` });
    }
    const vxlan = flannelBackend(node, snap) === 'vxlan';
    for (const text of node.podCIDRs) {
      const cidr = parseCidr(text);
      if (!cidr) continue;
      podRanges.push({ cidr, node });
      // Calico and cilium do not put the range's first address on a bridge; only bridge CNIs do.
      if (node.cni.plugin === 'flannel' || node.cni.plugin === 'unknown') {
        add(cidrHost(cidr, 1), { kind: 'interface', node, device: 'cni0', how: 'podCIDR gateway' });
      }
      // flannel vxlan gives flannel.1 the range's network address (10.244.1.0/32), and remote
      // nodes' traceroutes see it as the hop into this node.
      if (vxlan) {
        add(cidrHost(cidr, 0), {
          kind: 'interface',
          node,
          device: 'flannel.1',
          how: 'podCIDR network address (vxlan)',
        });
      }
    }
  }

  for (const service of snap.services) {
    if (!service.headless) add(service.clusterIP, { kind: 'cluster-ip', service });
    for (const ip of service.loadBalancerIngress) {
      add(ip, { kind: 'load-balancer', service, how: 'ingress' });
    }
    for (const ip of service.externalIPs) {
      add(ip, { kind: 'load-balancer', service, how: 'externalIP' });
    }
  }

  for (const list of owners.values()) list.sort((a, b) => RANK[a.kind] - RANK[b.kind]);
  const index = { owners, podRanges };
  cache.set(snap, index);
  return index;
}

/**
 * Every owner of an address, most specific first; a pod-range owner when the address lies in a
 * node's podCIDR and nothing else owns it. Empty for addresses the inventory does not know.
 */
export function lookupAddress(ip: string, snap: InventorySnapshot): AddressOwner[] {
  const canonical = canonicalIp(ip);
  if (!canonical) return [];
  const index = addressIndex(snap);
  const found = index.owners.get(canonical);
  if (found && found.length > 0) return found;
  const parsed = parseIp(canonical);
  const range = parsed ? index.podRanges.find((r) => cidrContains(r.cidr, parsed)) : undefined;
  return range ? [{ kind: 'pod-range', node: range.node }] : [];
}

function finished(pod: { phase: string }): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}
