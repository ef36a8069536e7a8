/**
 * Hop resolution against the scenario clusters. The golden file __golden__/addresses.json
 * lists what every address of the demo and k3s clusters (and a few outside ones) resolves to;
 * after an intended change regenerate it with
 *   UPDATE_GOLDEN=1 npx vitest run lib/resolve
 * and review the diff against shared/scenarios.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventoryNode, InventorySnapshot } from '@/lib/inventory/types';
import type { HopEntity } from '@/lib/trace/types';
import { fixtureSnapshot } from '../topology/__fixtures__/load';
import { entityElementId } from './element-ids';
import { parseKnownHosts } from './known-hosts';
import { resolveAddress, resolveHops } from './resolve-address';

const demo = fixtureSnapshot('demo');
const k3s = fixtureSnapshot('k3s');
const demoHosts = parseKnownHosts('192.168.56.1=gw:router,192.168.2.10=legacy-db:host');
const k3sHosts = parseKnownHosts('192.168.1.1=router:router,192.168.2.10=office-host:host');

describe('resolveAddress on the demo cluster', () => {
  const r = (ip: string) => resolveAddress(ip, demo, { knownHosts: demoHosts });

  it('gives pods, with their node', () => {
    expect(r('10.244.1.3')).toMatchObject({
      kind: 'pod',
      namespace: 'default',
      name: 'httpd',
      node: 'node-1',
    });
  });

  it("resolves a hostNetwork pod's address to its node's uplink, not to the pod", () => {
    // my-pod and kube-flannel-ds-b8r5t both carry 192.168.56.12.
    expect(r('192.168.56.12')).toEqual({
      kind: 'interface',
      node: 'node-2',
      name: 'eth1',
      label: 'eth1 of node-2',
    });
  });

  it('names cni0 for the podCIDR gateway; the .0 of a host-gw range is nobody', () => {
    expect(r('10.244.2.1')).toMatchObject({ kind: 'interface', node: 'node-2', name: 'cni0' });
    expect(r('10.244.2.0')).toMatchObject({ kind: 'unknown', node: 'node-2' });
    expect(r('10.244.2.99').label).toMatch(/pod range/);
  });

  it('gives Services by cluster IP and LoadBalancers by ingress IP, with the policy', () => {
    expect(r('10.96.212.203')).toMatchObject({
      kind: 'service',
      namespace: 'default',
      name: 'k8s-go-demo-svc',
    });
    expect(r('192.168.56.240')).toMatchObject({
      kind: 'loadbalancer',
      namespace: 'kube-system',
      name: 'nginx-ingress-lb',
    });
    expect(r('192.168.56.240').label).toContain('externalTrafficPolicy Local');
  });

  it('names known outside machines and leaves the rest unknown', () => {
    expect(r('192.168.56.1')).toEqual({ kind: 'external', name: 'gw', label: 'router gw' });
    expect(r('192.168.2.10')).toMatchObject({ kind: 'external', name: 'legacy-db' });
    expect(r('8.8.8.8')).toMatchObject({ kind: 'unknown' });
    expect(resolveAddress('192.168.56.1', demo)).toMatchObject({ kind: 'unknown' });
    expect(r('not-an-ip')).toEqual({ kind: 'unknown', label: 'not an IP address' });
  });

  it('uses the configured uplink name', () => {
    expect(resolveAddress('192.168.56.11', demo, { uplinkName: 'eth0' })).toMatchObject({
      kind: 'interface',
      name: 'eth0',
    });
  });
});

describe('resolveAddress on the k3s cluster (flannel vxlan)', () => {
  it("names flannel.1 for the podCIDR's network address", () => {
    expect(resolveAddress('10.42.1.0', k3s)).toEqual({
      kind: 'interface',
      node: 'k3s-agent-1',
      name: 'flannel.1',
      label: 'flannel.1 of k3s-agent-1 (flannel vxlan)',
    });
    expect(resolveAddress('10.42.2.1', k3s)).toMatchObject({ name: 'cni0', node: 'k3s-agent-2' });
  });
});

describe('resolveAddress with calico and cilium nodes', () => {
  const withCni = (cni: InventoryNode['cni']): InventorySnapshot => ({
    ...demo,
    nodes: demo.nodes.map((n) => (n.name === 'node-1' ? { ...n, cni } : n)),
  });

  it('names tunl0 (calico IPIP), vxlan.calico and cilium_host from the node annotations', () => {
    const ipip = withCni({
      plugin: 'calico',
      backend: 'ipip',
      publicIP: '192.168.56.11',
      tunnelIP: '10.244.1.64',
    });
    expect(resolveAddress('10.244.1.64', ipip)).toMatchObject({
      kind: 'interface',
      node: 'node-1',
      name: 'tunl0',
    });
    const vxlan = withCni({
      plugin: 'calico',
      backend: 'vxlan',
      publicIP: null,
      tunnelIP: '10.244.1.65',
    });
    expect(resolveAddress('10.244.1.65', vxlan)).toMatchObject({ name: 'vxlan.calico' });
    const cilium = withCni({
      plugin: 'cilium',
      backend: null,
      publicIP: null,
      tunnelIP: '10.0.1.5',
    });
    expect(resolveAddress('10.0.1.5', cilium)).toMatchObject({
      kind: 'interface',
      node: 'node-1',
      name: 'cilium_host',
    });
  });
});

describe('resolveAddress with reused pod addresses', () => {
  it('prefers the live pod over a finished one that still shows the address', () => {
    const live = demo.pods.find((p) => p.name === 'httpd');
    if (!live) throw new Error('fixture lacks httpd');
    const snap: InventorySnapshot = {
      ...demo,
      pods: [{ ...live, name: 'old-job', phase: 'Succeeded', ready: false }, ...demo.pods],
    };
    expect(resolveAddress('10.244.1.3', snap)).toMatchObject({ kind: 'pod', name: 'httpd' });
  });
});

describe('resolveHops', () => {
  it('resolves answering hops, keeps silent ones and the parser extras', () => {
    const hops = resolveHops(
      [
        { ttl: 1, ip: '10.244.2.1', rttMs: [0.05] },
        { ttl: 2, ip: null, rttMs: [] },
        { ttl: 3, ip: '192.168.56.11', rttMs: [0.1, 0.2], annotations: ['!H'], host: null },
      ],
      demo,
    );
    expect(hops).toEqual([
      {
        ttl: 1,
        ip: '10.244.2.1',
        rttMs: [0.05],
        entity: {
          kind: 'interface',
          node: 'node-2',
          name: 'cni0',
          label: 'cni0 of node-2 (pod gateway)',
        },
      },
      { ttl: 2, ip: null, rttMs: [], entity: null },
      {
        ttl: 3,
        ip: '192.168.56.11',
        rttMs: [0.1, 0.2],
        annotations: ['!H'],
        host: null,
        entity: { kind: 'interface', node: 'node-1', name: 'eth1', label: 'eth1 of node-1' },
      },
    ]);
  });
});

describe('golden: every scenario address', () => {
  const table = (snap: InventorySnapshot, hosts: typeof demoHosts, extra: string[]) => {
    const addresses = new Set<string>(extra);
    for (const n of snap.nodes) {
      if (n.internalIP) addresses.add(n.internalIP);
      for (const c of n.podCIDRs) {
        const base = c.split('/')[0]?.split('.').slice(0, 3).join('.');
        for (const last of [0, 1, 99]) addresses.add(`${base}.${last}`);
      }
    }
    for (const p of snap.pods) if (p.ip) addresses.add(p.ip);
    for (const s of snap.services) {
      if (s.clusterIP) addresses.add(s.clusterIP);
      s.loadBalancerIngress.forEach((ip) => addresses.add(ip));
    }
    for (const h of hosts) addresses.add(h.ip);
    const rows: Record<string, { id: string; entity: HopEntity }> = {};
    for (const ip of [...addresses].sort(compareIp)) {
      const entity = resolveAddress(ip, snap, { knownHosts: hosts });
      rows[ip] = { id: entityElementId(entity, ip), entity };
    }
    return rows;
  };

  it('matches __golden__/addresses.json', () => {
    const actual = {
      demo: table(demo, demoHosts, ['192.168.2.1', '8.8.8.8']),
      k3s: table(k3s, k3sHosts, ['192.168.2.1']),
    };
    const file = fileURLToPath(new URL('./__golden__/addresses.json', import.meta.url));
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});

function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
