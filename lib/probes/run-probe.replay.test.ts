/**
 * runProbe against the demo cluster where the lab cannot run: the emulator's kubelet replays
 * what the live lab printed for the same argv (testbed/recordings). This is what `npm start`
 * shows without root, so the probes' argv must be the recorded ones. Needs no root.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCluster, type DemoCluster } from '../../testbed/demo-cluster';
import type { ClusterClient } from '../cluster/types';
import { PROBE_SELECTOR } from './cleanup';
import { probeOptions, runProbe } from './run-probe';
import { s1Spec } from './test-support/fixtures';
import { clientForKubeconfig } from './test-support/cluster';

const FXRQL = 'k8s-go-demo-deploy-66cdbcd8d9-fxrql';

describe('runProbe on the replayed demo cluster', () => {
  let cluster: DemoCluster;
  let client: ClusterClient;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'podpath-probes-replay-'));
    cluster = await startDemoCluster({ dataPlane: 'replay', dataDir });
    client = clientForKubeconfig({ path: cluster.kubeconfigPath });
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('S1: the article hops from a probe pod on node-2', async () => {
    const outcome = await runProbe(client, s1Spec());
    expect(outcome.exitCode).toBe(0);
    expect(outcome.log).toMatch(
      / 1 {2}10\.244\.2\.1 .*\n 2 {2}192\.168\.56\.11 .*\n 3 {2}10\.244\.1\.3 /,
    );
    expect(await client.listPods({ labelSelector: PROBE_SELECTOR })).toEqual([]);
  });

  it('S2: the recorded ratio from inside fxrql', async () => {
    const outcome = await runProbe(
      client,
      s1Spec({
        strategy: 'ephemeral',
        source: { kind: 'pod', namespace: 'default', name: FXRQL, node: 'node-1' },
        kind: 'connect',
        target: { ip: '10.96.212.203', port: 80 },
      }),
    );
    expect(outcome.connect?.attempts).toBe(20);
    expect(outcome.connect?.succeeded).toBeGreaterThan(0);
    expect(outcome.connect?.succeeded).toBeLessThan(20);
  });

  it('S5: node-2 reaches legacy-db, a pod on node-2 does not', async () => {
    const node = await runProbe(
      client,
      s1Spec({
        strategy: 'hostNetwork',
        source: { kind: 'node', node: 'node-2' },
        target: { ip: '192.168.2.10' },
      }),
    );
    expect(node.log).toMatch(/ 2 {2}192\.168\.2\.10 /);
    const pod = await runProbe(client, s1Spec({ target: { ip: '192.168.2.10' } }));
    expect(pod.log).toMatch(/ 1 {2}10\.244\.2\.1 .*\n 2 {2}\*\n/);
  });

  it('S6: every connect to legacy-api is refused', async () => {
    const outcome = await runProbe(
      client,
      s1Spec({
        kind: 'connect',
        target: { ip: '10.96.77.7', port: 8080 },
        options: probeOptions(),
      }),
    );
    expect(outcome.connect).toMatchObject({ attempts: 20, succeeded: 0 });
    expect(outcome.connect?.results.every((r) => r.error === 'Connection refused')).toBe(true);
  });

  it('a probe that was never recorded fails saying so, not as a network break', async () => {
    const outcome = await runProbe(client, s1Spec({ target: { ip: '10.244.1.99' } }));
    expect(outcome.exitCode).toBe(128);
    expect(outcome.reason).toBe('ContainerCannotRun');
    expect(outcome.privilegeError).toBe(false);
    expect(outcome.notes.join('\n')).toContain('nothing was recorded');
  });
});
