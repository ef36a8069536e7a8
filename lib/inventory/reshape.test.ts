/**
 * Reshaping tests. The golden file __golden__/snapshot.json is the snapshot built from the
 * hand-written dump __golden__/wire-objects.json; after an intended change regenerate it with
 *   UPDATE_GOLDEN=1 npx vitest run lib/inventory
 * and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  objectKey,
  toInventoryDaemonSet,
  toInventoryEndpointSlice,
  toInventoryNetworkPolicy,
  toInventoryNode,
  toInventoryPod,
  toInventoryService,
} from './reshape';
import { snapshotFromObjects } from './snapshot-from-objects';
import type { WireList } from './wire';

const golden = (name: string) => fileURLToPath(new URL(`./__golden__/${name}`, import.meta.url));
const dump = JSON.parse(readFileSync(golden('wire-objects.json'), 'utf8')) as WireList;
const item = (kind: string, name: string) => {
  const found = dump.items?.find(
    (i) =>
      (i as { kind?: string }).kind === kind &&
      (i as { metadata?: { name?: string } }).metadata?.name === name,
  );
  if (!found) throw new Error(`fixture ${kind}/${name} missing`);
  return found as never;
};

describe('toInventoryNode', () => {
  it('reads addresses, pod CIDRs, readiness and the flannel annotations', () => {
    const node = toInventoryNode(item('Node', 'node-1'));
    expect(node).toMatchObject({
      name: 'node-1',
      internalIP: '192.168.56.11',
      externalIP: null,
      podCIDRs: ['10.244.1.0/24'],
      ready: true,
      taints: [],
      cni: { plugin: 'flannel', backend: 'host-gw', publicIP: '192.168.56.11', tunnelIP: null },
    });
  });

  it('falls back to spec.podCIDR, keeps taints and treats Ready=Unknown as not ready', () => {
    const node = toInventoryNode(item('Node', 'controlplane'));
    expect(node.podCIDRs).toEqual(['10.244.0.0/24']);
    expect(node.externalIP).toBe('203.0.113.10');
    expect(node.ready).toBe(false);
    expect(node.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
  });

  it('reads calico tunnel addresses and derives the backend from which one is set', () => {
    const ipip = toInventoryNode({
      metadata: {
        name: 'c1',
        annotations: {
          'projectcalico.org/IPv4Address': '10.0.0.5/24',
          'projectcalico.org/IPv4IPIPTunnelAddr': '192.168.99.0',
        },
      },
    });
    expect(ipip.cni).toEqual({
      plugin: 'calico',
      backend: 'ipip',
      publicIP: '10.0.0.5',
      tunnelIP: '192.168.99.0',
    });
    const vxlan = toInventoryNode({
      metadata: {
        name: 'c2',
        annotations: { 'projectcalico.org/IPv4VXLANTunnelAddr': '192.168.98.64' },
      },
    });
    expect(vxlan.cni).toMatchObject({
      plugin: 'calico',
      backend: 'vxlan',
      tunnelIP: '192.168.98.64',
    });
  });

  it('reads the cilium_host address under the current and the legacy annotation', () => {
    const current = toInventoryNode({
      metadata: { name: 'k1', annotations: { 'network.cilium.io/ipv4-cilium-host': '10.0.1.77' } },
    });
    const legacy = toInventoryNode({
      metadata: { name: 'k2', annotations: { 'io.cilium.network.ipv4-cilium-host': '10.0.2.88' } },
    });
    expect(current.cni).toEqual({
      plugin: 'cilium',
      backend: null,
      publicIP: null,
      tunnelIP: '10.0.1.77',
    });
    expect(legacy.cni.tunnelIP).toBe('10.0.2.88');
    expect(legacy.cni.plugin).toBe('cilium');
  });

  it('survives an object with nothing but a name', () => {
    expect(toInventoryNode({ metadata: { name: 'bare' } })).toEqual({
      name: 'bare',
      internalIP: null,
      externalIP: null,
      podCIDRs: [],
      ready: false,
      labels: {},
      taints: [],
      cni: { plugin: 'unknown', backend: null, publicIP: null, tunnelIP: null },
    });
  });
});

describe('toInventoryPod', () => {
  it('reads IPs, node, ports, owner and readiness', () => {
    const pod = toInventoryPod(item('Pod', 'k8s-go-demo-deploy-66cdbcd8d9-fxrql'));
    expect(pod).toMatchObject({
      namespace: 'default',
      ip: '10.244.1.4',
      ips: ['10.244.1.4'],
      nodeName: 'node-1',
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      ports: [{ containerPort: 38001, name: 'http', protocol: 'TCP' }],
      owner: { kind: 'ReplicaSet', name: 'k8s-go-demo-deploy-66cdbcd8d9' },
      isProbe: false,
      terminating: false,
    });
    expect(pod.containers).toEqual([
      {
        name: 'k8s-go-demo',
        ephemeral: false,
        image: 'k8s-go-demo:latest',
        ready: true,
        restartCount: 0,
        state: 'running',
        reason: null,
        message: null,
        exitCode: null,
      },
    ]);
  });

  it('marks podpath probes, hostNetwork, deletion, exit codes and ephemeral containers', () => {
    const pod = toInventoryPod(item('Pod', 'podpath-probe-x1'));
    expect(pod.isProbe).toBe(true);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.terminating).toBe(true);
    // podIPs absent: the single podIP stands in, as on clusters older than dual-stack.
    expect(pod.ips).toEqual(['192.168.56.12']);
    expect(pod.containers?.find((c) => c.name === 'trace')).toMatchObject({
      state: 'terminated',
      exitCode: 0,
      reason: 'Completed',
    });
    expect(pod.containers?.find((c) => c.name === 'debugger-1')).toMatchObject({
      ephemeral: true,
      state: 'waiting',
      image: 'nicolaka/netshoot',
    });
  });

  it('gives a freshly created pod without status the Pending phase and no IP', () => {
    const pod = toInventoryPod(item('Pod', 'pending-one'));
    expect(pod).toMatchObject({
      phase: 'Pending',
      ip: null,
      ips: [],
      nodeName: null,
      ready: false,
      owner: null,
    });
  });
});

describe('toInventoryService', () => {
  it('reads a LoadBalancer with its ingress and traffic policies', () => {
    expect(toInventoryService(item('Service', 'k8s-go-demo-slb'))).toEqual({
      namespace: 'default',
      name: 'k8s-go-demo-slb',
      type: 'LoadBalancer',
      clusterIP: '10.96.38.1',
      headless: false,
      ports: [{ name: null, port: 38001, targetPort: 38001, nodePort: 31801, protocol: 'TCP' }],
      selector: { app: 'k8s-go-demo' },
      loadBalancerIngress: ['192.168.56.241'],
      externalIPs: [],
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('turns clusterIP None into a headless Service and defaults the type', () => {
    const svc = toInventoryService(item('Service', 'k8s-go-demo-svc-headless'));
    expect(svc).toMatchObject({ type: 'ClusterIP', clusterIP: null, headless: true });
    expect(svc.ports[0]).toMatchObject({
      name: 'http',
      port: 80,
      targetPort: 38001,
      protocol: 'TCP',
    });
  });

  it('reads an empty selector as no selector and defaults targetPort to port', () => {
    const svc = toInventoryService(item('Service', 'manual-endpoints'));
    expect(svc.selector).toBeNull();
    expect(svc.ports[0]?.targetPort).toBe(5432);
  });
});

describe('toInventoryEndpointSlice', () => {
  it('applies the nil semantics of endpoint conditions', () => {
    const slice = toInventoryEndpointSlice(item('EndpointSlice', 'k8s-go-demo-svc-7xq2m'));
    expect(slice.serviceName).toBe('k8s-go-demo-svc');
    expect(slice.endpoints.map((e) => [e.addresses[0], e.ready, e.serving, e.terminating])).toEqual(
      [
        ['10.244.1.4', true, true, false],
        // Nil ready reads as ready; nil serving defers to ready; nil terminating is false.
        ['10.244.2.4', true, true, false],
        ['10.244.2.9', false, true, true],
      ],
    );
    expect(slice.endpoints[1]?.targetRef).toEqual({
      kind: 'Pod',
      namespace: 'default',
      name: 'k8s-go-demo-deploy-66cdbcd8d9-x88b8',
    });
    expect(slice.endpoints[2]?.targetRef).toBeNull();
  });

  it('reads null endpoints and ports (a Service with no backends) as empty', () => {
    const slice = toInventoryEndpointSlice(item('EndpointSlice', 'legacy-api-abcde'));
    expect(slice.endpoints).toEqual([]);
    expect(slice.ports).toEqual([]);
  });
});

describe('toInventoryNetworkPolicy', () => {
  it('keeps declared policyTypes and an empty selector', () => {
    const policy = toInventoryNetworkPolicy(item('NetworkPolicy', 'default-deny-ingress'));
    expect(policy).toEqual({
      namespace: 'secure',
      name: 'default-deny-ingress',
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [],
      egress: [],
    });
  });

  it('derives policyTypes from the rules when unset, as the API server does', () => {
    const policy = toInventoryNetworkPolicy(item('NetworkPolicy', 'db-egress'));
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.podSelector).toEqual({
      matchLabels: { app: 'db' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
    });
    expect(policy.egress).toHaveLength(1);
  });
});

describe('toInventoryDaemonSet', () => {
  it('collects the images of init and main containers without duplicates', () => {
    expect(toInventoryDaemonSet(item('DaemonSet', 'kube-flannel-ds'))).toEqual({
      namespace: 'kube-system',
      name: 'kube-flannel-ds',
      labels: { app: 'flannel', tier: 'node' },
      images: [
        'docker.io/flannel/flannel-cni-plugin:v1.4.0-flannel1',
        'docker.io/flannel/flannel:v0.25.1',
      ],
      hostNetwork: true,
    });
  });
});

describe('objectKey', () => {
  it('is namespace/name for namespaced objects and name for cluster-scoped ones', () => {
    expect(objectKey({ metadata: { namespace: 'kube-system', name: 'coredns' } })).toBe(
      'kube-system/coredns',
    );
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('node-1');
  });
});

describe('snapshotFromObjects (golden)', () => {
  it('builds the same snapshot from the dump as the golden file', () => {
    const { snapshot, skipped } = snapshotFromObjects(dump, 'offline');
    expect(skipped).toBe(1); // the ConfigMap
    const actual = `${JSON.stringify(snapshot, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden('snapshot.json'), actual);
    expect(actual).toBe(readFileSync(golden('snapshot.json'), 'utf8'));
  });

  it('accepts typed lists whose items carry no kind, arrays and single objects', () => {
    const { snapshot } = snapshotFromObjects([
      { kind: 'PodList', items: [{ metadata: { name: 'a', namespace: 'x' } }] },
      { kind: 'Node', metadata: { name: 'n' } },
    ]);
    expect(snapshot.pods.map((p) => p.name)).toEqual(['a']);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['n']);
  });
});
