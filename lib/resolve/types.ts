/**
 * Types of hop resolution: what owns an address seen on the way, by the inventory alone.
 */
import type { InventoryNode, InventoryPod, InventoryService } from '@/lib/inventory/types';

/** A machine outside the cluster that the user named (PODPATH_KNOWN_HOSTS): a router or a host. */
export interface KnownHost {
  ip: string;
  name: string;
  kind: 'router' | 'host';
}

export interface ResolveOptions {
  /** Outside routers and hosts to name; everything else outside the cluster is `unknown`. */
  knownHosts?: KnownHost[];
  /**
   * Name of the nodes' uplink interface. The API does not report interface names; eth1 is the
   * name in the demo clusters and the one the cluster graph draws, so it is the default.
   */
  uplinkName?: string;
}

/** A hop as a traceroute parser hands it over, before resolution. */
export interface RawHop {
  ttl: number;
  /** null for a silent hop (`*`). */
  ip: string | null;
  rttMs: number[];
  alsoFrom?: string[];
  annotations?: string[];
  host?: string | null;
}

/**
 * Everything in the inventory that can own an address, most specific first. `interface`
 * owners name the device the address lives on: the node uplink, cni0 (the podCIDR's gateway),
 * flannel.1 (the podCIDR's network address under vxlan), tunl0 / vxlan.calico / cilium_host.
 */
export type AddressOwner =
  | { kind: 'pod'; pod: InventoryPod }
  | {
      kind: 'interface';
      node: InventoryNode;
      device: 'uplink' | 'cni0' | 'flannel.1' | 'tunl0' | 'vxlan.calico' | 'cilium_host';
      /** Which fact gave the address: InternalIP, ExternalIP, podCIDR gateway, annotation... */
      how: string;
    }
  | { kind: 'host-network-pod'; pod: InventoryPod }
  | { kind: 'cluster-ip'; service: InventoryService }
  | { kind: 'load-balancer'; service: InventoryService; how: 'ingress' | 'externalIP' }
  | { kind: 'pod-range'; node: InventoryNode };
