/**
 * A scenario cluster: the single description that both halves of the test cluster read.
 * The emulator turns it into Kubernetes objects, the network lab into namespaces, links,
 * routes and iptables rules. Addresses are written with their prefix length where the kernel
 * needs one (`192.168.56.10/24`), plain where Kubernetes shows them plain.
 */

/** A layer-2 segment: a bridge in the lab's switch namespace. */
export interface ScenarioSegment {
  name: string;
  cidr: string;
}

export interface ScenarioNode {
  name: string;
  role: 'control-plane' | 'worker';
  /** The segment eth1 plugs into. */
  segment: string;
  /** eth1 address with prefix, e.g. 192.168.56.11/24; also the node's InternalIP. */
  eth1: string;
  /** The node's pod CIDR, e.g. 10.244.1.0/24. */
  podCIDR: string;
  /** cni0 address with prefix, e.g. 10.244.1.1/24: the pods' default gateway. */
  cni0: string;
  /** Default gateway of the node's host network (a router on its segment), if any. */
  gateway?: string;
  /** Extra static routes of the node's host network, e.g. 192.168.2.0/24 via 192.168.56.1. */
  routes?: ScenarioRoute[];
  labels?: Record<string, string>;
  taints?: {
    key: string;
    value?: string;
    effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
  }[];
}

export interface ScenarioRoute {
  to: string;
  via: string;
}

/** A router or an outside host: a namespace with one leg per segment. */
export interface ScenarioHost {
  name: string;
  kind: 'router' | 'host';
  legs: { segment: string; address: string }[];
  routes?: ScenarioRoute[];
  /** TCP ports a small listener answers on. */
  listen?: number[];
}

export interface ScenarioContainerPort {
  containerPort: number;
  name?: string;
  protocol?: 'TCP' | 'UDP';
}

/** A pod toleration as the API writes it (operator defaults to Equal). */
export interface ScenarioToleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
}

export interface ScenarioPod {
  namespace: string;
  name: string;
  node: string;
  /** Fixed pod IP for scenario pods; ignored for hostNetwork pods (they get the node's eth1). */
  ip?: string;
  hostNetwork?: boolean;
  labels?: Record<string, string>;
  image: string;
  /** The container's command; scenario pods are long-running servers or idle clients. */
  command?: string[];
  ports?: ScenarioContainerPort[];
  /** Owner for display (Deployment/ReplicaSet/DaemonSet name); emulator writes ownerReferences. */
  owner?: { kind: 'ReplicaSet' | 'DaemonSet'; name: string };
  dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default';
  /**
   * Tolerations of the pod's template. Scenario pods are placed on their node directly, so
   * these are not what lets them run there; they are what the real workload carries (CoreDNS
   * tolerates the control plane's NoSchedule taint), for the API to show.
   */
  tolerations?: ScenarioToleration[];
}

export interface ScenarioServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
  nodePort?: number;
  protocol?: 'TCP' | 'UDP';
}

export interface ScenarioService {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** 'None' for a headless Service. */
  clusterIP: string;
  ports: ScenarioServicePort[];
  selector?: Record<string, string>;
  loadBalancerIngress?: string[];
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

export interface ScenarioNetworkPolicy {
  namespace: string;
  name: string;
  podSelector: Record<string, string>;
  policyTypes: ('Ingress' | 'Egress')[];
  /** Raw spec.ingress / spec.egress as the API writes them; empty arrays deny all. */
  ingress?: unknown[];
  egress?: unknown[];
}

export interface ScenarioDaemonSet {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  image: string;
  hostNetwork: boolean;
}

/** The defects the scenarios switch on; each has a fix that the lab can apply at run time. */
export interface ScenarioDefects {
  /** S2: the CNI bridge has no hairpin mode and nothing masquerades hairpin traffic. */
  noHairpin: boolean;
  /** S4: the service proxy does not capture host-network traffic to external/LB IPs. */
  hostNetworkExternalIPNotCaptured: boolean;
  /** S5: nodes do not masquerade pod traffic that leaves the pod network. */
  noPodEgressMasquerade: boolean;
}

export interface Scenario {
  /** Cluster and kubeconfig context name. */
  name: string;
  kubernetesVersion: string;
  cni: { plugin: 'flannel'; backend: 'host-gw' | 'vxlan' };
  /** Name of the node's uplink, eth1 in the Vagrant clusters of article 003, eth0 on k3s. */
  nodeInterface: string;
  podNetwork: string;
  serviceNetwork: string;
  segments: ScenarioSegment[];
  nodes: ScenarioNode[];
  hosts: ScenarioHost[];
  namespaces: string[];
  pods: ScenarioPod[];
  services: ScenarioService[];
  networkPolicies: ScenarioNetworkPolicy[];
  daemonSets: ScenarioDaemonSet[];
  defects: ScenarioDefects;
}

/** The label CoreDNS pods carry and the kube-dns Service selects, in kubeadm and k3s alike. */
export const CLUSTER_DNS_LABEL = { key: 'k8s-app', value: 'kube-dns' } as const;

/** A pod of the cluster's DNS: a kube-system pod labelled k8s-app=kube-dns (CoreDNS). */
export function isClusterDnsPod(pod: ScenarioPod): boolean {
  return (
    pod.namespace === 'kube-system' &&
    pod.labels?.[CLUSTER_DNS_LABEL.key] === CLUSTER_DNS_LABEL.value
  );
}
