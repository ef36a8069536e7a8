/**
 * The whole test cluster end to end: emulator + network lab, driven by the unmodified kubectl.
 * This is the article's method (003): run a busybox traceroute pod pinned to node-2 and read its
 * log; the hops must be the ones the kernel produced.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCluster, type DemoCluster } from './demo-cluster';

const run = promisify(execFile);

describe('demo cluster with the network lab, through kubectl', () => {
  let cluster: DemoCluster;
  let dataDir: string;
  const kubectl = async (...args: string[]) => {
    const { stdout } = await run('kubectl', args, {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
    });
    return stdout;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'podpath-demo-'));
    cluster = await startDemoCluster({ dataPlane: 'lab', dataDir });
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the article traceroute pod on node-2 and logs the kernel hops', async () => {
    // The article's command exactly: restartPolicy stays Always, as with `kubectl run` there.
    await kubectl(
      'run',
      'traceroute',
      '--image=busybox',
      '--overrides={"spec": {"nodeSelector": {"kubernetes.io/hostname": "node-2"}}}',
      '--',
      'traceroute',
      '10.244.1.3',
    );
    let log = '';
    for (let i = 0; i < 60 && !/^\s*3\s/m.test(log); i++) {
      await new Promise((r) => setTimeout(r, 500));
      log = await kubectl('logs', 'traceroute').catch(() => '');
    }
    const wide = await kubectl('get', 'pods', 'traceroute', '-o', 'wide');
    expect(wide).toMatch(/traceroute\s+\S+\s+\S+\s+\d+.*\s10\.244\.2\.\d+\s+node-2\s/);
    const hops = log
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(\S+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => m[2]);
    expect(log).toContain('traceroute to 10.244.1.3 (10.244.1.3)');
    expect(hops).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);
  }, 90_000);
});
