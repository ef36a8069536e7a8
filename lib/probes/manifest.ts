/**
 * The parts every probe manifest shares: labels that mark it as podpath's, annotations that
 * keep what labels cannot hold, the node pin, and the security context the image needs.
 */
import { createHash } from 'node:crypto';
import type { Affinity, ContainerSecurityContext, PodSecurityContext } from '../cluster/types';
import { imageFlavor } from './commands';
import { PROBE_ANNOTATIONS, PROBE_LABELS, type ProbeSpec } from './types';

/** generateName of probe pods: the API server appends five random characters. */
export const PROBE_GENERATE_NAME = 'podpath-probe-';

/** The probe pod's one container. */
export const PROBE_CONTAINER = 'probe';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** True when `value` may be a label value (63 characters at most, alphanumeric ends). */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * A label value standing for `value`: itself when it is one, else a stable hash (`h-` and 40
 * hex), so that a long or oddly shaped trace id still selects its probes.
 */
export function labelValueFor(value: string): string {
  if (isLabelValue(value)) return value;
  return `h-${createHash('sha256').update(value).digest('hex').slice(0, 40)}`;
}

/** The node a spec's probe runs on. */
export function probeNode(spec: Pick<ProbeSpec, 'source'>): string {
  return spec.source.node;
}

function targetText(spec: ProbeSpec): string {
  const host = spec.target.ip ?? spec.target.name ?? '';
  const shown = host.includes(':') ? `[${host}]` : host;
  return spec.target.port !== undefined ? `${shown}:${spec.target.port}` : host;
}

function sourceText(spec: ProbeSpec): string {
  return spec.source.kind === 'pod'
    ? `pod:${spec.source.namespace}/${spec.source.name}`
    : `node:${spec.source.node}`;
}

/**
 * Labels of a probe: managed-by podpath (how orphans are found), the trace id, the strategy,
 * and the node when its name fits a label value (node names may have up to 253 characters).
 */
export function probeLabels(spec: ProbeSpec): Record<string, string> {
  const node = probeNode(spec);
  return {
    [PROBE_LABELS.managedBy]: PROBE_LABELS.managedByValue,
    [PROBE_LABELS.name]: PROBE_LABELS.nameValue,
    [PROBE_LABELS.traceId]: labelValueFor(spec.traceId),
    [PROBE_LABELS.strategy]: spec.strategy,
    ...(isLabelValue(node) ? { [PROBE_LABELS.node]: node } : {}),
  };
}

/** Annotations: the full node name, trace id, source and target, whatever their length. */
export function probeAnnotations(spec: ProbeSpec): Record<string, string> {
  return {
    [PROBE_ANNOTATIONS.node]: probeNode(spec),
    [PROBE_ANNOTATIONS.traceId]: spec.traceId,
    [PROBE_ANNOTATIONS.source]: sourceText(spec),
    [PROBE_ANNOTATIONS.target]: targetText(spec),
    [PROBE_ANNOTATIONS.kind]: spec.kind,
  };
}

/**
 * Required node affinity on exactly one node. Not `nodeName`: that bypasses the scheduler, so a
 * pod the node cannot take (taints, resources) is rejected by the kubelet instead of waiting
 * with a reason. `metadata.name` in matchFields is the exact pin (as DaemonSets use); when the
 * node's `kubernetes.io/hostname` label is known it is required in the same term too.
 */
export function nodeAffinity(node: string, hostnameLabel?: string): Affinity {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }],
            ...(hostnameLabel
              ? {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: [hostnameLabel] },
                  ],
                }
              : {}),
          },
        ],
      },
    },
  };
}

export interface ProbeSecurity {
  pod: PodSecurityContext;
  container: ContainerSecurityContext;
  notes: string[];
}

/**
 * Security contexts for the image. podpath's probe image meets the restricted Pod Security
 * level: non-root (the image's USER 65534), no capabilities, RuntimeDefault seccomp, no
 * privilege escalation. busybox runs as root and its traceroute needs NET_RAW, which is added
 * back (unless `netRaw: false`), so busybox probes need a namespace that allows it.
 */
export function probeSecurity(image: string, netRaw = true): ProbeSecurity {
  const seccompProfile = { type: 'RuntimeDefault' as const };
  if (imageFlavor(image) === 'busybox') {
    return {
      pod: { seccompProfile },
      container: {
        allowPrivilegeEscalation: false,
        capabilities: netRaw ? { drop: ['ALL'], add: ['NET_RAW'] } : { drop: ['ALL'] },
        seccompProfile,
      },
      notes: netRaw
        ? ['busybox probes run as root with NET_RAW added (its traceroute needs a raw socket)']
        : [],
    };
  }
  return {
    pod: { runAsNonRoot: true, seccompProfile },
    container: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile,
    },
    notes: [],
  };
}

/** activeDeadlineSeconds for a probe budget: the cluster stops the pod even if podpath dies. */
export function deadlineSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000));
}
