/**
 * Orphan cleanup against the API emulator: podpath's probe pods go, everything else stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEmulator, type Emulator } from '../cluster/test-support/emulator';
import type { ClusterClient } from '../cluster/types';
import { PROBE_SELECTOR, deleteOrphanedProbes } from './cleanup';
import { labelValueFor } from './manifest';
import { clientForKubeconfig } from './test-support/cluster';
import { PROBE_LABELS } from './types';

describe('deleteOrphanedProbes', () => {
  let emulator: Emulator;
  let client: ClusterClient;

  beforeAll(async () => {
    emulator = await startDemoEmulator();
    client = clientForKubeconfig({ text: emulator.kubeconfig() });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it('deletes labelled probe pods in every namespace and nothing else', async () => {
    const sleeper = (namespace: string) => ({
      metadata: { namespace, generateName: 'podpath-probe-' },
      spec: {
        restartPolicy: 'Never' as const,
        containers: [{ name: 'probe', image: 'busybox', command: ['sleep', '3600'] }],
      },
    });
    // createPod always adds the managed-by label: these stand for a crashed server's probes.
    const left = await Promise.all([
      client.createPod(sleeper('default')),
      client.createPod(sleeper('kube-system')),
    ]);
    // A pod that is not podpath's, with a look-alike name, created behind the door's back.
    emulator.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: 'default',
        name: 'podpath-probe-imposter',
        labels: { 'app.kubernetes.io/managed-by': 'helm' },
      },
      spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
    });
    const before = (await client.listPods()).map((p) => `${p.namespace}/${p.name}`);

    const result = await deleteOrphanedProbes(client);
    expect(result.failed).toEqual([]);
    expect(result.deleted.map((r) => `${r.namespace}/${r.name}`).sort()).toEqual(
      left.map((p) => `${p.namespace}/${p.name}`).sort(),
    );
    for (const pod of left) {
      await client.waitForPod(pod, (p) => p === null, { timeoutMs: 10_000 });
    }
    expect(await client.listPods({ labelSelector: PROBE_SELECTOR })).toEqual([]);
    const after = (await client.listPods()).map((p) => `${p.namespace}/${p.name}`);
    const removed = before.filter((name) => !after.includes(name));
    expect(removed.sort()).toEqual(left.map((p) => `${p.namespace}/${p.name}`).sort());
    expect(after).toContain('default/podpath-probe-imposter');
    await expect(deleteOrphanedProbes(client)).resolves.toEqual({
      deleted: [],
      failed: [],
      kept: [],
    });
  });

  it('keeps the probes of traces still running, matched by their trace-id label', async () => {
    const longId = 'an id that is no label value/'.repeat(3);
    const probe = (traceId: string | null) =>
      client.createPod({
        metadata: {
          namespace: 'default',
          generateName: 'podpath-probe-',
          labels: traceId === null ? {} : { [PROBE_LABELS.traceId]: labelValueFor(traceId) },
        },
        spec: {
          restartPolicy: 'Never' as const,
          containers: [{ name: 'probe', image: 'busybox', command: ['sleep', '3600'] }],
        },
      });
    const [live, liveLong, dead, unlabelled] = await Promise.all([
      probe('live-trace'),
      probe(longId),
      probe('dead-trace'),
      probe(null),
    ]);
    const name = (p: { name: string }) => p.name;

    const result = await deleteOrphanedProbes(client, {
      keepTraceIds: ['live-trace', longId, 'not-probing'],
    });
    expect(result.failed).toEqual([]);
    expect(result.kept.map(name).sort()).toEqual([live!, liveLong!].map(name).sort());
    expect(result.deleted.map(name).sort()).toEqual([dead!, unlabelled!].map(name).sort());
    for (const pod of [dead!, unlabelled!]) {
      await client.waitForPod(pod, (p) => p === null, { timeoutMs: 10_000 });
    }
    const left = (await client.listPods({ labelSelector: PROBE_SELECTOR })).map(name);
    expect(left.sort()).toEqual([live!, liveLong!].map(name).sort());

    // Once those traces end, the next sweep takes their probes too.
    const again = await deleteOrphanedProbes(client);
    expect(again.deleted.map(name).sort()).toEqual([live!, liveLong!].map(name).sort());
  });

  it('reports pods it may not delete and carries on', async () => {
    const denied = await startDemoEmulator({
      forbid: [{ verb: 'delete', resource: 'pods', namespace: 'kube-system' }],
    });
    try {
      const c = clientForKubeconfig({ text: denied.kubeconfig() });
      const make = (namespace: string) =>
        c.createPod({
          metadata: { namespace, generateName: 'podpath-probe-' },
          spec: { containers: [{ name: 'probe', image: 'busybox', command: ['sleep', '1'] }] },
        });
      const [ok, stuck] = await Promise.all([make('default'), make('kube-system')]);
      const result = await deleteOrphanedProbes(c);
      expect(result.deleted).toEqual([{ namespace: 'default', name: ok.name }]);
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]?.pod).toEqual({ namespace: 'kube-system', name: stuck.name });
      expect(result.failed[0]?.error).toMatch(/forbidden|cannot delete/i);
    } finally {
      await denied.close();
    }
  });
});
