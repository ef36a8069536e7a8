import { describe, expect, it } from 'vitest';
import type { InventoryPod, InventorySnapshot } from '@/lib/inventory/types';
import { fixtureSnapshot } from '../topology/__fixtures__/load';
import { podsOnNode } from './evidence';

const id = (p: InventoryPod) => `${p.namespace}/${p.name}`;

describe('podsOnNode', () => {
  it("lists node-2's pod-network pods, leaving out host-network ones (my-pod, flannel)", () => {
    expect(podsOnNode(fixtureSnapshot('demo'), 'node-2').map(id)).toEqual([
      'default/k8s-go-demo-deploy-66cdbcd8d9-x88b8',
      'default/web-client',
    ]);
  });

  it("leaves out podpath's probes, pods that are not running and terminating pods", () => {
    const demo = fixtureSnapshot('demo');
    const webClient = demo.pods.find((p) => p.name === 'web-client');
    if (!webClient) throw new Error('fixture lacks web-client');
    const snapshot: InventorySnapshot = {
      ...demo,
      pods: [
        { ...webClient, name: 'podpath-probe-x', isProbe: true },
        { ...webClient, name: 'pending', phase: 'Pending' },
        { ...webClient, name: 'leaving', terminating: true },
        webClient,
      ],
    };
    expect(podsOnNode(snapshot, 'node-2').map(id)).toEqual(['default/web-client']);
    expect(podsOnNode(snapshot, 'node-1')).toEqual([]);
  });
});
