/**
 * Endpoint references (`pod:NS/NAME`, `node:NAME`, `service:NS/NAME[:PORT]`, `ip:ADDR[:PORT]`,
 * `dns:NAME[:PORT]`) resolved against the inventory. EndpointRef itself lives in lib/trace.
 */
import type {
  InventoryNode,
  InventoryPod,
  InventoryService,
  InventoryServicePort,
} from '@/lib/inventory/types';
import type { TraceEndpoint } from '@/lib/trace/types';

export type { EndpointRef } from '@/lib/trace/types';

/** Which end of a trace a reference names. */
export type EndpointRole = 'from' | 'to';

export type RefErrorCode =
  /** Malformed reference: unknown kind, bad name, bad address or port. 400. */
  | 'bad-reference'
  /** Well formed, but no such pod, node or Service. 404. */
  | 'not-found'
  /** The Service has no port with that name or number (or no ports at all). 400. */
  | 'no-port'
  /** The reference cannot play that role: a Service, ip or dns name as a source. 400. */
  | 'bad-role'
  /** A pod that cannot take part yet or any more: not scheduled, or finished. 400. */
  | 'not-running'
  /** A pod or node with no address to trace to yet. 400. */
  | 'no-address'
  /** Something podpath cannot trace, such as an ExternalName Service. 400. */
  | 'unsupported';

/** An endpoint with the inventory objects it names, for the stages after it. */
export interface ResolvedEndpoint extends TraceEndpoint {
  pod?: InventoryPod;
  /**
   * The node named, the pod's node, or the node owning the address. Not called `node`: that
   * field of TraceEndpoint already holds the node's name.
   */
  inventoryNode?: InventoryNode;
  service?: InventoryService;
  servicePort?: InventoryServicePort;
  /** Set when an ip: address is a LoadBalancer ingress (or external IP) of a Service. */
  loadBalancer?: { service: InventoryService; port: InventoryServicePort | null };
  /** Set when an ip: address is a node address and its port is some Service's NodePort. */
  nodePort?: { service: InventoryService; port: InventoryServicePort };
}
