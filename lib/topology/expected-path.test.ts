/**
 * Expected paths. The golden files __golden__/<trace>.json hold the expected path of every
 * trace of __fixtures__/cases.ts (shared/scenarios.md's S1..S6 and the k3s traces) on the
 * emulator's objects; regenerate them after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run lib/topology
 * and review the diff against shared/scenarios.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventoryNode, InventorySnapshot } from '@/lib/inventory/types';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import type { ResolvedEndpoint } from '@/lib/refs';
import { parseKnownHosts } from '@/lib/resolve';
import { KNOWN_HOSTS, TRACE_CASES } from './__fixtures__/cases';
import { fixtureSnapshot } from './__fixtures__/load';
import { expectedPath } from './expected-path';
import type { ExpectedPath } from './types';

const demo = fixtureSnapshot('demo');
const k3s = fixtureSnapshot('k3s');
const demoHosts = parseKnownHosts(KNOWN_HOSTS.demo);

function path(from: string, to: string, snap: InventorySnapshot = demo): ExpectedPath {
  return expectedPath(
    resolveEndpoint(parseEndpointRef(from), snap, 'from'),
    resolveEndpoint(parseEndpointRef(to), snap, 'to'),
    snap,
    { knownHosts: snap === demo ? demoHosts : parseKnownHosts(KNOWN_HOSTS.k3s) },
  );
}

const ids = (p: ExpectedPath) => p.elements.map((e) => e.id);

describe('expectedPath: pod networks', () => {
  it('S1: host-gw across nodes; the sending eth1 and the receiving cni0 never answer', () => {
    const p = path('pod:default/web-client', 'pod:default/httpd');
    expect(p.kind).toBe('host-gw');
    expect(p.elements.map((e) => [e.id, e.answers])).toEqual([
      ['pod:default/web-client', []],
      ['node-2/cni0', ['10.244.2.1']],
      ['node-2/eth1', []],
      ['node-1/eth1', ['192.168.56.11']],
      ['node-1/cni0', []],
      ['pod:default/httpd', ['10.244.1.3']],
    ]);
    expect(p.traceTarget).toEqual({ ip: '10.244.1.3', port: null });
    expect(p.traceEnd).toBe(5);
    // No port was named: a declared containerPort may not be listening, so no connect.
    expect(p.connectTarget).toBeNull();
    expect(p.sourceNode).toBe('node-2');
  });

  it('S1b: same node across the bridge', () => {
    const p = path('pod:default/nginx', 'pod:default/httpd');
    expect(p.kind).toBe('same-node');
    expect(ids(p)).toEqual(['pod:default/nginx', 'node-1/cni0', 'pod:default/httpd']);
  });

  it('vxlan: flannel.1 on both nodes, the remote one answering with its range .0', () => {
    const p = path('pod:default/client', 'pod:default/web', k3s);
    expect(p.kind).toBe('vxlan');
    expect(p.elements.map((e) => [e.id, e.answers])).toEqual([
      ['pod:default/client', []],
      ['k3s-agent-2/cni0', ['10.42.2.1']],
      ['k3s-agent-2/flannel.1', []],
      ['k3s-agent-1/flannel.1', ['10.42.1.0']],
      ['k3s-agent-1/cni0', []],
      ['pod:default/web', ['10.42.1.5']],
    ]);
  });

  it('a node or hostNetwork source starts in the host network', () => {
    expect(ids(path('node:node-2', 'pod:default/httpd'))).toEqual([
      'node:node-2',
      'node-2/eth1',
      'node-1/eth1',
      'node-1/cni0',
      'pod:default/httpd',
    ]);
    const local = path('pod:default/my-pod', 'pod:default/web-client');
    expect(local.kind).toBe('host-network');
    expect(ids(local)).toEqual(['pod:default/my-pod', 'node-2/cni0', 'pod:default/web-client']);
  });

  it('a hostNetwork pod as target is its node answering', () => {
    const p = path('pod:default/httpd', 'pod:default/my-pod');
    expect(p.kind).toBe('to-node');
    expect(p.elements.map((e) => [e.id, e.answers])).toEqual([
      ['pod:default/httpd', []],
      ['node-1/cni0', ['10.244.1.1']],
      ['node-1/eth1', []],
      ['node-2/eth1', []],
      ['pod:default/my-pod', ['192.168.56.12']],
    ]);
  });

  it('an address in a pod range that no pod has ends at an unknown element on that node', () => {
    const p = path('pod:default/web-client', 'ip:10.244.1.99:80');
    expect(ids(p).slice(-2)).toEqual(['node-1/cni0', 'unknown:10.244.1.99']);
    expect(p.connectTarget).toEqual({ ip: '10.244.1.99', port: 80 });
  });
});

describe('expectedPath: Services', () => {
  it('puts the Service as a virtual hop on the source node and traces the endpoint', () => {
    const p = path('pod:default/web-client', 'service:default/httpd');
    expect(ids(p)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'service:default/httpd',
      'node-2/eth1',
      'node-1/eth1',
      'node-1/cni0',
      'pod:default/httpd',
    ]);
    expect(p.elements[2]?.tags).toEqual(['virtual']);
    expect(p.traceTarget).toEqual({ ip: '10.244.1.3', port: 80 });
    expect(p.connectTarget).toEqual({ ip: '10.96.100.10', port: 80 });
    expect(p.via.endpoint).toEqual({
      ip: '10.244.1.3',
      pod: 'default/httpd',
      node: 'node-1',
      port: 80,
    });
  });

  it('an ip: cluster address is the same Service path', () => {
    expect(ids(path('pod:default/web-client', 'ip:10.96.100.10:80'))).toEqual(
      ids(path('pod:default/web-client', 'service:default/httpd')),
    );
  });

  it('prefers an endpoint on another node, then a local one', () => {
    const p = path('pod:default/web-client', 'service:default/k8s-go-demo-svc');
    expect(p.via.endpoint?.pod).toBe('default/k8s-go-demo-deploy-66cdbcd8d9-fxrql');
    const onlyLocal: InventorySnapshot = {
      ...demo,
      endpointSlices: demo.endpointSlices.map((s) =>
        s.serviceName === 'k8s-go-demo-svc'
          ? { ...s, endpoints: s.endpoints.filter((e) => e.nodeName === 'node-2') }
          : s,
      ),
    };
    const q = path('pod:default/web-client', 'service:default/k8s-go-demo-svc', onlyLocal);
    expect(ids(q)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'service:default/k8s-go-demo-svc',
      'node-2/cni0',
      'pod:default/k8s-go-demo-deploy-66cdbcd8d9-x88b8',
    ]);
    expect(q.elements[1]?.answers).toEqual([]);
  });

  it('internalTrafficPolicy Local leaves only endpoints on the source node', () => {
    const local: InventorySnapshot = {
      ...demo,
      services: demo.services.map((s) =>
        s.name === 'httpd' ? { ...s, internalTrafficPolicy: 'Local' } : s,
      ),
    };
    const p = path('pod:default/web-client', 'service:default/httpd', local);
    expect(p.via.readyEndpoints).toBe(0);
    expect(p.traceTarget).toBeNull();
    expect(p.elements[2]?.tags).toEqual(['virtual', 'no-endpoints']);
  });

  it('falls back to the selector when a Service has no EndpointSlice yet', () => {
    const noSlices: InventorySnapshot = {
      ...demo,
      endpointSlices: demo.endpointSlices.filter((s) => s.serviceName !== 'httpd'),
    };
    const p = path('pod:default/web-client', 'service:default/httpd', noSlices);
    expect(p.via.endpoint?.pod).toBe('default/httpd');
  });

  it('a headless Service with no ready pod ends at the Service, with nothing to trace', () => {
    const none: InventorySnapshot = {
      ...demo,
      endpointSlices: demo.endpointSlices.filter(
        (s) => s.serviceName !== 'k8s-go-demo-svc-headless',
      ),
      pods: demo.pods.map((p) => (p.labels.app === 'k8s-go-demo' ? { ...p, ready: false } : p)),
    };
    const p = path('pod:default/web-client', 'service:default/k8s-go-demo-svc-headless', none);
    expect(ids(p)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'service:default/k8s-go-demo-svc-headless',
    ]);
    expect(p.traceTarget).toBeNull();
    expect(p.notes.join('\n')).toMatch(/matches 2 pod\(s\), none ready/);
  });

  it('a NodePort of another node is traced to that node, the rest left to the connects', () => {
    const p = path('pod:default/web-client', 'ip:192.168.56.10:31801');
    // In on controlplane's eth1, DNATed there, and out again the same way to the endpoint.
    expect(ids(p)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'node-2/eth1',
      'controlplane/eth1',
      'service:default/k8s-go-demo-slb',
      'controlplane/eth1',
      'node-1/eth1',
      'node-1/cni0',
      'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql',
    ]);
    expect(p.traceTarget).toEqual({ ip: '192.168.56.10', port: null });
    expect(p.traceEnd).toBe(3);
    expect(p.elements[3]?.answers).toEqual(['192.168.56.10']);
    expect(p.elements[4]?.tags).toEqual(['virtual', 'nodeport']);
    expect(p.connectTarget).toEqual({ ip: '192.168.56.10', port: 31801 });
  });

  it('a Local-policy NodePort on a node without an endpoint leads nowhere', () => {
    const p = path('pod:default/web-client', 'ip:192.168.56.10:30080');
    expect(ids(p).slice(-2)).toEqual(['controlplane/eth1', 'service:kube-system/nginx-ingress-lb']);
    expect(p.elements.at(-1)?.tags).toEqual([
      'virtual',
      'nodeport',
      'local-policy-lb',
      'no-endpoints',
    ]);
    expect(p.traceEnd).toBe(3);
  });

  it('a NodePort of the source node is DNATed there, like a cluster IP', () => {
    const p = path('pod:default/nginx', 'ip:192.168.56.11:30080');
    expect(ids(p)).toEqual([
      'pod:default/nginx',
      'node-1/cni0',
      'service:kube-system/nginx-ingress-lb',
      'node-1/cni0',
      'pod:kube-system/nginx-ingress-controller-7d9fb',
    ]);
    expect(p.traceTarget?.ip).toBe('10.244.1.5');
  });

  it('a dns: name of a Service is the Service path; an unknown name waits for its address', () => {
    const p = path('pod:default/web-client', 'dns:httpd.default.svc.cluster.local:80');
    expect(ids(p)).toEqual(ids(path('pod:default/web-client', 'service:default/httpd')));
    const q = path('pod:default/web-client', 'dns:legacy-db.example:5432');
    expect(ids(q)).toEqual(['pod:default/web-client', 'node-2/cni0', 'external:legacy-db.example']);
    expect(q.traceTarget).toBeNull();
    const to: ResolvedEndpoint = {
      ...resolveEndpoint(parseEndpointRef('dns:legacy-db.example:5432'), demo, 'to'),
      ip: '192.168.2.10',
    };
    const from = resolveEndpoint(parseEndpointRef('pod:default/web-client'), demo, 'from');
    const looked = expectedPath(from, to, demo, { knownHosts: demoHosts });
    expect(looked.kind).toBe('to-outside');
    expect(looked.elements.at(-1)).toMatchObject({
      id: 'external:192.168.2.10',
      label: 'legacy-db',
    });
    expect(looked.connectTarget).toEqual({ ip: '192.168.2.10', port: 5432 });
  });
});

describe('expectedPath: outside', () => {
  it('goes through the known router when the address is off the nodes’ segment', () => {
    const p = path('pod:default/web-client', 'ip:192.168.2.10:5432');
    expect(ids(p).slice(2)).toEqual([
      'node-2/eth1',
      'external:192.168.56.1',
      'external:192.168.2.10',
    ]);
    expect(p.connectTarget).toEqual({ ip: '192.168.2.10', port: 5432 });
  });

  it('goes straight to an address on the segment, and to the router itself', () => {
    expect(ids(path('node:node-2', 'ip:192.168.56.50'))).toEqual([
      'node:node-2',
      'node-2/eth1',
      'external:192.168.56.50',
    ]);
    expect(ids(path('node:node-2', 'ip:192.168.56.1'))).toEqual([
      'node:node-2',
      'node-2/eth1',
      'external:192.168.56.1',
    ]);
  });

  it('has no router to name without known hosts', () => {
    const p = expectedPath(
      resolveEndpoint(parseEndpointRef('pod:default/web-client'), demo, 'from'),
      resolveEndpoint(parseEndpointRef('ip:8.8.8.8'), demo, 'to'),
      demo,
    );
    expect(ids(p)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'node-2/eth1',
      'external:8.8.8.8',
    ]);
  });
});

describe('expectedPath: other CNIs', () => {
  it('draws calico IPIP through tunl0 and matches by address only', () => {
    const calico = (n: InventoryNode, tunnel: string): InventoryNode => ({
      ...n,
      cni: { plugin: 'calico', backend: 'ipip', publicIP: n.internalIP, tunnelIP: tunnel },
    });
    const snap: InventorySnapshot = {
      ...demo,
      cni: { plugin: 'calico', backend: 'ipip', evidence: [] },
      nodes: demo.nodes.map((n, i) => calico(n, `10.244.${i}.64`)),
    };
    const p = path('pod:default/web-client', 'pod:default/httpd', snap);
    expect(p.kind).toBe('overlay-unknown');
    expect(p.elements.map((e) => [e.id, e.answers])).toEqual([
      ['pod:default/web-client', []],
      ['node-2/cni0', ['10.244.2.1', '192.168.56.12', '10.244.2.64']],
      ['node-2/tunl0', []],
      ['node-1/tunl0', ['192.168.56.11', '10.244.1.64']],
      ['node-1/cni0', []],
      ['pod:default/httpd', ['10.244.1.3']],
    ]);
    expect(p.notes.join('\n')).toMatch(/calico ipip/);
  });
});

describe('golden: the scenario traces', () => {
  it.each(TRACE_CASES.map((c) => c.name))('%s', (name) => {
    const c = TRACE_CASES.find((t) => t.name === name);
    if (!c) throw new Error(name);
    const p = path(c.from, c.to, c.cluster === 'demo' ? demo : k3s);
    const actual = { from: c.from, to: c.to, scenario: c.expect, ...p };
    const file = fileURLToPath(new URL(`./__golden__/${name}.json`, import.meta.url));
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
