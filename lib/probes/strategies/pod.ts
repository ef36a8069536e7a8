/**
 * The `pod` strategy (the articles' method): a short-lived probe pod pinned to the source's
 * node, so its packets leave through the same cni0 and node routes as the source pod's. It does
 * not share the source's identity (IP, labels), so hairpin and NetworkPolicy effects on the
 * source itself are not seen; the ephemeral strategy is for those.
 */
import type { ClusterClient, PodManifest } from '../../cluster/types';
import { imageFlavor } from '../commands';
import {
  PROBE_CONTAINER,
  PROBE_GENERATE_NAME,
  deadlineSeconds,
  nodeAffinity,
  probeAnnotations,
  probeLabels,
  probeSecurity,
} from '../manifest';
import type { ProbeRun } from '../outcome';
import type { ProbeOutcome, ProbeSpec } from '../types';
import { runProbePod, type PodRunOptions } from './probe-pod';

/** Requests that let the probe schedule on a full node; a memory limit bounds a runaway tool. */
const PROBE_RESOURCES = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { memory: '64Mi' },
};

/**
 * The probe pod's manifest: labels marking it as podpath's, the full node name in annotations,
 * required node affinity on the node, every taint tolerated, no restarts, a deadline, no service
 * account token and no service links, and the image's security context (restricted Pod Security
 * for podpath's image). `hostNetwork` puts it in the node's network namespace.
 */
export function buildProbePodManifest(
  spec: ProbeSpec,
  argv: string[],
  { hostNetwork = false }: { hostNetwork?: boolean } = {},
): PodManifest {
  const security = probeSecurity(spec.image, spec.options.netRaw ?? true);
  return {
    metadata: {
      namespace: spec.namespace,
      generateName: PROBE_GENERATE_NAME,
      labels: probeLabels(spec),
      annotations: probeAnnotations(spec),
    },
    spec: {
      containers: [
        {
          name: PROBE_CONTAINER,
          image: spec.image,
          command: argv,
          imagePullPolicy: 'IfNotPresent',
          securityContext: security.container,
          resources: PROBE_RESOURCES,
        },
      ],
      restartPolicy: 'Never',
      activeDeadlineSeconds: deadlineSeconds(spec.options.timeoutMs),
      affinity: nodeAffinity(spec.source.node, spec.source.nodeHostnameLabel),
      // Exists without a key tolerates every taint: a probe must run on a tainted or
      // NotReady node too, that is often where the trouble is.
      tolerations: [{ operator: 'Exists' }],
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 1,
      securityContext: security.pod,
      ...(hostNetwork
        ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' as const }
        : { dnsPolicy: 'ClusterFirst' as const }),
    },
  };
}

/** Notes every pod-strategy outcome carries. */
export function podStrategyNotes(spec: ProbeSpec): string[] {
  const notes = [...probeSecurity(spec.image, spec.options.netRaw ?? true).notes];
  if (spec.source.kind === 'pod') {
    notes.push(
      `the probe ran in a new pod on ${spec.source.node}, not in ${spec.source.namespace}/${spec.source.name} itself: same node and routes, but not its IP or labels`,
    );
  }
  if (imageFlavor(spec.image) === 'busybox' && spec.options.netRaw === false) {
    notes.push('busybox ran without NET_RAW, as requested');
  }
  return notes;
}

/** Runs a `pod` strategy probe: create, wait, read the log, delete. */
export function runPodStrategy(
  client: ClusterClient,
  run: ProbeRun,
  options: PodRunOptions,
): Promise<ProbeOutcome> {
  run.notes.push(...podStrategyNotes(run.spec));
  return runProbePod(client, buildProbePodManifest(run.spec, run.argv), run, options);
}
