/**
 * The expected path: what the topology says a packet from one endpoint to another crosses,
 * before any probe runs. The probe stage traceroutes `traceTarget` and connects to
 * `connectTarget`; lib/path merges what it saw into these elements.
 */
import type { PathElement } from '@/lib/trace/types';
import type { KnownHost } from '@/lib/resolve/types';

/**
 * The route class:
 * - `same-node`: pod to pod on one node, across the node's bridge (cni0).
 * - `host-network`: from a node's host network (node or hostNetwork pod) into a pod on it.
 * - `host-gw`: pod network across nodes routed over the node network (flannel host-gw).
 * - `vxlan`: pod network across nodes through flannel.1 (flannel vxlan).
 * - `overlay-unknown`: pod network across nodes by a CNI or backend podpath does not model
 *   hop by hop; seen hops are matched by address only.
 * - `to-node`: to a node's host network (a node, a hostNetwork pod).
 * - `to-outside`: to an address outside the cluster.
 * For Services and LoadBalancers, the class of the route to the chosen endpoint.
 */
export type PathKind =
  'same-node' | 'host-gw' | 'vxlan' | 'overlay-unknown' | 'to-node' | 'to-outside' | 'host-network';

/** A path element as the topology predicts it, with what it would answer a traceroute from. */
export interface ExpectedElement extends PathElement {
  source: 'expected';
  /**
   * Addresses this element answers a traceroute probe from, at its place in this path. Empty
   * for elements that never answer: the interface a node sends out of (a router answers from
   * the interface the probe came in on), a bridge crossed at layer 2, a Service's DNAT.
   */
  answers: string[];
}

export interface ExpectedPath {
  kind: PathKind;
  elements: ExpectedElement[];
  /**
   * What the probe should traceroute to: a pod, node or outside address, never a cluster IP
   * (a Service's virtual address does not answer traceroute: the path to the endpoint
   * kube-proxy would pick is traced instead). null when nothing is worth tracing: a Service
   * with no ready endpoint, the hairpin case (the source is the endpoint drawn, and a trace to
   * its own address never leaves it), a dns: name not looked up yet. The engine then only
   * connects.
   */
  traceTarget: { ip: string; port: number | null } | null;
  /** Index in `elements` of the element traceTarget names; null when traceTarget is null. */
  traceEnd: number | null;
  /** The Service / LoadBalancer / ip:port as the user named it, when a port is known. */
  connectTarget: { ip: string; port: number } | null;
  via: {
    service?: { namespace: string; name: string; clusterIP: string | null; port: number | null };
    loadBalancer?: { ip: string; service: string; externalTrafficPolicy: string | null };
    nodePort?: { ip: string; node: string; port: number; service: string };
    /** The endpoint drawn; `pod` is `NAMESPACE/NAME`. */
    endpoint?: { ip: string; pod: string | null; node: string | null; port: number | null };
    /** How many ready endpoints kube-proxy chooses among (0: nothing answers). */
    readyEndpoints?: number;
  };
  sourceNode: string | null;
  notes: string[];
}

export interface TopologyOptions {
  knownHosts?: KnownHost[];
  /** The nodes' uplink interface name; eth1 (the cluster graph's) unless told. */
  uplinkName?: string;
}
