/**
 * `podpath trace` spawned for real against the demo cluster (API emulator + network lab), as a
 * user runs it with KUBECONFIG pointing at a cluster. Needs root (PODPATH_LAB=off skips it).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCluster, type DemoCluster } from '../../testbed/demo-cluster';
import { labTestsOff } from '../../testbed/lab/lab-test-support';
import { clientForKubeconfig } from '../probes/test-support/cluster';
import { PROBE_SELECTOR } from '../probes/cleanup';
import type { ClusterClient } from '../cluster/types';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'podpath.mjs');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function podpath(
  args: string[],
  env: Record<string, string | undefined>,
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe.skipIf(labTestsOff)('podpath trace against the demo cluster', () => {
  let cluster: DemoCluster;
  let dataDir: string;
  let client: ClusterClient;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'podpath-cli-lab-'));
    cluster = await startDemoCluster({ dataPlane: 'lab', dataDir });
    client = clientForKubeconfig({ path: cluster.kubeconfigPath });
    env = { PATH: process.env.PATH, HOME: dataDir, KUBECONFIG: cluster.kubeconfigPath };
  }, 90_000);

  afterAll(async () => {
    await cluster?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('S1 prints the path and exits 0; --json prints the TraceResult', async () => {
    const text = await podpath(['trace', 'pod:default/web-client', 'pod:default/httpd'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('status: reachable');
    expect(text.stdout).toContain('node-1/eth1 (interface)');
    expect(text.stderr).toContain('hop 3: 10.244.1.3');

    const json = await podpath(
      ['trace', 'pod:default/web-client', 'pod:default/httpd', '--json', '--context', 'demo'],
      env,
    );
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { status: string; cluster: string; hops: unknown[] };
    expect(result).toMatchObject({ status: 'reachable', cluster: 'demo' });
    expect(result.hops).toHaveLength(3);
  }, 60_000);

  it('S5 exits 1 (unreachable); a missing pod exits 2', async () => {
    const s5 = await podpath(['trace', 'pod:default/web-client', 'ip:192.168.2.10', '--json'], env);
    expect(s5.code).toBe(1);
    expect((JSON.parse(s5.stdout) as { status: string }).status).toBe('unreachable');
    const missing = await podpath(['trace', 'pod:default/nope', 'pod:default/httpd'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no pod default\/nope/);
    expect(await client.listPods({ labelSelector: PROBE_SELECTOR })).toEqual([]);
  }, 60_000);

  it('Ctrl-C cancels the trace and deletes its probe pod before exiting', async () => {
    let sent = false;
    // S3's connects to a LoadBalancer that drops them, 200 of them ten at a time, keep the
    // probe busy for ~40 s.
    const run = await podpath(
      ['trace', 'pod:default/web-client', 'ip:192.168.56.240:80'],
      { ...env, PODPATH_CONNECT_COUNT: '200' },
      (stderr, child) => {
        if (!sent && /connect: running/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain('status: error');
    expect(run.stdout).toMatch(/cancel/);
    expect(await client.listPods({ labelSelector: PROBE_SELECTOR })).toEqual([]);
  }, 60_000);
});
