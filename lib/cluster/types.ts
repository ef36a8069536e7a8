/**
 * What callers of lib/cluster hand in: podpath's own minimal manifests for the pods and
 * ephemeral containers probes create. They are written in the API's field names so that the
 * door can send them as they are.
 */
import type { InventoryPod } from '../inventory/types';

export interface PodRef {
  namespace: string;
  name: string;
}

export interface ContainerManifest {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  env?: { name: string; value: string }[];
  securityContext?: ContainerSecurityContext;
  /** Not allowed on ephemeral containers (the API server refuses them there). */
  resources?: {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  };
}

/** seccomp profile as the API spells it; probes use RuntimeDefault (restricted PSS). */
export interface SeccompProfile {
  type: 'RuntimeDefault' | 'Localhost' | 'Unconfined';
  localhostProfile?: string;
}

export interface ContainerSecurityContext {
  capabilities?: { add?: string[]; drop?: string[] };
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  seccompProfile?: SeccompProfile;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** A term's expressions and fields must all hold; terms of a selector are ORed. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  /** Only `metadata.name` is a valid field key for nodes. */
  matchFields?: NodeSelectorRequirement[];
}

/** The node affinity part of a pod's affinity (probes pin themselves with the required kind). */
export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
  };
}

export interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  seccompProfile?: SeccompProfile;
}

export interface EphemeralContainerManifest extends ContainerManifest {
  /** Share this container's process namespace (kubectl debug --target). */
  targetContainerName?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface PodManifest {
  metadata: {
    namespace: string;
    /** One of name or generateName. */
    name?: string;
    generateName?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    containers: ContainerManifest[];
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    affinity?: Affinity;
    securityContext?: PodSecurityContext;
    hostNetwork?: boolean;
    dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
    tolerations?: Toleration[];
    terminationGracePeriodSeconds?: number;
    activeDeadlineSeconds?: number;
    automountServiceAccountToken?: boolean;
    enableServiceLinks?: boolean;
  };
}

export interface ReadLogOptions extends PodRef {
  container?: string;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  previous?: boolean;
}

export interface AccessReviewRequest {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  /** API group; '' (core) by default. */
  group?: string;
  name?: string;
}

export interface AccessReviewResult {
  allowed: boolean;
  /** True when an authorizer explicitly denied (rather than merely not allowed). */
  denied: boolean;
  reason: string | null;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The cluster operations the trace engine's probes use. Every method fails with ClusterError
 * and returns podpath's types only.
 */
export interface ClusterClient {
  /** kubeconfig context this client talks to. */
  readonly context: string;
  /** Creates a pod; podpath's managed-by label is always added so probes can be found. */
  createPod(manifest: PodManifest): Promise<InventoryPod>;
  getPod(ref: PodRef): Promise<InventoryPod>;
  /** Deletes a pod; resolves false when it was already gone. */
  deletePod(ref: PodRef & { gracePeriodSeconds?: number }): Promise<boolean>;
  readPodLog(options: ReadLogOptions): Promise<string>;
  /**
   * Streams a started container's log as it is written, until the container stops or the
   * signal aborts. The log read after termination stays the authoritative one.
   */
  followPodLog(
    ref: PodRef,
    container: string,
    onChunk: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Watches one pod until `predicate` holds and returns the pod as it was then (null: the pod
   * does not exist). Fails with ClusterError timeout after `timeoutMs`.
   */
  waitForPod(
    ref: PodRef,
    predicate: (pod: InventoryPod | null) => boolean,
    options: WaitOptions,
  ): Promise<InventoryPod | null>;
  /** Adds an ephemeral container to a running pod (kubectl debug's patch). */
  patchEphemeralContainers(
    ref: PodRef,
    container: EphemeralContainerManifest,
  ): Promise<InventoryPod>;
  listPods(options?: {
    namespace?: string;
    labelSelector?: string;
    fieldSelector?: string;
  }): Promise<InventoryPod[]>;
  /** May the current user do this? Asks the API server (SelfSubjectAccessReview). */
  selfSubjectAccessReview(request: AccessReviewRequest): Promise<AccessReviewResult>;
}
