/**
 * @kubernetes/client-node 2.0 against the emulator: the typed calls the cluster door and the
 * probes make, with their responses decoded and their errors surfaced as ApiException codes.
 */
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './index';
import { eventually, startTestEmulator } from './test-support';

let emulator: Emulator;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  ({ emulator } = await startTestEmulator());
  kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await emulator.close();
});

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error('expected an ApiException');
}

describe('client-node', () => {
  it('reads the kubeconfig context and lists typed objects', async () => {
    expect(kc.getCurrentContext()).toBe('demo');
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['controlplane', 'node-1', 'node-2']);
    const internal = nodes.items.map(
      (n) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
    );
    expect(internal).toEqual(['192.168.56.10', '192.168.56.11', '192.168.56.12']);
    const pods = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'app=k8s-go-demo',
    });
    expect(pods.items.map((p) => p.status?.podIP).sort()).toEqual(['10.244.1.4', '10.244.2.4']);
  });

  it('creates a probe pod, reads its log and deletes it', async () => {
    const pod: V1Pod = {
      metadata: { generateName: 'probe-', labels: { 'app.kubernetes.io/managed-by': 'podpath' } },
      spec: {
        nodeName: 'node-2',
        restartPolicy: 'Never',
        containers: [{ name: 'probe', image: 'busybox', command: ['traceroute', '10.244.1.3'] }],
      },
    };
    const created = await core.createNamespacedPod({ namespace: 'default', body: pod });
    const name = created.metadata?.name ?? '';
    expect(name).toMatch(/^probe-/);
    expect(created.status?.phase).toBe('Pending');
    const done = await eventually(async () => {
      const p = await core.readNamespacedPod({ name, namespace: 'default' });
      return p.status?.phase === 'Succeeded' ? p : undefined;
    });
    expect(done.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    const log = await core.readNamespacedPodLog({ name, namespace: 'default', container: 'probe' });
    expect(log).toBe('ran: traceroute 10.244.1.3\n');
    const deleted = await core.deleteNamespacedPod({
      name,
      namespace: 'default',
      gracePeriodSeconds: 0,
    });
    expect(deleted.metadata?.name).toBe(name);
    const gone = await apiError(core.readNamespacedPod({ name, namespace: 'default' }));
    expect(gone.code).toBe(404);
  });

  it('adds an ephemeral container with a strategic merge patch', async () => {
    const patched = await core.patchNamespacedPodEphemeralcontainers(
      {
        name: 'web-client',
        namespace: 'default',
        body: {
          spec: {
            ephemeralContainers: [
              { name: 'probe', image: 'busybox', command: ['traceroute', '10.244.1.3'] },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(['probe']);
    const log = await eventually(async () => {
      try {
        const text = await core.readNamespacedPodLog({
          name: 'web-client',
          namespace: 'default',
          container: 'probe',
        });
        return text || undefined;
      } catch {
        return undefined;
      }
    });
    expect(log).toBe('ran: traceroute 10.244.1.3\n');
  });

  it('surfaces API errors with their status code', async () => {
    const conflict = await apiError(
      core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name: 'httpd' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      }),
    );
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body).reason).toBe('AlreadyExists');
    const invalid = await apiError(
      core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name: 'UPPER' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      }),
    );
    expect(invalid.code).toBe(422);
  });

  it('watches with the Watch helper', async () => {
    const seen: string[] = [];
    const watch = new Watch(kc);
    const controller = await watch.watch(
      '/api/v1/namespaces/default/pods',
      { labelSelector: 'run=httpd' },
      (type, obj: V1Pod) => seen.push(`${type} ${obj.metadata?.name}`),
      () => {},
    );
    try {
      await eventually(() => (seen.includes('ADDED httpd') ? true : undefined));
      await core.patchNamespacedPod(
        {
          name: 'httpd',
          namespace: 'default',
          body: { metadata: { annotations: { seen: 'yes' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(() => (seen.includes('MODIFIED httpd') ? true : undefined));
    } finally {
      controller.abort();
    }
  });
});
