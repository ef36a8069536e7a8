/**
 * The unmodified kubectl against the emulator: discovery, server-side tables, run, logs, debug,
 * apply, patch and the errors it prints. Skipped when /usr/bin/kubectl is missing.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './index';
import { eventually, startTestEmulator } from './test-support';

const kubectlPath = '/usr/bin/kubectl';

let emulator: Emulator;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(...args: string[]): Promise<Run> {
  return kubectlFor(20_000, ...args);
}

/** Runs kubectl, ending it after `timeoutMs` (for watches, which never end by themselves). */
function kubectlFor(timeoutMs: number, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      kubectlPath,
      args,
      {
        // A private HOME keeps kubectl's discovery cache from leaking between emulator runs.
        // Only what kubectl needs: nothing from the caller's kube environment may leak in.
        env: {
          NODE_ENV: 'test',
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          KUBECONFIG: path.join(dir, 'kubeconfig'),
        },
        timeout: timeoutMs,
        encoding: 'utf8',
      },
      (err: ExecFileException | null, stdout: string, stderr: string) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Parses kubectl's column output into one record per row, keyed by header. */
function table(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trimEnd().split('\n');
  if (!header) return [];
  const starts: number[] = [];
  const names: string[] = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(m.index ?? 0);
    names.push(m[0]);
  }
  return rows.map((row) => {
    const rec: Record<string, string> = {};
    names.forEach((n, i) => {
      rec[n] = row.slice(starts[i], starts[i + 1]).trim();
    });
    return rec;
  });
}

const byName = (rows: Record<string, string>[], name: string) => rows.find((r) => r.NAME === name);

describe.skipIf(!existsSync(kubectlPath))('kubectl against the emulator', () => {
  beforeAll(async () => {
    ({ emulator } = await startTestEmulator({
      forbid: [
        {
          verb: 'patch',
          resource: 'pods',
          subresource: 'ephemeralcontainers',
          namespace: 'kube-system',
        },
      ],
    }));
    dir = await mkdtemp(path.join(tmpdir(), 'podpath-kubectl-'));
    await emulator.writeKubeconfig(path.join(dir, 'kubeconfig'));
  });

  afterAll(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('uses the demo context of the written kubeconfig', async () => {
    const r = await kubectl('config', 'current-context');
    expect(r.stdout.trim()).toBe('demo');
  });

  it('get nodes -o wide shows the nodes and their InternalIPs', async () => {
    const r = await kubectl('get', 'nodes', '-o', 'wide');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = table(r.stdout);
    expect(rows.map((x) => x.NAME)).toEqual(['controlplane', 'node-1', 'node-2']);
    expect(rows.map((x) => x['INTERNAL-IP'])).toEqual([
      '192.168.56.10',
      '192.168.56.11',
      '192.168.56.12',
    ]);
    expect(rows.every((x) => x.STATUS === 'Ready')).toBe(true);
    expect(byName(rows, 'controlplane')?.ROLES).toBe('control-plane');
    expect(byName(rows, 'node-1')?.VERSION).toBe('v1.30.2');
  });

  it('get pods -A -o wide shows pod IPs and nodes', async () => {
    const r = await kubectl('get', 'pods', '-A', '-o', 'wide');
    expect(r.code).toBe(0);
    const rows = table(r.stdout);
    expect(byName(rows, 'web-client')).toMatchObject({
      NAMESPACE: 'default',
      STATUS: 'Running',
      IP: '10.244.2.3',
      NODE: 'node-2',
    });
    expect(byName(rows, 'httpd')).toMatchObject({ IP: '10.244.1.3', NODE: 'node-1', READY: '1/1' });
    expect(byName(rows, 'my-pod')).toMatchObject({ IP: '192.168.56.12', NODE: 'node-2' });
    expect(byName(rows, 'nginx-ingress-controller-7d9fb')).toMatchObject({
      NAMESPACE: 'kube-system',
      IP: '10.244.1.5',
      NODE: 'node-1',
    });
  });

  it('get svc -A shows cluster IPs, external IPs and ports', async () => {
    const r = await kubectl('get', 'svc', '-A');
    expect(r.code).toBe(0);
    const rows = table(r.stdout);
    expect(byName(rows, 'k8s-go-demo-svc')).toMatchObject({
      TYPE: 'ClusterIP',
      'CLUSTER-IP': '10.96.212.203',
      'PORT(S)': '80/TCP',
    });
    expect(byName(rows, 'k8s-go-demo-svc-headless')?.['CLUSTER-IP']).toBe('None');
    expect(byName(rows, 'nginx-ingress-lb')).toMatchObject({
      NAMESPACE: 'kube-system',
      TYPE: 'LoadBalancer',
      'CLUSTER-IP': '10.96.50.5',
      'EXTERNAL-IP': '192.168.56.240',
      'PORT(S)': '80:30080/TCP',
    });
  });

  it('get endpointslices -A shows the endpoints of each Service', async () => {
    const r = await kubectl('get', 'endpointslices', '-A');
    expect(r.code).toBe(0);
    const rows = table(r.stdout);
    const demo = rows.find(
      (x) => x.NAME?.startsWith('k8s-go-demo-svc-') && !x.NAME.includes('headless'),
    );
    expect(demo).toMatchObject({
      ADDRESSTYPE: 'IPv4',
      PORTS: '38001',
      ENDPOINTS: '10.244.1.4,10.244.2.4',
    });
    const httpd = rows.find((x) => x.NAME?.startsWith('httpd-'));
    expect(httpd?.ENDPOINTS).toBe('10.244.1.3');
  });

  it('get -w prints the header once and a row per change', async () => {
    const watching = kubectlFor(2500, 'get', 'pods', '-l', 'run=httpd', '-w');
    await new Promise((r) => setTimeout(r, 1000));
    await kubectl('annotate', 'pod', 'httpd', 'watched=yes');
    const r = await watching;
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.filter((l) => l.startsWith('NAME'))).toHaveLength(1);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'httpd 1/1 Running',
      'httpd 1/1 Running',
    ]);
  });

  it('runs a pod on node-2 and shows its log', async () => {
    const run = await kubectl(
      'run',
      'traceroute',
      '--image=busybox',
      '--overrides={"spec": {"nodeSelector": {"kubernetes.io/hostname": "node-2"}}}',
      '--',
      'traceroute',
      '10.244.1.3',
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('pod/traceroute created');

    const pods = await kubectl('get', 'pods', '-o', 'wide');
    const row = byName(table(pods.stdout), 'traceroute');
    expect(row?.NODE).toBe('node-2');
    expect(row?.IP).toMatch(/^10\.244\.2\.\d+$/);

    const log = await eventually(async () => {
      const r = await kubectl('logs', 'traceroute');
      return r.code === 0 && r.stdout ? r.stdout : undefined;
    });
    expect(log).toBe('ran: traceroute 10.244.1.3\n');
  });

  it('debugs a pod with an ephemeral container and reads its log', async () => {
    const r = await kubectl(
      'debug',
      'web-client',
      '--image=busybox',
      '--container=dbg',
      '--',
      'traceroute',
      '10.244.1.3',
    );
    expect(r.code).toBe(0);
    const log = await eventually(async () => {
      const l = await kubectl('logs', 'web-client', '-c', 'dbg');
      return l.code === 0 && l.stdout ? l.stdout : undefined;
    });
    expect(log).toBe('ran: traceroute 10.244.1.3\n');
    const spec = await kubectl(
      'get',
      'pod',
      'web-client',
      '-o',
      'jsonpath={.spec.ephemeralContainers[*].name}',
    );
    expect(spec.stdout).toBe('dbg');
  });

  it('prints the API errors as a real cluster makes kubectl print them', async () => {
    const missing = await kubectl('get', 'pod', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');

    const forbidden = await kubectl(
      'debug',
      '-n',
      'kube-system',
      'nginx-ingress-controller-7d9fb',
      '--image=busybox',
      '--',
      'true',
    );
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain(
      'Error from server (Forbidden): pods "nginx-ingress-controller-7d9fb" is forbidden: User "kubernetes-admin" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "kube-system"',
    );
    const canI = await kubectl(
      'auth',
      'can-i',
      'patch',
      'pods',
      '--subresource=ephemeralcontainers',
      '-n',
      'kube-system',
    );
    expect(canI.stdout.trim()).toBe('no');

    const invalid = await kubectl('run', 'Bad_Name', '--image=busybox');
    expect(invalid.code).toBe(1);
    // kubectl run names the container after the pod, so both names are invalid.
    expect(invalid.stderr).toContain(
      'The Pod "Bad_Name" is invalid: \n* metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
    );
    expect(invalid.stderr).toContain(
      '* spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label',
    );
  });

  it('applies, patches and deletes objects', async () => {
    const file = path.join(dir, 'netpol.yaml');
    await writeFile(
      file,
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: default\nspec:\n  podSelector: {}\n',
    );
    expect((await kubectl('apply', '-f', file)).stdout.trim()).toBe(
      'networkpolicy.networking.k8s.io/deny-all created',
    );
    expect((await kubectl('apply', '-f', file)).stdout.trim()).toBe(
      'networkpolicy.networking.k8s.io/deny-all unchanged',
    );
    const patched = await kubectl(
      'patch',
      'svc',
      '-n',
      'kube-system',
      'nginx-ingress-lb',
      '-p',
      '{"spec":{"externalTrafficPolicy":"Cluster"}}',
    );
    expect(patched.stdout.trim()).toBe('service/nginx-ingress-lb patched');
    const policy = await kubectl(
      'get',
      'svc',
      '-n',
      'kube-system',
      'nginx-ingress-lb',
      '-o',
      'jsonpath={.spec.externalTrafficPolicy}',
    );
    expect(policy.stdout).toBe('Cluster');
    const deleted = await kubectl('delete', 'pod', 'traceroute', '--grace-period=0', '--force');
    expect(deleted.stdout.trim()).toBe('pod "traceroute" force deleted');
    expect((await kubectl('get', 'pod', 'traceroute')).code).toBe(1);
  });
});
