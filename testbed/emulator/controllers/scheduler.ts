/**
 * The default scheduler's filter phase for what the scenarios use: NodeUnschedulable,
 * TaintToleration, NodeAffinity (nodeSelector and required node affinity), in the plugin order
 * of the real scheduler, so that each node fails on the same first reason. The binding it
 * writes and the Unschedulable condition it leaves carry the real scheduler's wording.
 */
import type { ObjectStore, StoreEvent } from '../store';
import type { EventRecorder } from './events';
import {
  RESOURCES,
  isTerminalPhase,
  setCondition,
  timestamp,
  type NodeObject,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  type Pod,
  type Taint,
  type Toleration,
} from './kube';
import { createWorkQueue } from './work-queue';

export const DEFAULT_SCHEDULER = 'default-scheduler';

/** Why a node was filtered out, in the scheduler's words ("node(s) ..."). */
export type FilterResult = { ok: true } | { ok: false; reason: string };

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
  }
  return false;
}

/** The first NoSchedule/NoExecute taint no toleration covers (PreferNoSchedule never blocks). */
export function untoleratedTaint(taints: Taint[], tolerations: Toleration[]): Taint | undefined {
  return taints.find(
    (t) =>
      (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
      !tolerations.some((tol) => toleratesTaint(tol, t)),
  );
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const want = Number(values[0]);
      const have = Number(value);
      if (value === undefined || !Number.isInteger(want) || !Number.isInteger(have)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
  }
  return false;
}

/** A NodeSelectorTerm: all expressions and fields must hold; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: NodeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    exprs.every((r) =>
      requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined),
    ) &&
    // metadata.name is the only field selector the API accepts for nodes.
    fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name))
  );
}

/** The NodeAffinity plugin: spec.nodeSelector and required node affinity (terms are ORed). */
export function matchesNodeAffinity(pod: Pod, node: NodeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[k] !== v) return false;
  }
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !required.nodeSelectorTerms.some((t) => termMatches(t, node))) return false;
  return true;
}

/** Runs the filter plugins on one node, stopping at the first failure as the scheduler does. */
export function filterNode(pod: Pod, node: NodeObject): FilterResult {
  const tolerations = pod.spec.tolerations ?? [];
  if (node.spec?.unschedulable) {
    const tolerated = tolerations.some((t) =>
      toleratesTaint(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }),
    );
    if (!tolerated) return { ok: false, reason: 'node(s) were unschedulable' };
  }
  const taint = untoleratedTaint(node.spec?.taints ?? [], tolerations);
  if (taint) {
    return {
      ok: false,
      reason: `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`,
    };
  }
  if (!matchesNodeAffinity(pod, node)) {
    return { ok: false, reason: "node(s) didn't match Pod's node affinity/selector" };
  }
  return { ok: true };
}

/**
 * The FitError message of a pod no node fits, e.g. `0/3 nodes are available: 1 node(s) had
 * untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's
 * node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for
 * scheduling.` Every reason here is unresolvable by preemption, hence the fixed tail.
 */
export function unschedulableMessage(nodeCount: number, reasons: string[]): string {
  const histogram = new Map<string, number>();
  for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const parts = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
  let msg = `0/${nodeCount} nodes are available:`;
  if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  msg += ` preemption: 0/${nodeCount} nodes are available: ${nodeCount} Preemption is not helpful for scheduling.`;
  return msg;
}

export type ScheduleDecision = { node: string } | { unschedulable: string };

/**
 * Picks a node for `pod`: the feasible node running the fewest pods (the spreading the default
 * scoring ends up with on empty nodes), ties broken by name so runs are reproducible.
 */
export function schedulePod(pod: Pod, nodes: NodeObject[], pods: Pod[]): ScheduleDecision {
  const reasons: string[] = [];
  const feasible: NodeObject[] = [];
  for (const node of nodes) {
    const result = filterNode(pod, node);
    if (result.ok) feasible.push(node);
    else reasons.push(result.reason);
  }
  if (feasible.length === 0) return { unschedulable: unschedulableMessage(nodes.length, reasons) };
  const load = new Map<string, number>();
  for (const p of pods) {
    if (p.spec.nodeName && !isTerminalPhase(p.status?.phase)) {
      load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1);
    }
  }
  feasible.sort(
    (a, b) =>
      (load.get(a.metadata.name) ?? 0) - (load.get(b.metadata.name) ?? 0) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  return { node: (feasible[0] as NodeObject).metadata.name };
}

export interface SchedulerController {
  stop(): void;
  idle(): Promise<void>;
}

/**
 * Binds pending pods of the default scheduler. Unschedulable pods are retried when nodes
 * change, as the scheduler requeues them on node events.
 */
export function startScheduler(store: ObjectStore, events: EventRecorder): SchedulerController {
  const queue = createWorkQueue('scheduler', (key) => {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = store.get(RESOURCES.pods, namespace, name) as Pod | undefined;
    if (!pod || !needsScheduling(pod)) return;
    const nodes = store.list(RESOURCES.nodes) as NodeObject[];
    const decision = schedulePod(pod, nodes, store.list(RESOURCES.pods) as Pod[]);
    const at = timestamp();
    if ('node' in decision) {
      store.mutate(RESOURCES.pods, namespace, name, (obj) => {
        const p = obj as Pod;
        if (p.spec.nodeName) return;
        p.spec.nodeName = decision.node;
        p.status ??= { phase: 'Pending' };
        p.status.conditions ??= [];
        setCondition(p.status.conditions, { type: 'PodScheduled', status: 'True' }, at);
      });
      events.record(pod, {
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned ${namespace}/${name} to ${decision.node}`,
        component: DEFAULT_SCHEDULER,
      });
      return;
    }
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.reason === 'Unschedulable' && current.message === decision.unschedulable) return;
    store.mutate(RESOURCES.pods, namespace, name, (obj) => {
      const p = obj as Pod;
      p.status ??= { phase: 'Pending' };
      p.status.phase ??= 'Pending';
      p.status.conditions ??= [];
      setCondition(
        p.status.conditions,
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: decision.unschedulable,
        },
        at,
      );
    });
    events.record(pod, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: decision.unschedulable,
      component: DEFAULT_SCHEDULER,
    });
  });

  const sweep = () => {
    for (const pod of store.list(RESOURCES.pods) as Pod[]) {
      if (needsScheduling(pod)) queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
  };
  const unsubscribe = store.subscribe((event: StoreEvent) => {
    if (event.resource === RESOURCES.pods && event.type !== 'DELETED') {
      const pod = event.object as Pod;
      if (needsScheduling(pod)) queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    } else if (event.resource === RESOURCES.nodes) {
      // A new or changed node may fit pods that were unschedulable; requeue them all.
      setImmediate(sweep);
    }
  });
  sweep();
  return {
    stop() {
      unsubscribe();
      queue.stop();
    },
    idle: () => queue.idle(),
  };
}

function needsScheduling(pod: Pod): boolean {
  return (
    !pod.spec.nodeName &&
    (pod.spec.schedulerName ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER &&
    !isTerminalPhase(pod.status?.phase) &&
    !pod.metadata.deletionTimestamp
  );
}
