/**
 * The inventory against the real API emulator: list, watch, reconnection after dropped
 * streams, relist after 410 Gone, and RBAC failures, all through client-node.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '../inventory/types';
import { connectCluster } from './connection';
import type { ClusterConnection } from './connection';
import { resolveClusterChoice } from './selection';
import { startDemoEmulator } from './test-support/emulator';
import type { Emulator } from './test-support/emulator';

const open: ClusterConnection[] = [];

function connect(emulator: Emulator): ClusterConnection {
  const files: Record<string, string> = { '/emulator.kubeconfig': emulator.kubeconfig() };
  const choice = resolveClusterChoice({
    env: { KUBECONFIG: '/emulator.kubeconfig' },
    argv: [],
    fileExists: (f) => f in files,
    readFile: (f) => files[f] ?? '',
  });
  if (choice.kind === 'demo') throw new Error('expected a kubeconfig choice');
  const connection = connectCluster(choice, {
    readFile: (f) => files[f] ?? '',
    // Short back-off keeps reconnection tests quick; the shape of the loop is unchanged.
    backoff: { baseMs: 150, maxMs: 1_000 },
  });
  open.push(connection);
  return connection;
}

/** Resolves with the first snapshot (current or future) that satisfies `check`. */
function snapshotWhere(
  connection: ClusterConnection,
  check: (s: InventorySnapshot) => boolean,
  timeoutMs = 10_000,
): Promise<InventorySnapshot> {
  return new Promise((resolve, reject) => {
    const now = connection.store.snapshot();
    if (check(now)) {
      resolve(now);
      return;
    }
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `no matching snapshot within ${timeoutMs} ms; status ${JSON.stringify(connection.status())}`,
        ),
      );
    }, timeoutMs);
    const off = connection.store.onChange((s) => {
      if (!check(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

/** Polls a condition that no snapshot change announces (informer state). */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const allWatching = (c: ClusterConnection) => c.status().informers.every((i) => i.watching);

const podNamed = (s: InventorySnapshot, namespace: string, name: string) =>
  s.pods.find((p) => p.namespace === namespace && p.name === name);

const testPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { test: 'inventory' } },
  spec: {
    nodeName: 'node-1',
    containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
  },
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe('inventory against the demo emulator', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startDemoEmulator();
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('loads the demo cluster: nodes, pods, Services, endpoint slices and flannel host-gw', async () => {
    const connection = connect(emulator);
    await connection.ready();
    expect(connection.isReady()).toBe(true);
    expect(connection.context).toBe('demo');

    // Pod IPs and endpoint slices come from the emulator's controllers a moment after start.
    const s = await snapshotWhere(
      connection,
      (snap) =>
        podNamed(snap, 'default', 'httpd')?.ip === '10.244.1.3' &&
        snap.endpointSlices.some(
          (e) => e.serviceName === 'k8s-go-demo-svc' && e.endpoints.length === 2,
        ),
    );
    expect(s.cluster).toBe('demo');
    expect(s.nodes.map((n) => [n.name, n.internalIP, n.podCIDRs])).toEqual([
      ['controlplane', '192.168.56.10', ['10.244.0.0/24']],
      ['node-1', '192.168.56.11', ['10.244.1.0/24']],
      ['node-2', '192.168.56.12', ['10.244.2.0/24']],
    ]);
    expect(s.nodes.every((n) => n.cni.plugin === 'flannel' && n.cni.backend === 'host-gw')).toBe(
      true,
    );

    for (const [ns, name, node] of [
      ['default', 'nginx', 'node-1'],
      ['default', 'httpd', 'node-1'],
      ['default', 'k8s-go-demo-deploy-66cdbcd8d9-fxrql', 'node-1'],
      ['default', 'k8s-go-demo-deploy-66cdbcd8d9-x88b8', 'node-2'],
      ['default', 'web-client', 'node-2'],
      ['kube-system', 'nginx-ingress-controller-7d9fb', 'node-1'],
      ['default', 'my-pod', 'node-2'],
    ] as const) {
      expect(podNamed(s, ns, name)?.nodeName, `${ns}/${name}`).toBe(node);
    }
    const myPod = podNamed(s, 'default', 'my-pod');
    expect(myPod).toMatchObject({ hostNetwork: true });
    expect(s.pods.filter((p) => p.name.startsWith('kube-flannel-ds-'))).toHaveLength(3);

    const services = new Map(s.services.map((svc) => [`${svc.namespace}/${svc.name}`, svc]));
    expect(services.get('default/k8s-go-demo-svc')).toMatchObject({
      clusterIP: '10.96.212.203',
      type: 'ClusterIP',
    });
    expect(services.get('default/k8s-go-demo-svc-headless')).toMatchObject({
      headless: true,
      clusterIP: null,
    });
    expect(services.get('kube-system/nginx-ingress-lb')).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerIngress: ['192.168.56.240'],
    });
    expect(services.get('default/legacy-api')?.selector).toEqual({ app: 'legacy-api' });

    const goSlice = s.endpointSlices.find((e) => e.serviceName === 'k8s-go-demo-svc');
    expect(goSlice?.endpoints.flatMap((e) => e.addresses).sort()).toEqual([
      '10.244.1.4',
      '10.244.2.4',
    ]);
    const legacy = s.endpointSlices.filter((e) => e.serviceName === 'legacy-api');
    expect(legacy.flatMap((e) => e.endpoints)).toEqual([]);

    expect(s.daemonSets.map((d) => `${d.namespace}/${d.name}`)).toContain(
      'kube-system/kube-flannel-ds',
    );
    expect(s.cni.plugin).toBe('flannel');
    expect(s.cni.backend).toBe('host-gw');
    expect(s.cni.evidence.join('\n')).toContain('kube-flannel-ds');

    const status = connection.status().informers;
    expect(status.map((i) => i.resource).sort()).toEqual([
      'daemonsets',
      'endpointslices',
      'networkpolicies',
      'nodes',
      'pods',
      'services',
    ]);
    expect(status.every((i) => i.synced && i.lastError === null)).toBe(true);
  });

  it('sees a pod created in the cluster through its watch', async () => {
    const connection = connect(emulator);
    await connection.ready();
    const before = connection.store.revision;
    emulator.store.create('pods', testPod('watched-1'));
    const s = await snapshotWhere(
      connection,
      (snap) => podNamed(snap, 'default', 'watched-1') !== undefined,
    );
    expect(s.revision).toBeGreaterThan(before);
    expect(podNamed(s, 'default', 'watched-1')?.labels).toEqual({ test: 'inventory' });
    const pods = connection.status().informers.find((i) => i.resource === 'pods');
    expect(pods).toMatchObject({ relists: 0, restarts: 0 });
    emulator.store.delete('pods', 'default', 'watched-1');
    await snapshotWhere(connection, (snap) => podNamed(snap, 'default', 'watched-1') === undefined);
  });

  it('reconnects after the API server drops every watch and catches up on changes made meanwhile', async () => {
    const connection = connect(emulator);
    await connection.ready();
    await until(() => allWatching(connection), 'every watch open');

    emulator.dropWatches();
    // No watch is open now: this change can only arrive by resuming from the last version.
    emulator.store.create('pods', testPod('while-away'));

    const s = await snapshotWhere(
      connection,
      (snap) => podNamed(snap, 'default', 'while-away') !== undefined,
    );
    expect(podNamed(s, 'default', 'while-away')).toBeDefined();
    const pods = connection.status().informers.find((i) => i.resource === 'pods');
    expect(pods?.restarts).toBeGreaterThanOrEqual(1);
    expect(pods?.relists).toBe(0);
    await until(() => allWatching(connection), 'every watch open again');
    expect(connection.status().informers.every((i) => i.restarts >= 1)).toBe(true);
    emulator.store.delete('pods', 'default', 'while-away');
  });

  it('relists after 410 Gone and ends up with exactly the cluster state', async () => {
    const connection = connect(emulator);
    await connection.ready();
    emulator.store.create('pods', testPod('doomed'));
    await snapshotWhere(connection, (snap) => podNamed(snap, 'default', 'doomed') !== undefined);
    await until(() => allWatching(connection), 'every watch open');

    emulator.dropWatches();
    // The deletion is compacted away before anyone resumes: only a relist can notice it.
    emulator.store.delete('pods', 'default', 'doomed');
    emulator.store.compact();
    emulator.store.create('pods', testPod('newcomer'));

    const s = await snapshotWhere(
      connection,
      (snap) =>
        podNamed(snap, 'default', 'newcomer') !== undefined &&
        podNamed(snap, 'default', 'doomed') === undefined,
    );
    const pods = connection.status().informers.find((i) => i.resource === 'pods');
    expect(pods?.relists).toBeGreaterThanOrEqual(1);
    expect(pods?.lastErrorCode).toBe('gone');
    // The relisted inventory equals a fresh list of the cluster.
    const fresh = emulator.store
      .list('pods')
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(s.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual([...fresh].sort());
    emulator.store.delete('pods', 'default', 'newcomer');
  });
});

describe('RBAC failures against the emulator', () => {
  it('leaves a forbidden optional resource empty and reports it, but is ready', async () => {
    const emulator = await startDemoEmulator({
      forbid: [{ verb: 'list', resource: 'networkpolicies' }],
    });
    try {
      const connection = connect(emulator);
      await connection.ready();
      expect(connection.isReady()).toBe(true);
      const policies = connection.status().informers.find((i) => i.resource === 'networkpolicies');
      expect(policies).toMatchObject({ synced: false, lastErrorCode: 'forbidden' });
      expect(policies?.lastError).toContain('cannot list resource "networkpolicies"');
      expect(connection.store.snapshot().networkPolicies).toEqual([]);
    } finally {
      await Promise.all(open.splice(0).map((c) => c.close()));
      await emulator.close();
    }
  });

  it('fails ready() with ClusterError forbidden when pods cannot be listed', async () => {
    const emulator = await startDemoEmulator({ forbid: [{ verb: 'list', resource: 'pods' }] });
    try {
      const connection = connect(emulator);
      await expect(connection.ready()).rejects.toMatchObject({
        name: 'ClusterError',
        code: 'forbidden',
        status: 403,
      });
      expect(connection.isReady()).toBe(false);
    } finally {
      await Promise.all(open.splice(0).map((c) => c.close()));
      await emulator.close();
    }
  });
});
