/**
 * The slices of the Kubernetes wire types that the emulator's controllers read and write, and
 * small helpers shared by them. Objects in the store are plain JSON; these types describe the
 * fields the controllers rely on, every one optional where the API lets a client omit it.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../store';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface ContainerPort {
  containerPort: number;
  name?: string;
  protocol?: string;
  hostPort?: number;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: ContainerPort[];
  resources?: {
    limits?: Record<string, string>;
    requests?: Record<string, string>;
  };
  securityContext?: {
    capabilities?: { add?: string[]; drop?: string[] };
    runAsNonRoot?: boolean;
    runAsUser?: number;
    [key: string]: unknown;
  };
  targetContainerName?: string;
  [key: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  activeDeadlineSeconds?: number;
  schedulerName?: string;
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  [key: string]: unknown;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
    signal?: number;
  };
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: PodCondition[];
  message?: string;
  reason?: string;
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
  qosClass?: string;
  [key: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

export interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; taints?: Taint[]; unschedulable?: boolean };
  status?: {
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
    [key: string]: unknown;
  };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  nodePort?: number;
  appProtocol?: string;
}

export interface ServiceObject extends KubeObject {
  spec: {
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    publishNotReadyAddresses?: boolean;
    type?: string;
    [key: string]: unknown;
  };
}

export const RESOURCES = {
  pods: 'pods',
  nodes: 'nodes',
  services: 'services',
  configmaps: 'configmaps',
  namespaces: 'namespaces',
  events: 'events',
  endpointslices: 'endpointslices.discovery.k8s.io',
  networkpolicies: 'networkpolicies.networking.k8s.io',
  daemonsets: 'daemonsets.apps',
  deployments: 'deployments.apps',
  replicasets: 'replicasets.apps',
} as const;

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function timestamp(at: number = Date.now()): string {
  return new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function podKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The node's InternalIP (its eth1 address in the scenarios). */
export function nodeInternalIP(node: NodeObject): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** A Service's plain equality selector (spec.selector), matched as labels.SelectorFromSet. */
export function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** metav1.LabelSelector semantics; an empty selector matches everything. */
export function labelSelectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  if (!selectorMatches(selector.matchLabels ?? {}, labels)) return false;
  return (selector.matchExpressions ?? []).every((req) => {
    const has = labels !== undefined && Object.hasOwn(labels, req.key);
    const value = labels?.[req.key];
    switch (req.operator) {
      case 'In':
        return has && (req.values ?? []).includes(value ?? '');
      case 'NotIn':
        return !has || !(req.values ?? []).includes(value ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
    return false;
  });
}

/** The alphabet apimachinery's rand.String draws from (no vowels, no confusable digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A generateName suffix as the API server makes them, e.g. the `x7k2p` of `httpd-x7k2p`. */
export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length];
  return out;
}

/** Sets (or replaces) one condition, moving lastTransitionTime only when the status flips. */
export function setCondition(
  conditions: PodCondition[],
  next: Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>,
  at: string,
): void {
  const i = conditions.findIndex((c) => c.type === next.type);
  const current = i >= 0 ? conditions[i] : undefined;
  const merged: PodCondition = {
    type: next.type,
    status: next.status,
    lastProbeTime: null,
    lastTransitionTime:
      current && current.status === next.status && current.lastTransitionTime
        ? current.lastTransitionTime
        : at,
  };
  if (next.reason) merged.reason = next.reason;
  if (next.message) merged.message = next.message;
  if (i >= 0) conditions[i] = merged;
  else conditions.push(merged);
}

/** Milliseconds to wait; controllers space their writes so watchers see distinct steps. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Structural equality of JSON values, for "write only when something changed". */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bArr = b as unknown[];
    return a.length === bArr.length && a.every((v, i) => jsonEqual(v, bArr[i]));
  }
  const aObj = a as Record<string, unknown>;
  const bObj = b as Record<string, unknown>;
  const aKeys = Object.keys(aObj).filter((k) => aObj[k] !== undefined);
  const bKeys = Object.keys(bObj).filter((k) => bObj[k] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((k) => jsonEqual(aObj[k], bObj[k]));
}
