/**
 * The subset of the Kubernetes wire format (the JSON the API server and `kubectl get -o json`
 * emit) that the inventory reads. Every field is optional because real objects omit empty
 * fields and saved dumps may be trimmed; the reshaping functions supply the API's defaults.
 */

export interface WireObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
}

export interface WireObject {
  apiVersion?: string;
  kind?: string;
  metadata?: WireObjectMeta;
}

export interface WireCondition {
  type?: string;
  status?: string;
}

export interface WireNode extends WireObject {
  spec?: {
    podCIDR?: string;
    podCIDRs?: string[];
    taints?: { key?: string; value?: string; effect?: string }[];
  };
  status?: {
    addresses?: { type?: string; address?: string }[];
    conditions?: WireCondition[];
  };
}

export interface WireContainerPort {
  containerPort?: number;
  name?: string;
  protocol?: string;
}

export interface WireContainer {
  name?: string;
  image?: string;
  ports?: WireContainerPort[];
}

export interface WireContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string };
}

export interface WireContainerStatus {
  name?: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: WireContainerState;
}

export interface WirePod extends WireObject {
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: WireContainer[];
    initContainers?: WireContainer[];
    ephemeralContainers?: WireContainer[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip?: string }[];
    conditions?: WireCondition[];
    containerStatuses?: WireContainerStatus[];
    ephemeralContainerStatuses?: WireContainerStatus[];
  };
}

export interface WireServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

export interface WireService extends WireObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: WireServicePort[];
    selector?: Record<string, string>;
    externalIPs?: string[];
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
  };
  status?: {
    loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
  };
}

export interface WireEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string };
}

export interface WireEndpointSlice extends WireObject {
  addressType?: string;
  endpoints?: WireEndpoint[] | null;
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
}

export interface WireLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

export interface WireNetworkPolicy extends WireObject {
  spec?: {
    podSelector?: WireLabelSelector;
    policyTypes?: string[];
    ingress?: unknown[];
    egress?: unknown[];
  };
}

export interface WireDaemonSet extends WireObject {
  spec?: {
    template?: {
      spec?: {
        hostNetwork?: boolean;
        containers?: WireContainer[];
        initContainers?: WireContainer[];
      };
    };
  };
}

/** A `kind: List` (kubectl) or `kind: PodList` style document. */
export interface WireList {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}
