import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { demoSnapshot } from './__fixtures__/demo-snapshot';
import { NETWORK_ID, buildGraphElements, endpointPods, shorten } from './elements';
import type { GraphModel, GraphNodeData } from './types';

const all = { namespace: null };

function byId(model: GraphModel, id: string): GraphNodeData {
  const node = model.nodes.find((n) => n.data.id === id);
  if (!node) throw new Error(`no element ${id}`);
  return node.data;
}

function classesOf(model: GraphModel, id: string): string[] {
  return model.nodes.find((n) => n.data.id === id)?.classes ?? [];
}

function edgeIds(model: GraphModel): string[] {
  return model.edges.map((e) => e.data.id);
}

describe('buildGraphElements', () => {
  const model = buildGraphElements(demoSnapshot(), all);

  it('draws every node as a box, control plane first, holding eth1 and cni0', () => {
    const k8s = model.nodes.filter((n) => n.data.kind === 'k8s-node').map((n) => n.data.id);
    expect(k8s).toEqual(['node:controlplane', 'node:node-1', 'node:node-2']);
    expect(byId(model, 'node-1/eth1')).toMatchObject({
      kind: 'interface',
      parent: 'node:node-1',
      ip: '192.168.56.11',
    });
    expect(byId(model, 'node-1/cni0')).toMatchObject({
      kind: 'interface',
      parent: 'node:node-1',
      ip: '10.244.1.1',
    });
    expect(byId(model, 'node-2/cni0')).toMatchObject({ ip: '10.244.2.1' });
    expect(byId(model, 'node:controlplane')).toMatchObject({ role: 'control-plane' });
  });

  it('puts pods inside their node and marks host-network pods', () => {
    expect(byId(model, 'pod:default/httpd')).toMatchObject({
      parent: 'node:node-1',
      ip: '10.244.1.3',
    });
    expect(byId(model, 'pod:default/web-client')).toMatchObject({ parent: 'node:node-2' });
    const myPod = byId(model, 'pod:default/my-pod');
    expect(myPod).toMatchObject({ parent: 'node:node-2', hostNetwork: true, ip: '192.168.56.12' });
    expect(myPod.label).toContain('host network');
    expect(classesOf(model, 'pod:default/my-pod')).toContain('host-network');
    expect(classesOf(model, 'pod:default/httpd')).not.toContain('host-network');
  });

  it('joins pods to cni0 by veth and host-network pods to the uplink', () => {
    const edges = edgeIds(model);
    expect(edges).toContain('edge:pod:default/httpd->node-1/cni0');
    expect(edges).toContain('edge:pod:default/my-pod->node-2/eth1');
    expect(edges).not.toContain('edge:pod:default/my-pod->node-2/cni0');
    expect(edges).toContain('edge:node-1/cni0->node-1/eth1');
    expect(edges).toContain(`edge:node-1/eth1->${NETWORK_ID}`);
  });

  it('draws Services with cluster IP, LB ingress IPs and their endpoint pods', () => {
    const lb = byId(model, 'service:kube-system/nginx-ingress-lb');
    expect(lb).toMatchObject({
      kind: 'service',
      clusterIP: '10.96.50.5',
      ingressIPs: ['192.168.56.240'],
      externalTrafficPolicy: 'Local',
      endpointCount: 1,
    });
    expect(lb.label).toContain('192.168.56.240');
    expect(classesOf(model, 'service:kube-system/nginx-ingress-lb')).toEqual(
      expect.arrayContaining(['lb', 'local-policy']),
    );
    expect(edgeIds(model)).toContain(
      'edge:service:kube-system/nginx-ingress-lb->pod:kube-system/nginx-ingress-controller-7d9fb',
    );
    expect(byId(model, 'service:default/k8s-go-demo-svc')).toMatchObject({ endpointCount: 2 });
    expect(byId(model, 'service:default/k8s-go-demo-svc-headless')).toMatchObject({
      headless: true,
      endpointCount: 2,
    });
  });

  it('keeps a Service label to two ports', () => {
    const snap = demoSnapshot();
    const dns = {
      ...snap.services[0]!,
      name: 'kube-dns',
      ports: [53, 53, 9153].map((port, i) => ({
        name: null,
        port,
        targetPort: port,
        nodePort: null,
        protocol: i === 0 ? 'UDP' : 'TCP',
      })),
    };
    snap.services = [dns];
    const m = buildGraphElements(snap, all);
    const d = byId(m, 'service:default/kube-dns');
    expect(d.label).toContain('53→53/UDP, 53→53 +1');
    expect(d.kind === 'service' && d.ports).toEqual(['53→53/UDP', '53→53', '9153→9153']);
  });

  it('marks a Service whose selector matches nothing (S6)', () => {
    const legacy = byId(model, 'service:default/legacy-api');
    expect(legacy).toMatchObject({ endpointCount: 0 });
    expect(legacy.label).toContain('no endpoints');
    expect(classesOf(model, 'service:default/legacy-api')).toContain('no-endpoints');
    expect(model.edges.some((e) => e.data.source === 'service:default/legacy-api')).toBe(false);
  });

  it('filters pods and Services by namespace but keeps every node and interface', () => {
    const ks = buildGraphElements(demoSnapshot(), { namespace: 'kube-system' });
    const pods = ks.nodes.filter((n) => n.data.kind === 'pod').map((n) => n.data.id);
    expect(pods).toEqual([
      'pod:kube-system/kube-flannel-ds-b8r5t',
      'pod:kube-system/kube-flannel-ds-m4q9d',
      'pod:kube-system/kube-flannel-ds-x7k2p',
      'pod:kube-system/nginx-ingress-controller-7d9fb',
    ]);
    const services = ks.nodes.filter((n) => n.data.kind === 'service').map((n) => n.data.id);
    expect(services).toEqual(['service:kube-system/nginx-ingress-lb']);
    expect(ks.nodes.filter((n) => n.data.kind === 'interface')).toHaveLength(6);
    // No edge may point at a pod that is filtered out.
    const ids = new Set(ks.nodes.map((n) => n.data.id));
    for (const e of ks.edges) {
      expect(ids.has(e.data.source) && ids.has(e.data.target)).toBe(true);
    }
  });

  it('leaves out pods that are not scheduled on a known node', () => {
    const snap: InventorySnapshot = demoSnapshot();
    snap.pods.push({ ...snap.pods[0]!, name: 'pending', nodeName: null, ip: null, ips: [] });
    const m = buildGraphElements(snap, all);
    expect(m.nodes.some((n) => n.data.id === 'pod:default/pending')).toBe(false);
  });

  it('uses the configured uplink name', () => {
    const m = buildGraphElements(demoSnapshot(), all, { uplinkName: 'eth0' });
    expect(byId(m, 'node-1/eth0')).toMatchObject({ name: 'eth0', ip: '192.168.56.11' });
  });

  it('is deterministic regardless of input order', () => {
    const snap = demoSnapshot();
    snap.pods.reverse();
    snap.services.reverse();
    snap.nodes.reverse();
    expect(buildGraphElements(snap, all)).toEqual(model);
  });

  it('shows the CNI on the network bar and nothing at all for an empty cluster', () => {
    expect(byId(model, NETWORK_ID).label).toBe('node network · flannel host-gw');
    const empty = buildGraphElements({ ...demoSnapshot(), nodes: [], pods: [], services: [] }, all);
    expect(empty).toEqual({ nodes: [], edges: [] });
  });
});

describe('endpointPods', () => {
  const snap = demoSnapshot();
  const svc = (name: string) => {
    const s = snap.services.find((x) => x.name === name);
    if (!s) throw new Error(name);
    return s;
  };

  it('prefers EndpointSlices and reports not-ready endpoints apart', () => {
    const slices = structuredClone(snap.endpointSlices);
    const goSlice = slices.find((s) => s.serviceName === 'k8s-go-demo-svc');
    goSlice!.endpoints[1]!.ready = false;
    expect(endpointPods(svc('k8s-go-demo-svc'), slices, snap.pods)).toEqual({
      all: [
        'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql',
        'pod:default/k8s-go-demo-deploy-66cdbcd8d9-x88b8',
      ],
      ready: ['pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql'],
      readyCount: 1,
    });
  });

  it('maps slice addresses without targetRef by pod IP', () => {
    const slices = structuredClone(snap.endpointSlices);
    for (const ep of slices.find((s) => s.serviceName === 'httpd')!.endpoints) ep.targetRef = null;
    expect(endpointPods(svc('httpd'), slices, snap.pods).ready).toEqual(['pod:default/httpd']);
  });

  it('counts ready endpoints that are not pods (the kubernetes Service)', () => {
    const api = { ...svc('httpd'), name: 'kubernetes', selector: null };
    const slices = [
      {
        namespace: 'default',
        name: 'kubernetes',
        serviceName: 'kubernetes',
        addressType: 'IPv4',
        endpoints: [
          {
            addresses: ['192.168.56.10'],
            ready: true,
            serving: true,
            terminating: false,
            nodeName: null,
            targetRef: null,
          },
        ],
        ports: [],
      },
    ];
    expect(endpointPods(api, slices, snap.pods)).toEqual({ all: [], ready: [], readyCount: 1 });
    const ipv6 = { ...slices[0]!, name: 'kubernetes-v6', addressType: 'IPv6' };
    expect(endpointPods(api, [...slices, ipv6], snap.pods).readyCount).toBe(1);
  });

  it('falls back to the selector when the Service has no slice', () => {
    expect(endpointPods(svc('k8s-go-demo-slb'), snap.endpointSlices, snap.pods).ready).toHaveLength(
      2,
    );
    expect(endpointPods(svc('legacy-api'), [], snap.pods)).toEqual({
      all: [],
      ready: [],
      readyCount: 0,
    });
  });
});

describe('shorten', () => {
  it('keeps both ends of a long generated name', () => {
    const s = shorten('k8s-go-demo-deploy-66cdbcd8d9-fxrql', 24);
    expect(s).toHaveLength(24);
    expect(s.startsWith('k8s-go-demo')).toBe(true);
    expect(s.endsWith('d9-fxrql')).toBe(true);
    expect(s).toContain('…');
    expect(shorten('httpd', 24)).toBe('httpd');
  });
});
