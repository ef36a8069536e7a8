import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '../store';
import { createEventRecorder, type EventRecorder } from './events';
import type { NodeObject, Pod } from './kube';
import {
  filterNode,
  schedulePod,
  startScheduler,
  toleratesTaint,
  unschedulableMessage,
  type SchedulerController,
} from './scheduler';
import { waitFor } from './testing';

const controlPlaneTaint = {
  key: 'node-role.kubernetes.io/control-plane',
  effect: 'NoSchedule' as const,
};

function node(
  name: string,
  extra: Partial<NonNullable<NodeObject['spec']>> = {},
  labels: Record<string, string> = {},
): NodeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels },
    },
    spec: { podCIDR: '10.244.0.0/24', ...extra },
  };
}

const nodes = [
  node('controlplane', { taints: [controlPlaneTaint] }),
  node('node-1'),
  node('node-2'),
];

function pod(spec: Partial<Pod['spec']> = {}, name = 'p'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
    status: { phase: 'Pending' },
  };
}

describe('scheduler filters', () => {
  it('keeps untolerated NoSchedule nodes out and names the taint as the real scheduler does', () => {
    expect(filterNode(pod(), nodes[0] as NodeObject)).toEqual({
      ok: false,
      reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    });
    expect(filterNode(pod(), nodes[1] as NodeObject)).toEqual({ ok: true });
  });

  it('lets an Exists toleration without key tolerate every taint', () => {
    const tolerateAll = pod({ tolerations: [{ operator: 'Exists' }] });
    expect(filterNode(tolerateAll, nodes[0] as NodeObject)).toEqual({ ok: true });
    expect(
      toleratesTaint({ operator: 'Exists' }, { key: 'x', value: 'y', effect: 'NoExecute' }),
    ).toBe(true);
  });

  it('matches tolerations on key, value and effect', () => {
    const taint = { key: 'dedicated', value: 'probe', effect: 'NoSchedule' as const };
    expect(
      toleratesTaint(
        { key: 'dedicated', operator: 'Equal', value: 'probe', effect: 'NoSchedule' },
        taint,
      ),
    ).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', value: 'probe' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'other' }, taint)).toBe(
      false,
    );
    expect(
      toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint),
    ).toBe(false);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });

  it('ignores PreferNoSchedule taints', () => {
    const soft = node('soft', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] });
    expect(filterNode(pod(), soft)).toEqual({ ok: true });
  });

  it('honours nodeSelector on kubernetes.io/hostname', () => {
    const p = pod({ nodeSelector: { 'kubernetes.io/hostname': 'node-2' } });
    expect(schedulePod(p, nodes, [])).toEqual({ node: 'node-2' });
    expect(filterNode(p, nodes[1] as NodeObject)).toEqual({
      ok: false,
      reason: "node(s) didn't match Pod's node affinity/selector",
    });
  });

  it('honours required node affinity with matchExpressions In and matchFields metadata.name', () => {
    const byLabel = pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] },
                ],
              },
            ],
          },
        },
      },
    });
    expect(schedulePod(byLabel, nodes, [])).toEqual({ node: 'node-1' });
    const byField = pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'no-such-label', operator: 'Exists' }] },
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] },
            ],
          },
        },
      },
    });
    // Terms are ORed: the second one picks node-2.
    expect(schedulePod(byField, nodes, [])).toEqual({ node: 'node-2' });
    const notIn = pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['node-1'] },
                ],
              },
            ],
          },
        },
      },
    });
    expect(schedulePod(notIn, nodes, [])).toEqual({ node: 'node-2' });
  });

  it('places a pod that tolerates the control-plane taint and asks for it there', () => {
    const p = pod({
      nodeSelector: { 'kubernetes.io/hostname': 'controlplane' },
      tolerations: [
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      ],
    });
    expect(schedulePod(p, nodes, [])).toEqual({ node: 'controlplane' });
  });

  it('spreads pods to the least loaded feasible node', () => {
    const busy = [
      pod({ nodeName: 'node-1' }, 'a'),
      pod({ nodeName: 'node-1' }, 'b'),
      pod({ nodeName: 'node-2' }, 'c'),
    ];
    expect(schedulePod(pod(), nodes, busy)).toEqual({ node: 'node-2' });
  });

  it('explains an unschedulable pod with the FitError histogram', () => {
    const p = pod({ nodeSelector: { 'kubernetes.io/hostname': 'node-9' } });
    expect(schedulePod(p, nodes, [])).toEqual({
      unschedulable:
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    });
    const cordoned = node('node-1', { unschedulable: true });
    expect(schedulePod(pod(), [cordoned], [])).toEqual({
      unschedulable:
        '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    });
    expect(unschedulableMessage(2, ['b reason', 'a reason'])).toBe(
      '0/2 nodes are available: 1 a reason, 1 b reason. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });
});

describe('scheduler controller', () => {
  let store: ObjectStore;
  let events: EventRecorder;
  let scheduler: SchedulerController;
  afterEach(() => {
    scheduler?.stop();
    events?.stop();
  });

  function setup(): void {
    store = new ObjectStore();
    for (const n of nodes) store.create('nodes', n);
    events = createEventRecorder(store);
    scheduler = startScheduler(store, events);
  }

  it('binds a pending pod with PodScheduled True and a Scheduled event', async () => {
    setup();
    store.create('pods', pod({ nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }, 'bound'));
    const p = await waitFor(() => {
      const got = store.get('pods', 'default', 'bound') as Pod | undefined;
      return got?.spec.nodeName ? got : undefined;
    });
    expect(p.spec.nodeName).toBe('node-1');
    expect(p.status?.conditions).toEqual([
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    ]);
    await scheduler.idle();
    const ev = store.list('events', 'default').find((e) => e.reason === 'Scheduled');
    expect(ev?.message).toBe('Successfully assigned default/bound to node-1');
    expect(ev?.source).toEqual({ component: 'default-scheduler' });
  });

  it('leaves an unschedulable pod Pending with reason Unschedulable, and binds it once a node fits', async () => {
    setup();
    store.create('pods', pod({ nodeSelector: { disk: 'ssd' } }, 'picky'));
    const cond = await waitFor(() =>
      (store.get('pods', 'default', 'picky') as Pod | undefined)?.status?.conditions?.find(
        (c) => c.type === 'PodScheduled' && c.status === 'False',
      ),
    );
    expect(cond.reason).toBe('Unschedulable');
    expect(cond.message).toMatch(/^0\/3 nodes are available: /);
    expect((store.get('pods', 'default', 'picky') as Pod).status?.phase).toBe('Pending');
    store.mutate('nodes', undefined, 'node-2', (n) => {
      n.metadata.labels = { ...n.metadata.labels, disk: 'ssd' };
    });
    const bound = await waitFor(() => (store.get('pods', 'default', 'picky') as Pod).spec.nodeName);
    expect(bound).toBe('node-2');
  });

  it('leaves pods of another scheduler alone', async () => {
    setup();
    store.create('pods', pod({ schedulerName: 'my-scheduler' }, 'other'));
    await new Promise((r) => setTimeout(r, 30));
    await scheduler.idle();
    expect((store.get('pods', 'default', 'other') as Pod).spec.nodeName).toBeUndefined();
  });
});
