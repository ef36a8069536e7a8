import { describe, expect, it, vi } from 'vitest';
import { InventoryStore } from './inventory-store';
import type { InventorySnapshot } from './types';

const pod = (name: string, rv: string, ip: string | null = null) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default', resourceVersion: rv },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running', ...(ip ? { podIP: ip } : {}) },
});

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('InventoryStore', () => {
  it('applies ADDED, MODIFIED and DELETED and bumps the revision only on real changes', () => {
    const store = new InventoryStore('test');
    expect(store.apply('pods', 'ADDED', pod('a', '1'))).toBe(true);
    expect(store.revision).toBe(1);
    // Same content at a new resourceVersion (a status heartbeat) reshapes identically.
    expect(store.apply('pods', 'MODIFIED', pod('a', '2'))).toBe(false);
    expect(store.revision).toBe(1);
    expect(store.apply('pods', 'MODIFIED', pod('a', '3', '10.244.1.9'))).toBe(true);
    expect(store.snapshot().pods[0]?.ip).toBe('10.244.1.9');
    expect(store.apply('pods', 'DELETED', pod('a', '4'))).toBe(true);
    expect(store.apply('pods', 'DELETED', pod('a', '4'))).toBe(false);
    expect(store.snapshot().pods).toEqual([]);
    expect(store.revision).toBe(3);
  });

  it('replace drops objects missing from the new list and is a no-op for the same list', () => {
    const store = new InventoryStore('test');
    store.replace('pods', [pod('a', '1'), pod('b', '1')]);
    expect(store.snapshot().pods.map((p) => p.name)).toEqual(['a', 'b']);
    const before = store.revision;
    expect(store.replace('pods', [pod('b', '1'), pod('a', '1')])).toBe(false);
    expect(store.revision).toBe(before);
    expect(store.replace('pods', [pod('b', '1')])).toBe(true);
    expect(store.snapshot().pods.map((p) => p.name)).toEqual(['b']);
  });

  it('hands out a frozen snapshot that stays the same object until something changes', () => {
    const store = new InventoryStore('test');
    store.apply('nodes', 'ADDED', { metadata: { name: 'n1' } });
    const first = store.snapshot();
    expect(store.snapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.nodes[0])).toBe(true);
    expect(() => {
      (first.nodes as unknown[]).push({});
    }).toThrow(TypeError);
    store.apply('nodes', 'ADDED', { metadata: { name: 'n2' } });
    expect(store.snapshot()).not.toBe(first);
    expect(first.nodes).toHaveLength(1);
    expect(store.snapshot()).toMatchObject({ cluster: 'test', revision: 2 });
  });

  it('announces a burst of changes in one tick once, with the final snapshot', async () => {
    const store = new InventoryStore('test');
    const seen: InventorySnapshot[] = [];
    const off = store.onChange((s) => seen.push(s));
    store.apply('pods', 'ADDED', pod('a', '1'));
    store.apply('pods', 'ADDED', pod('b', '1'));
    await tick();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.pods.map((p) => p.name)).toEqual(['a', 'b']);
    off();
    store.apply('pods', 'ADDED', pod('c', '1'));
    await tick();
    expect(seen).toHaveLength(1);
  });

  it('keeps notifying other listeners when one throws', async () => {
    const store = new InventoryStore('test');
    const good = vi.fn();
    store.onChange(() => {
      throw new Error('closed stream');
    });
    store.onChange(good);
    store.apply('services', 'ADDED', { metadata: { name: 's', namespace: 'default' } });
    await tick();
    expect(good).toHaveBeenCalledTimes(1);
  });

  it('recomputes CNI detection from nodes and DaemonSets', () => {
    const store = new InventoryStore('test');
    expect(store.snapshot().cni.plugin).toBe('unknown');
    store.apply('daemonsets', 'ADDED', {
      metadata: { name: 'calico-node', namespace: 'kube-system' },
      spec: { template: { spec: { containers: [{ image: 'docker.io/calico/node:v3.27.0' }] } } },
    });
    expect(store.snapshot().cni.plugin).toBe('calico');
  });

  it('ignores values that are not objects', () => {
    const store = new InventoryStore('test');
    expect(store.apply('pods', 'ADDED', null)).toBe(false);
    expect(store.replace('pods', ['x', 3])).toBe(false);
  });
});
