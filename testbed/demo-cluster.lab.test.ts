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

  it('resolves names through kube-dns, whose EndpointSlice lists the CoreDNS pod', async () => {
    let endpoints = '';
    for (let i = 0; i < 60 && endpoints !== '10.244.0.2 true'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 250));
      endpoints = await kubectl(
        'get',
        'endpointslices',
        '-n',
        'kube-system',
        '-l',
        'kubernetes.io/service-name=kube-dns',
        '-o',
        'jsonpath={.items[*].endpoints[*].addresses[0]} {.items[*].endpoints[*].conditions.ready}',
      );
    }
    expect(endpoints).toBe('10.244.0.2 true');
    const coredns = await kubectl('get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns');
    expect(coredns).toMatch(/coredns-7db6d8ff4d-4xk2p\s+1\/1\s+Running/);

    // The lab's service proxy follows the slice: wait for node-2's rule to CoreDNS.
    let rules = '';
    for (let i = 0; i < 40 && !rules.includes('--to-destination 10.244.0.2:53'); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      rules = (await cluster.lab!.exec({ node: 'node-2' }, ['iptables-save', '-t', 'nat'])).stdout;
    }
    expect(rules).toContain(
      '-p udp -m udp -m comment --comment "kube-system/kube-dns:dns" -j DNAT --to-destination 10.244.0.2:53',
    );
    await kubectl(
      'run',
      'lookup',
      '--image=busybox',
      '--restart=Never',
      '--overrides={"spec": {"nodeSelector": {"kubernetes.io/hostname": "node-2"}}}',
      '--',
      'nslookup',
      'k8s-go-demo-svc-headless',
    );
    let log = '';
    for (let i = 0; i < 60 && !log.includes('Address: 10.244.2.4'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      log = await kubectl('logs', 'lookup').catch(() => '');
    }
    expect(log).toMatch(/Server:\s+10\.96\.0\.10/);
    expect(log).toContain('Address: 10.244.1.4');
    expect(log).toContain('Address: 10.244.2.4');
  }, 60_000);
});
