/**
 * Probe pods a crash left behind. activeDeadlineSeconds stops their containers, but the pod
 * objects stay until someone deletes them; the engine calls this once at server start.
 */
import type { ClusterClient, PodRef } from '../cluster/types';
import { labelValueFor } from './manifest';
import { PROBE_LABELS } from './types';

/** The label selector that finds podpath's probe pods in every namespace. */
export const PROBE_SELECTOR = `${PROBE_LABELS.managedBy}=${PROBE_LABELS.managedByValue}`;

export interface CleanupResult {
  deleted: PodRef[];
  /** Pods that could not be deleted, with why (RBAC in that namespace, ...). */
  failed: { pod: PodRef; error: string }[];
  /** Probe pods left alone because their trace still runs (in this or another replica). */
  kept: PodRef[];
}

export interface CleanupOptions {
  /**
   * Traces that are still running somewhere: their probe pods (matched by the
   * podpath.dev/trace-id label) are kept. Pods without that label are always deleted.
   */
  keepTraceIds?: Iterable<string>;
}

/**
 * Lists pods labelled app.kubernetes.io/managed-by=podpath in every namespace and deletes those
 * whose trace is not in `keepTraceIds`. Only those: each pod is checked again for the label
 * before its delete, so a selector the server ignored can never widen the sweep. Ephemeral
 * containers cannot be removed and are left.
 *
 * Replicas sharing a store pass the traces it holds as running, so that one starting while
 * another is probing leaves that one's probes alone. Processes with stores of their own know
 * nothing of each other's traces: a second one starting ends the first one's probes.
 */
export async function deleteOrphanedProbes(
  client: ClusterClient,
  options: CleanupOptions = {},
): Promise<CleanupResult> {
  // The label holds the id itself, or its hash when the id is no label value.
  const keep = new Set([...(options.keepTraceIds ?? [])].map(labelValueFor));
  const pods = await client.listPods({ labelSelector: PROBE_SELECTOR });
  const result: CleanupResult = { deleted: [], failed: [], kept: [] };
  for (const pod of pods) {
    if (pod.labels[PROBE_LABELS.managedBy] !== PROBE_LABELS.managedByValue) continue;
    const ref = { namespace: pod.namespace, name: pod.name };
    const trace = pod.labels[PROBE_LABELS.traceId];
    if (trace !== undefined && keep.has(trace)) {
      result.kept.push(ref);
      continue;
    }
    try {
      if (await client.deletePod({ ...ref, gracePeriodSeconds: 0 })) result.deleted.push(ref);
    } catch (err) {
      result.failed.push({ pod: ref, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}
