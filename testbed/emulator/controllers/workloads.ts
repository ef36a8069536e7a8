/**
 * Status of the seeded workloads (ReplicaSets, Deployments, DaemonSets), counted from the pods
 * they own, so that `kubectl get deploy,rs,ds` says 0/2 while pods start and 2/2 once they run.
 * The emulator creates no pods for them: the scenario's pods are seeded as they are.
 */
import type { KubeObject, ObjectStore, StoreEvent } from '../store';
import { RESOURCES, jsonEqual, timestamp, type NodeObject, type Pod } from './kube';
import { filterNode } from './scheduler';
import { createWorkQueue } from './work-queue';

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function ownedBy(pods: Pod[], owner: KubeObject): Pod[] {
  return pods.filter(
    (p) =>
      p.metadata.namespace === owner.metadata.namespace &&
      !p.metadata.deletionTimestamp &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed' &&
      (p.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid),
  );
}

/** ReplicaSet status from its pods. */
export function replicaSetStatus(rs: KubeObject, pods: Pod[]): Record<string, unknown> {
  const owned = ownedBy(pods, rs);
  const ready = owned.filter(isReady).length;
  return {
    replicas: owned.length,
    fullyLabeledReplicas: owned.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

/** Deployment status summed over its ReplicaSets' statuses. */
export function deploymentStatus(
  deploy: KubeObject,
  replicaSets: KubeObject[],
  previous: Record<string, unknown> | undefined,
  at: string,
): Record<string, unknown> {
  const owned = replicaSets.filter((rs) =>
    (rs.metadata.ownerReferences ?? []).some((r) => r.uid === deploy.metadata.uid),
  );
  let replicas = 0;
  let ready = 0;
  for (const rs of owned) {
    const s = (rs.status ?? {}) as Record<string, number>;
    replicas += s.replicas ?? 0;
    ready += s.readyReplicas ?? 0;
  }
  const desired = Number((deploy.spec as Record<string, unknown> | undefined)?.replicas ?? 1);
  const available = ready >= desired;
  const newest = owned[owned.length - 1]?.metadata.name ?? '';
  const prevConditions = (previous?.conditions ?? []) as {
    type: string;
    status: string;
    lastTransitionTime?: string;
  }[];
  const condition = (type: string, status: string, reason: string, message: string) => {
    const prev = prevConditions.find((c) => c.type === type);
    const same = prev?.status === status;
    return {
      type,
      status,
      lastUpdateTime: same ? ((prev as Record<string, unknown>).lastUpdateTime ?? at) : at,
      lastTransitionTime: same ? (prev?.lastTransitionTime ?? at) : at,
      reason,
      message,
    };
  };
  const status: Record<string, unknown> = {
    observedGeneration: deploy.metadata.generation ?? 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    conditions: [
      available
        ? condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          )
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
      condition(
        'Progressing',
        'True',
        available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        available
          ? `ReplicaSet "${newest}" has successfully progressed.`
          : `ReplicaSet "${newest}" is progressing.`,
      ),
    ],
  };
  if (replicas - ready > 0) status.unavailableReplicas = replicas - ready;
  return status;
}

/** DaemonSet status: nodes its template fits, and its pods on them. */
export function daemonSetStatus(
  ds: KubeObject,
  nodes: NodeObject[],
  pods: Pod[],
): Record<string, unknown> {
  const template = ((ds.spec as Record<string, unknown> | undefined)?.template ?? {}) as {
    spec?: Pod['spec'];
  };
  const probe = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: ds.metadata.name },
    spec: template.spec ?? { containers: [] },
  } as Pod;
  const desired = nodes.filter((n) => filterNode(probe, n).ok).length;
  const owned = ownedBy(pods, ds);
  const scheduledNodes = new Set(owned.map((p) => p.spec.nodeName).filter(Boolean));
  const readyNodes = new Set(owned.filter(isReady).map((p) => p.spec.nodeName));
  const status: Record<string, unknown> = {
    currentNumberScheduled: scheduledNodes.size,
    numberMisscheduled: 0,
    desiredNumberScheduled: desired,
    numberReady: readyNodes.size,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: scheduledNodes.size,
    numberAvailable: readyNodes.size,
  };
  if (desired - readyNodes.size > 0) status.numberUnavailable = desired - readyNodes.size;
  return status;
}

export interface WorkloadStatusController {
  stop(): void;
  idle(): Promise<void>;
}

/** Recomputes workload statuses whenever pods, nodes or the workloads themselves change. */
export function startWorkloadStatusController(store: ObjectStore): WorkloadStatusController {
  const writeStatus = (resource: string, obj: KubeObject, status: Record<string, unknown>) => {
    if (jsonEqual(obj.status, status)) return;
    store.mutate(resource, obj.metadata.namespace, obj.metadata.name, (o) => {
      o.status = status;
    });
  };
  const queue = createWorkQueue('workload-status', () => {
    const pods = store.list(RESOURCES.pods) as Pod[];
    for (const rs of store.list(RESOURCES.replicasets)) {
      writeStatus(RESOURCES.replicasets, rs, replicaSetStatus(rs, pods));
    }
    const replicaSets = store.list(RESOURCES.replicasets);
    const at = timestamp();
    for (const d of store.list(RESOURCES.deployments)) {
      const previous = d.status as Record<string, unknown> | undefined;
      const next = deploymentStatus(d, replicaSets, previous, at);
      writeStatus(RESOURCES.deployments, d, next);
    }
    const nodes = store.list(RESOURCES.nodes) as NodeObject[];
    for (const ds of store.list(RESOURCES.daemonsets)) {
      writeStatus(RESOURCES.daemonsets, ds, daemonSetStatus(ds, nodes, pods));
    }
  });
  const watched = new Set<string>([
    RESOURCES.pods,
    RESOURCES.nodes,
    RESOURCES.replicasets,
    RESOURCES.deployments,
    RESOURCES.daemonsets,
  ]);
  const unsubscribe = store.subscribe((event: StoreEvent) => {
    if (watched.has(event.resource)) queue.add('all');
  });
  queue.add('all');
  return {
    stop() {
      unsubscribe();
      queue.stop();
    },
    idle: () => queue.idle(),
  };
}
