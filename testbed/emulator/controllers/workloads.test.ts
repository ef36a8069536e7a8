import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store';
import type { NodeObject, Pod } from './kube';
import { daemonSetStatus, deploymentStatus, replicaSetStatus } from './workloads';

const rs: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-5d8f',
    namespace: 'default',
    uid: 'rs-uid',
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deploy-uid' },
    ],
  },
  spec: { replicas: 2 },
};
const deploy: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'deploy-uid' },
  spec: { replicas: 2 },
};

function pod(
  name: string,
  ready: boolean,
  owner = 'rs-uid',
  node = 'node-1',
  phase: 'Running' | 'Succeeded' = 'Running',
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: owner }],
    },
    spec: { nodeName: node, containers: [] },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('workload status', () => {
  it('counts a ReplicaSet pods and their readiness', () => {
    expect(
      replicaSetStatus(rs, [
        pod('a', true),
        pod('b', false),
        pod('other', true, 'someone-else'),
        pod('done', true, 'rs-uid', 'node-1', 'Succeeded'),
      ]),
    ).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
    });
  });

  it('sums a Deployment over its ReplicaSets and says whether it is available', () => {
    const starting = deploymentStatus(
      deploy,
      [{ ...rs, status: { replicas: 2, readyReplicas: 1 } }],
      undefined,
      '2026-11-21T12:00:00Z',
    );
    expect(starting).toMatchObject({
      replicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
    });
    expect((starting.conditions as { type: string; status: string }[])[0]).toMatchObject({
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    const ready = deploymentStatus(
      deploy,
      [{ ...rs, status: { replicas: 2, readyReplicas: 2 } }],
      starting,
      '2026-11-21T12:01:00Z',
    );
    expect(
      (ready.conditions as { type: string; status: string; lastTransitionTime: string }[])[0],
    ).toMatchObject({
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      lastTransitionTime: '2026-11-21T12:01:00Z',
    });
    expect(ready.unavailableReplicas).toBeUndefined();
  });

  it('counts the nodes a DaemonSet should run on by its tolerations', () => {
    const node = (name: string, tainted: boolean): NodeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: tainted
        ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
        : {},
    });
    const nodes = [node('controlplane', true), node('node-1', false), node('node-2', false)];
    const ds = (tolerations: unknown[]): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds', namespace: 'default', uid: 'ds-uid' },
      spec: { template: { spec: { containers: [], tolerations } } },
    });
    const pods = [pod('a', true, 'ds-uid', 'node-1'), pod('b', false, 'ds-uid', 'node-2')];
    expect(daemonSetStatus(ds([]), nodes, pods)).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 1,
      numberUnavailable: 1,
    });
    expect(
      daemonSetStatus(ds([{ operator: 'Exists', effect: 'NoSchedule' }]), nodes, pods),
    ).toMatchObject({ desiredNumberScheduled: 3 });
  });
});
