/**
 * The process-wide runtime against the real API emulator, chosen from the environment exactly
 * as a route handler gets it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDemoEmulator } from '../cluster/test-support/emulator';
import type { Emulator } from '../cluster/test-support/emulator';
import type { InventorySnapshot } from '../inventory/types';
import { closeClusterRuntime, getClusterRuntime, switchContext } from './cluster-runtime';

const ENV_KEYS = [
  'KUBECONFIG',
  'PODPATH_CONTEXT',
  'PODPATH_DEMO',
  'HOME',
  'KUBERNETES_SERVICE_HOST',
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  dir = await mkdtemp(path.join(tmpdir(), 'podpath-runtime-'));
  await writeFile(path.join(dir, 'demo.kubeconfig'), emulator.kubeconfig('demo'));
  await writeFile(path.join(dir, 'other.kubeconfig'), emulator.kubeconfig('other'));
});

afterEach(async () => {
  await closeClusterRuntime();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

function useKubeconfig(demo: boolean) {
  process.env.KUBECONFIG = [
    path.join(dir, 'demo.kubeconfig'),
    path.join(dir, 'other.kubeconfig'),
  ].join(path.delimiter);
  process.env.HOME = dir;
  delete process.env.PODPATH_CONTEXT;
  delete process.env.KUBERNETES_SERVICE_HOST;
  if (demo) process.env.PODPATH_DEMO = '1';
  else delete process.env.PODPATH_DEMO;
}

describe('getClusterRuntime', () => {
  it('connects to the kubeconfig current context and serves snapshots and status', async () => {
    useKubeconfig(true);
    const runtime = getClusterRuntime();
    expect(runtime).toMatchObject({ context: 'demo', demo: true, contexts: ['demo', 'other'] });
    expect(getClusterRuntime()).toBe(runtime);
    await runtime.ready();
    expect(runtime.isReady()).toBe(true);
    const snapshot = runtime.snapshot();
    expect(snapshot.cluster).toBe('demo');
    expect(snapshot.nodes).toHaveLength(3);
    expect(runtime.status().informers).toHaveLength(6);
    expect(runtime.status().informers.every((i) => i.synced)).toBe(true);

    const changed = new Promise<InventorySnapshot>((resolve) => {
      const off = runtime.onChange((s) => {
        if (s.pods.some((p) => p.name === 'runtime-seen')) {
          off();
          resolve(s);
        }
      });
    });
    emulator.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'runtime-seen', namespace: 'default' },
      spec: {
        nodeName: 'node-1',
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '60'] }],
      },
    });
    expect((await changed).revision).toBeGreaterThan(snapshot.revision);
    emulator.store.delete('pods', 'default', 'runtime-seen');

    // The trace engine's door is there too.
    await expect(
      runtime.cluster.getPod({ namespace: 'default', name: 'httpd' }),
    ).resolves.toMatchObject({
      ip: '10.244.1.3',
    });
  });

  it('keeps one runtime across module reloads (it lives on globalThis)', async () => {
    useKubeconfig(false);
    const runtime = getClusterRuntime();
    expect(runtime.demo).toBe(false);
    // A fresh copy of the module, as a Next.js dev reload makes one.
    vi.resetModules();
    const reloaded = await import('./cluster-runtime');
    expect(reloaded.getClusterRuntime).not.toBe(getClusterRuntime);
    expect(reloaded.getClusterRuntime()).toBe(runtime);
  });

  it('throws ClusterError unreachable when there is no cluster at all', () => {
    process.env.KUBECONFIG = path.join(dir, 'missing.kubeconfig');
    process.env.HOME = dir;
    delete process.env.PODPATH_DEMO;
    delete process.env.KUBERNETES_SERVICE_HOST;
    expect(() => getClusterRuntime()).toThrow(
      expect.objectContaining({ name: 'ClusterError', code: 'unreachable' }),
    );
  });
});

describe('switchContext', () => {
  it('closes the old runtime and starts one for the named context', async () => {
    useKubeconfig(false);
    const first = getClusterRuntime();
    await first.ready();
    const second = await switchContext('other');
    expect(second.context).toBe('other');
    expect(getClusterRuntime()).toBe(second);
    expect(first.isReady()).toBe(false);
    await second.ready();
    expect(second.snapshot().cluster).toBe('other');
    expect(second.snapshot().nodes).toHaveLength(3);
    // Switching to the context already in use keeps the running runtime.
    await expect(switchContext('other')).resolves.toBe(second);
  });

  it('refuses an unknown context with not-found and keeps the current runtime', async () => {
    useKubeconfig(false);
    const current = getClusterRuntime();
    await current.ready();
    await expect(switchContext('nope')).rejects.toMatchObject({
      name: 'ClusterError',
      code: 'not-found',
    });
    expect(getClusterRuntime()).toBe(current);
    expect(current.isReady()).toBe(true);
  });
});
