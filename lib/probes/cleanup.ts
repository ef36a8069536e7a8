/**
 * Probe pods a crash left behind. activeDeadlineSeconds stops their containers, but the pod
 * objects stay until someone deletes them; the engine calls this once at server start.
 */
import type { ClusterClient, PodRef } from '../cluster/types';
import { PROBE_LABELS } from './types';

/** The label selector that finds podpath's probe pods in every namespace. */
export const PROBE_SELECTOR = `${PROBE_LABELS.managedBy}=${PROBE_LABELS.managedByValue}`;

export interface CleanupResult {
  deleted: PodRef[];
  /** Pods that could not be deleted, with why (RBAC in that namespace, ...). */
  failed: { pod: PodRef; error: string }[];
}

/**
 * Lists pods labelled app.kubernetes.io/managed-by=podpath in every namespace and deletes them.
 * Only those: each pod is checked again for the label before its delete, so a selector the
 * server ignored can never widen the sweep. Ephemeral containers cannot be removed and are left.
 *
 * Every podpath process sharing a cluster uses the same label, so a second instance starting
 * while another is probing ends that one's probes (which then report their pod deleted).
 */
export async function deleteOrphanedProbes(client: ClusterClient): Promise<CleanupResult> {
  const pods = await client.listPods({ labelSelector: PROBE_SELECTOR });
  const result: CleanupResult = { deleted: [], failed: [] };
  for (const pod of pods) {
    if (pod.labels[PROBE_LABELS.managedBy] !== PROBE_LABELS.managedByValue) continue;
    const ref = { namespace: pod.namespace, name: pod.name };
    try {
      if (await client.deletePod({ ...ref, gracePeriodSeconds: 0 })) result.deleted.push(ref);
    } catch (err) {
      result.failed.push({ pod: ref, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}
