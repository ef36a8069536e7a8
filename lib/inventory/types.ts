/**
 * podpath's own view of a cluster. lib/cluster reshapes the API's wire objects into these at the
 * door; nothing past it sees a V1Pod. Every field is what the trace engine and the UI need.
 */

export type Labels = Record<string, string>;

export type CniPlugin = 'flannel' | 'calico' | 'cilium' | 'unknown';

export interface InventoryNode {
  name: string;
  internalIP: string | null;
  externalIP: string | null;
  podCIDRs: string[];
  ready: boolean;
  labels: Labels;
  /** Taints, for scheduling probes that tolerate everything and for display. */
  taints: { key: string; value?: string; effect: string }[];
  /** CNI facts read from node annotations. */
  cni: {
    plugin: CniPlugin;
    /** flannel.alpha.coreos.com/backend-type: host-gw, vxlan, ... */
    backend: string | null;
    /** flannel.alpha.coreos.com/public-ip or the calico/cilium equivalent. */
    publicIP: string | null;
    /** calico tunl0 / cilium_host address, where the annotations give one. */
    tunnelIP: string | null;
  };
}

export interface InventoryContainerPort {
  containerPort: number;
  name: string | null;
  protocol: string;
}

export interface InventoryPod {
  namespace: string;
  name: string;
  uid: string;
  ip: string | null;
  ips: string[];
  nodeName: string | null;
  hostNetwork: boolean;
  labels: Labels;
  phase: string;
  ready: boolean;
  ports: InventoryContainerPort[];
  /** Owning controller, e.g. {kind:'ReplicaSet', name:'...'}. */
  owner: { kind: string; name: string } | null;
  /** podpath's own probe pods carry app.kubernetes.io/managed-by=podpath. */
  isProbe: boolean;
  /** True once the API server has set metadata.deletionTimestamp. */
  terminating?: boolean;
  /**
   * Container and ephemeral-container states from status, so that probes can tell a finished
   * traceroute from a running one. Optional only so that hand-written fixtures may omit it; the
   * reshaping in lib/inventory always fills it.
   */
  containers?: InventoryContainerStatus[];
}

export interface InventoryContainerStatus {
  name: string;
  /** True for containers from spec.ephemeralContainers (kubectl debug style probes). */
  ephemeral: boolean;
  image: string;
  ready: boolean;
  restartCount: number;
  /** 'waiting' also covers a declared container with no status yet. */
  state: 'waiting' | 'running' | 'terminated';
  /** Waiting or terminated reason: ContainerCreating, Completed, Error, ... */
  reason: string | null;
  message: string | null;
  exitCode: number | null;
}

export interface InventoryServicePort {
  name: string | null;
  port: number;
  targetPort: number | string;
  nodePort: number | null;
  protocol: string;
}

export interface InventoryService {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** null for headless Services (clusterIP None). */
  clusterIP: string | null;
  headless: boolean;
  ports: InventoryServicePort[];
  selector: Labels | null;
  loadBalancerIngress: string[];
  externalIPs: string[];
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
  internalTrafficPolicy: 'Cluster' | 'Local' | null;
}

export interface InventoryEndpoint {
  addresses: string[];
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName: string | null;
  targetRef: { kind: string; namespace: string; name: string } | null;
}

export interface InventoryEndpointSlice {
  namespace: string;
  name: string;
  serviceName: string | null;
  addressType: string;
  endpoints: InventoryEndpoint[];
  ports: { name: string | null; port: number | null; protocol: string }[];
}

export interface InventoryNetworkPolicy {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  policyTypes: ('Ingress' | 'Egress')[];
  /** Rules kept in the API's shape; the network-policy rule reads them. */
  ingress: unknown[];
  egress: unknown[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface InventoryDaemonSet {
  namespace: string;
  name: string;
  labels: Labels;
  images: string[];
  hostNetwork: boolean;
}

/** The resources the inventory watches, named as the API's plural resource names. */
export type InventoryResource =
  'nodes' | 'pods' | 'services' | 'endpointslices' | 'networkpolicies' | 'daemonsets';

export const INVENTORY_RESOURCES: readonly InventoryResource[] = [
  'nodes',
  'pods',
  'services',
  'endpointslices',
  'networkpolicies',
  'daemonsets',
];

/** The CNI podpath believes the cluster runs, and why. */
export interface CniInfo {
  plugin: CniPlugin;
  backend: string | null;
  evidence: string[];
}

/** A consistent copy of everything the inventory knows, handed to the pure pipeline stages. */
export interface InventorySnapshot {
  cluster: string;
  /** Monotonic counter bumped on every change, for cheap change detection in the UI. */
  revision: number;
  nodes: InventoryNode[];
  pods: InventoryPod[];
  services: InventoryService[];
  endpointSlices: InventoryEndpointSlice[];
  networkPolicies: InventoryNetworkPolicy[];
  daemonSets: InventoryDaemonSet[];
  cni: CniInfo;
}
