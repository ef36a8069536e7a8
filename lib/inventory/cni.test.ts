import { describe, expect, it } from 'vitest';
import { detectCni } from './cni';
import type { InventoryDaemonSet, InventoryNode } from './types';

const node = (name: string, cni: Partial<InventoryNode['cni']> = {}): InventoryNode => ({
  name,
  internalIP: null,
  externalIP: null,
  podCIDRs: [],
  ready: true,
  labels: {},
  taints: [],
  cni: { plugin: 'unknown', backend: null, publicIP: null, tunnelIP: null, ...cni },
});

const ds = (namespace: string, name: string, images: string[]): InventoryDaemonSet => ({
  namespace,
  name,
  labels: {},
  images,
  hostNetwork: true,
});

describe('detectCni', () => {
  it('detects flannel host-gw from node annotations and the kube-flannel-ds DaemonSet', () => {
    const info = detectCni(
      [
        node('a', { plugin: 'flannel', backend: 'host-gw' }),
        node('b', { plugin: 'flannel', backend: 'host-gw' }),
      ],
      [ds('kube-system', 'kube-flannel-ds', ['docker.io/flannel/flannel:v0.25.1'])],
    );
    expect(info.plugin).toBe('flannel');
    expect(info.backend).toBe('host-gw');
    expect(info.evidence).toEqual([
      'flannel annotations on 2/2 nodes (a, b)',
      'DaemonSet kube-system/kube-flannel-ds (image docker.io/flannel/flannel:v0.25.1) belongs to flannel',
      'backend host-gw on a, b',
    ]);
  });

  it('detects flannel from annotations alone (k3s embeds flannel, there is no DaemonSet)', () => {
    const info = detectCni([node('server', { plugin: 'flannel', backend: 'vxlan' })], []);
    expect(info).toMatchObject({ plugin: 'flannel', backend: 'vxlan' });
  });

  it('detects calico and cilium from their DaemonSets when nodes carry no annotations', () => {
    expect(
      detectCni([node('a')], [ds('kube-system', 'calico-node', ['docker.io/calico/node:v3.27.0'])]),
    ).toMatchObject({
      plugin: 'calico',
      backend: null,
    });
    const cilium = detectCni(
      [node('a')],
      [ds('kube-system', 'cilium', ['quay.io/cilium/cilium:v1.15.1@sha256:abc'])],
    );
    expect(cilium.plugin).toBe('cilium');
    expect(cilium.evidence[0]).toContain('DaemonSet kube-system/cilium');
  });

  it('lets node annotations outweigh a DaemonSet of another CNI (canal: flannel routes)', () => {
    const info = detectCni(
      [node('a', { plugin: 'flannel', backend: 'vxlan' })],
      [ds('kube-system', 'calico-node', ['docker.io/calico/node:v3.27.0'])],
    );
    expect(info.plugin).toBe('flannel');
    expect(info.evidence.some((e) => e.includes('calico'))).toBe(true);
  });

  it('ignores look-alike DaemonSets outside the CNI namespaces', () => {
    const info = detectCni(
      [node('a')],
      [ds('default', 'cilium', ['quay.io/cilium/cilium:v1.15.1'])],
    );
    expect(info.plugin).toBe('unknown');
    expect(info.evidence).toEqual([
      'no flannel, calico or cilium annotations on nodes and no CNI DaemonSet found',
    ]);
  });

  it('picks the most common backend and says that nodes disagree', () => {
    const info = detectCni(
      [
        node('a', { plugin: 'flannel', backend: 'vxlan' }),
        node('b', { plugin: 'flannel', backend: 'host-gw' }),
        node('c', { plugin: 'flannel', backend: 'vxlan' }),
      ],
      [],
    );
    expect(info.backend).toBe('vxlan');
    expect(info.evidence).toContain(
      'nodes disagree on the flannel backend; using the most common one',
    );
  });
});
