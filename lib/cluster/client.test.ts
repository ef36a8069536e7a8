/**
 * The ClusterClient the probes use, against the real API emulator through client-node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterClient } from './client';
import { kubeConfigFor, resolveClusterChoice } from './selection';
import { startDemoEmulator } from './test-support/emulator';
import type { Emulator } from './test-support/emulator';
import { KubeTransport } from './transport';
import type { ClusterClient, PodManifest } from './types';

function clientFor(emulator: Emulator): ClusterClient {
  const files: Record<string, string> = { '/k': emulator.kubeconfig() };
  const choice = resolveClusterChoice({
    env: { KUBECONFIG: '/k' },
    argv: [],
    fileExists: (f) => f in files,
    readFile: (f) => files[f] ?? '',
  });
  if (choice.kind !== 'kubeconfig') throw new Error('expected a kubeconfig choice');
  return createClusterClient(
    new KubeTransport(kubeConfigFor(choice, (f) => files[f] ?? '')),
    choice.context,
  );
}

const probe = (name: string, command: string[]): PodManifest => ({
  metadata: { namespace: 'default', name, labels: { 'podpath.io/trace': 't1' } },
  spec: {
    nodeName: 'node-2',
    restartPolicy: 'Never',
    tolerations: [{ operator: 'Exists' }],
    containers: [{ name: 'probe', image: 'busybox', command }],
  },
});

describe('ClusterClient against the demo emulator', () => {
  let emulator: Emulator;
  let client: ClusterClient;

  beforeAll(async () => {
    emulator = await startDemoEmulator();
    client = clientFor(emulator);
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('creates a probe pod, waits for it to finish and reads its log', async () => {
    const created = await client.createPod(probe('probe-echo', ['echo', 'hello']));
    expect(created).toMatchObject({
      namespace: 'default',
      name: 'probe-echo',
      isProbe: true,
      nodeName: 'node-2',
    });
    expect(created.labels).toMatchObject({
      'podpath.io/trace': 't1',
      'app.kubernetes.io/managed-by': 'podpath',
    });

    const done = await client.waitForPod(
      { namespace: 'default', name: 'probe-echo' },
      (p) => p?.phase === 'Succeeded' || p?.phase === 'Failed',
      { timeoutMs: 10_000 },
    );
    expect(done?.phase).toBe('Succeeded');
    expect(done?.containers?.[0]).toMatchObject({
      name: 'probe',
      state: 'terminated',
      exitCode: 0,
    });
    await expect(client.readPodLog({ namespace: 'default', name: 'probe-echo' })).resolves.toBe(
      'ran: echo hello\n',
    );

    const got = await client.getPod({ namespace: 'default', name: 'probe-echo' });
    expect(got.uid).toBe(created.uid);
  });

  it('lists pods by label selector', async () => {
    await client.createPod(probe('probe-listed', ['true']));
    const probes = await client.listPods({ labelSelector: 'app.kubernetes.io/managed-by=podpath' });
    expect(probes.map((p) => p.name)).toContain('probe-listed');
    expect(probes.every((p) => p.isProbe)).toBe(true);
    const web = await client.listPods({ namespace: 'default', labelSelector: 'run=web-client' });
    expect(web.map((p) => p.name)).toEqual(['web-client']);
  });

  it('deletes a pod idempotently and waits for it to be gone', async () => {
    await client.createPod(probe('probe-deleted', ['sleep', '3600']));
    await expect(
      client.deletePod({ namespace: 'default', name: 'probe-deleted', gracePeriodSeconds: 0 }),
    ).resolves.toBe(true);
    await expect(
      client.waitForPod({ namespace: 'default', name: 'probe-deleted' }, (p) => p === null, {
        timeoutMs: 10_000,
      }),
    ).resolves.toBeNull();
    await expect(client.deletePod({ namespace: 'default', name: 'probe-deleted' })).resolves.toBe(
      false,
    );
    await expect(
      client.getPod({ namespace: 'default', name: 'probe-deleted' }),
    ).rejects.toMatchObject({
      name: 'ClusterError',
      code: 'not-found',
      status: 404,
    });
  });

  it('adds an ephemeral container and sees it run to completion', async () => {
    const patched = await client.patchEphemeralContainers(
      { namespace: 'default', name: 'web-client' },
      { name: 'podpath-trace-1', image: 'busybox', command: ['traceroute', '-n', '10.244.1.3'] },
    );
    expect(patched.containers?.some((c) => c.name === 'podpath-trace-1' && c.ephemeral)).toBe(true);
    const done = await client.waitForPod(
      { namespace: 'default', name: 'web-client' },
      (p) => p?.containers?.find((c) => c.name === 'podpath-trace-1')?.state === 'terminated',
      { timeoutMs: 10_000 },
    );
    expect(done?.containers?.find((c) => c.name === 'podpath-trace-1')).toMatchObject({
      ephemeral: true,
      exitCode: 0,
    });
    await expect(
      client.readPodLog({ namespace: 'default', name: 'web-client', container: 'podpath-trace-1' }),
    ).resolves.toBe('ran: traceroute -n 10.244.1.3\n');
  });

  it('times out waiting for a condition that never holds', async () => {
    const started = Date.now();
    await expect(
      client.waitForPod({ namespace: 'default', name: 'httpd' }, (p) => p?.phase === 'Failed', {
        timeoutMs: 600,
      }),
    ).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('last seen: phase Running'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers access reviews', async () => {
    await expect(
      client.selfSubjectAccessReview({ verb: 'create', resource: 'pods', namespace: 'default' }),
    ).resolves.toMatchObject({
      allowed: true,
    });
  });

  it('rejects an invalid pod with ClusterError invalid', async () => {
    await expect(
      client.createPod({
        metadata: { namespace: 'default', name: 'Not_Valid' },
        spec: { containers: [] },
      }),
    ).rejects.toMatchObject({ code: 'invalid', status: 422 });
  });
});

describe('ClusterClient when RBAC forbids', () => {
  it('turns a 403 into ClusterError forbidden and reports it in access reviews', async () => {
    const emulator = await startDemoEmulator({
      forbid: [
        { verb: 'create', resource: 'pods' },
        { verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers' },
      ],
    });
    try {
      const client = clientFor(emulator);
      const err = await client.createPod(probe('nope', ['true'])).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'ClusterError', code: 'forbidden', status: 403 });
      expect((err as Error).message).toContain('cannot create resource "pods"');
      await expect(
        client.patchEphemeralContainers(
          { namespace: 'default', name: 'web-client' },
          { name: 'x', image: 'busybox' },
        ),
      ).rejects.toMatchObject({ code: 'forbidden' });
      await expect(
        client.selfSubjectAccessReview({ verb: 'create', resource: 'pods', namespace: 'default' }),
      ).resolves.toMatchObject({
        allowed: false,
      });
      await expect(
        client.selfSubjectAccessReview({
          verb: 'patch',
          resource: 'pods',
          subresource: 'ephemeralcontainers',
          namespace: 'default',
        }),
      ).resolves.toMatchObject({ allowed: false });
      await expect(
        client.selfSubjectAccessReview({ verb: 'get', resource: 'pods', namespace: 'default' }),
      ).resolves.toMatchObject({
        allowed: true,
      });
    } finally {
      await emulator.close();
    }
  });
});
