import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventoryPod, InventorySnapshot } from '@/lib/inventory/types';
import type { TraceResult } from '@/lib/trace/types';
import { fixtureSnapshot } from '../topology/__fixtures__/load';
import {
  editDistance,
  flannelDaemonSet,
  inRange,
  linkLeavingNode,
  podNetwork,
  podsOnNode,
  serviceNetwork,
  stoppedAtNode,
} from './evidence';

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

describe('podNetwork, serviceNetwork, inRange', () => {
  it("widens the nodes' podCIDRs to the cluster's /16, as kube-controller-manager cuts them", () => {
    expect(podNetwork(fixtureSnapshot('demo'))).toBe('10.244.0.0/16');
    expect(podNetwork(fixtureSnapshot('k3s'))).toBe('10.42.0.0/16');
    expect(serviceNetwork(fixtureSnapshot('demo'))).toBe('10.96.0.0/16');
    expect(podNetwork(fixtureSnapshot('demo'), 6)).toBeNull();
  });

  it('keeps a wider range when the podCIDRs are spread wider than a /16', () => {
    const demo = fixtureSnapshot('demo');
    const [a, b] = demo.nodes;
    if (!a || !b) throw new Error('fixture lacks nodes');
    const spread: InventorySnapshot = {
      ...demo,
      nodes: [
        { ...a, podCIDRs: ['10.1.0.0/24', 'fd00:10:1::/64'] },
        { ...b, podCIDRs: ['10.2.5.0/24', 'fd00:10:2::/64'] },
      ],
    };
    expect(podNetwork(spread)).toBe('10.0.0.0/14');
    expect(podNetwork(spread, 6)).toBe('fd00:10::/46');
  });

  it('tells addresses inside a range from those outside', () => {
    expect(inRange('10.244.0.0/16', '10.244.2.3')).toBe(true);
    expect(inRange('10.244.0.0/16', '192.168.2.10')).toBe(false);
    expect(inRange('10.244.0.0/16', 'fd00::1')).toBe(false);
    expect(inRange('not-a-cidr', '10.244.2.3')).toBe(false);
  });
});

describe('flannelDaemonSet', () => {
  it("finds flannel's DaemonSet by its pods' owner when the DaemonSets are not listed", () => {
    expect(fixtureSnapshot('demo').daemonSets).toEqual([]);
    expect(flannelDaemonSet(fixtureSnapshot('demo'))).toEqual({
      namespace: 'kube-system',
      name: 'kube-flannel-ds',
    });
  });

  it('prefers the listed DaemonSet, and is null for a cluster without flannel', () => {
    const demo = fixtureSnapshot('demo');
    const listed: InventorySnapshot = {
      ...demo,
      daemonSets: [
        {
          namespace: 'kube-flannel',
          name: 'kube-flannel-ds',
          labels: {},
          images: [],
          hostNetwork: true,
        },
      ],
    };
    expect(flannelDaemonSet(listed)).toEqual({
      namespace: 'kube-flannel',
      name: 'kube-flannel-ds',
    });
    const none: InventorySnapshot = {
      ...demo,
      pods: demo.pods.filter((p) => !p.name.includes('flannel')),
    };
    expect(flannelDaemonSet(none)).toBeNull();
  });
});

/** The hops, path and links of a scenario's merged golden (the lab's real trace). */
function golden(name: string): Pick<TraceResult, 'hops' | 'path' | 'links'> {
  const file = fileURLToPath(new URL(`../path/__golden__/${name}.json`, import.meta.url));
  const g = JSON.parse(readFileSync(file, 'utf8')) as Pick<TraceResult, 'path' | 'links'> & {
    hops: Omit<TraceResult['hops'][number], 'rttMs'>[];
  };
  return { hops: g.hops.map((h) => ({ ...h, rttMs: [] })), path: g.path, links: g.links };
}

describe('linkLeavingNode, stoppedAtNode', () => {
  it("S5: the trace died after node-2's cni0; the link leaving node-2 is eth1 to the router", () => {
    const result = golden('s5');
    expect(stoppedAtNode(result.hops, 'node-2')?.ip).toBe('10.244.2.1');
    expect(stoppedAtNode(result.hops, 'node-1')).toBeNull();
    const link = linkLeavingNode(result, 'node-2');
    expect(link).toBe(2);
    expect(result.path[result.links[2]?.from ?? -1]?.id).toBe('node-2/eth1');
  });

  it('S1: the trace went on past node-2 (node-1 answered last); a node off the path has no link', () => {
    const result = golden('s1');
    expect(stoppedAtNode(result.hops, 'node-2')).toBeNull();
    expect(linkLeavingNode(result, 'node-2')).toBe(2);
    expect(linkLeavingNode(result, 'controlplane')).toBeNull();
  });
});

describe('editDistance', () => {
  it('counts the edits between two names', () => {
    expect(editDistance('legacy-api', 'legacy-api')).toBe(0);
    expect(editDistance('httpd', 'http')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
