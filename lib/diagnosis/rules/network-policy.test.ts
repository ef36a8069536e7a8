/**
 * The `network-policy` rule on the demo cluster plus the `secure` namespace of shared/
 * scenarios.md ("Later"): pod secure/db (app=db, 5432) behind a default-deny ingress policy.
 * Traces are merged by the pure stages from traceroute and podpath-connect output written as
 * the tools print it, so the inputs are what the engine would hand the rule.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRawHops } from '@/lib/engine/hop-stream';
import { snapshotFromObjects } from '@/lib/inventory/snapshot-from-objects';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { mergePath } from '@/lib/path';
import { parseConnectOutput } from '@/lib/probes/connect-output';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import type { ResolvedEndpoint } from '@/lib/refs/types';
import { parseKnownHosts, resolveHops } from '@/lib/resolve';
import { expectedPath } from '@/lib/topology';
import { parseTraceroute } from '@/lib/traceroute';
import type { TraceEndpoint, TraceResult } from '@/lib/trace/types';
import { KNOWN_HOSTS, TRACE_CASES } from '../../topology/__fixtures__/cases';
import { fixturePath } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { evaluateNetworkPolicies } from '../network-policy-eval';
import { goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput } from '../types';
import { allowPolicyYaml, networkPolicyRule as rule } from './network-policy';

const DB_IP = '10.244.1.20';

/** The `secure` namespace: pod db on node-1, its Service, and the policies given. */
function secureObjects(policies: object[]): object[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'secure' } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db', namespace: 'secure', uid: 'db-uid', labels: { app: 'db' } },
      spec: {
        nodeName: 'node-1',
        containers: [
          {
            name: 'postgres',
            image: 'postgres',
            ports: [{ containerPort: 5432, name: 'postgres', protocol: 'TCP' }],
          },
        ],
      },
      status: {
        phase: 'Running',
        podIP: DB_IP,
        podIPs: [{ ip: DB_IP }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', namespace: 'secure' },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.54.32',
        clusterIPs: ['10.96.54.32'],
        selector: { app: 'db' },
        ports: [{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'db-x7f2k',
        namespace: 'secure',
        labels: { 'kubernetes.io/service-name': 'db' },
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: [DB_IP],
          conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', namespace: 'secure', name: 'db' },
          nodeName: 'node-1',
        },
      ],
      ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
    },
    ...policies,
  ];
}

const defaultDenyIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny-ingress', namespace: 'secure' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};

function snapshotWith(objects: object[]): InventorySnapshot {
  const demo: unknown = JSON.parse(readFileSync(fixturePath('demo'), 'utf8'));
  return snapshotFromObjects([demo, ...objects], 'demo').snapshot;
}

const secureSnapshot = (...policies: object[]) =>
  snapshotWith(secureObjects([defaultDenyIngress, ...policies]));

function view(e: ResolvedEndpoint): TraceEndpoint {
  const { pod: _p, inventoryNode: _n, service: _s, servicePort: _sp, ...rest } = e;
  const { loadBalancer: _lb, nodePort: _np, ...endpoint } = rest;
  return endpoint;
}

/** A trace through the pure stages, as lib/engine/pipeline.ts merges one. */
function traced(
  snapshot: InventorySnapshot,
  fromRef: string,
  toRef: string,
  output: { traceroute?: string; connect?: string },
): DiagnosisInput {
  const knownHosts = parseKnownHosts(KNOWN_HOSTS.demo);
  const from = resolveEndpoint(parseEndpointRef(fromRef), snapshot, 'from');
  const to = resolveEndpoint(parseEndpointRef(toRef), snapshot, 'to');
  const expected = expectedPath(from, to, snapshot, { knownHosts });
  const hops = output.traceroute
    ? resolveHops(toRawHops(parseTraceroute(output.traceroute)), snapshot, { knownHosts })
    : [];
  const target = expected.connectTarget;
  const connect =
    output.connect && target ? parseConnectOutput(output.connect, target.ip, target.port) : null;
  const summary = connect
    ? {
        target: connect.target,
        port: connect.port,
        attempts: connect.attempts,
        succeeded: connect.succeeded,
        results: connect.results,
      }
    : null;
  const traceTarget = expected.traceTarget;
  const traceReached = traceTarget !== null && hops.some((h) => h.ip === traceTarget.ip);
  const merged = mergePath(expected, hops, { traceReached, connect: summary });
  const result: TraceResult = {
    id: 'test',
    createdAt: '2026-01-01T00:00:00Z',
    cluster: 'demo',
    from: view(from),
    to: view(to),
    strategy: 'pod',
    status: merged.status,
    hops,
    path: merged.path,
    links: merged.links,
    findings: [],
    connect: summary,
    raw: {},
  };
  return { result, snapshot, expected, from, to };
}

// What the lab's traceroute prints when the last hop drops everything: node-1 answers, the pod
// never does.
const TRACE_TO_DB = [
  `traceroute to ${DB_IP} (${DB_IP}), 20 hops max, 46 byte packets`,
  ' 1  10.244.2.1 (10.244.2.1)  0.041 ms  0.012 ms  0.010 ms',
  ' 2  192.168.56.11 (192.168.56.11)  0.575 ms  0.092 ms  0.077 ms',
  ...Array.from({ length: 18 }, (_, i) => `${String(i + 3).padStart(2)}  *  *  *`),
  '',
].join('\n');

const TRACE_REACHED = [
  `traceroute to ${DB_IP} (${DB_IP}), 20 hops max, 46 byte packets`,
  ' 1  10.244.2.1 (10.244.2.1)  0.041 ms  0.012 ms  0.010 ms',
  ' 2  192.168.56.11 (192.168.56.11)  0.575 ms  0.092 ms  0.077 ms',
  ` 3  ${DB_IP} (${DB_IP})  0.614 ms  0.101 ms  0.090 ms`,
  '',
].join('\n');

/** podpath-connect output: one line per attempt and the summary. */
function connects(...outcomes: string[]): string {
  const ok = outcomes.filter((o) => o === 'ok').length;
  return [
    ...outcomes.map((o, i) => `attempt ${i + 1} ${o === 'ok' ? 'ok 0.41ms' : `fail ${o}`}`),
    `connected ${ok}/${outcomes.length}`,
    '',
  ].join('\n');
}

const TIMEOUTS = connects('timed out', 'timed out', 'timed out', 'timed out');
const FROM = 'pod:default/web-client';
const TO = `ip:${DB_IP}:5432`;

const EXPECTED_FIX = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web-client-to-db
  namespace: secure
spec:
  podSelector:
    matchLabels:
      app: db
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: default
          podSelector:
            matchLabels:
              run: web-client
              app: legacy-client
      ports:
        - protocol: TCP
          port: 5432
`;

describe('network-policy', () => {
  describe('web-client -> secure/db:5432 behind default-deny-ingress, connects timed out', () => {
    const input = traced(secureSnapshot(), FROM, TO, {
      traceroute: TRACE_TO_DB,
      connect: TIMEOUTS,
    });

    it('is the merge the engine would make: unreachable, the link into the pod broken', () => {
      expect(input.result.status).toBe('unreachable');
      expect(input.result.path.map((e) => e.id)).toEqual([
        'pod:default/web-client',
        'node-2/cni0',
        'node-2/eth1',
        'node-1/eth1',
        'node-1/cni0',
        'pod:secure/db',
      ]);
      expect(input.result.links.map((l) => l.state)).toEqual([
        'ok',
        'ok',
        'ok',
        'unknown',
        'broken',
      ]);
    });

    it('is an error on the link into secure/db naming the policy, with the exact allow policy', () => {
      expect(rule.applies(input)).toBe(true);
      const [finding, ...more] = rule.evaluate(input, new Map());
      expect(more).toEqual([]);
      expect(finding).toMatchObject({
        rule: 'network-policy',
        severity: 'error',
        link: 4,
        title:
          'NetworkPolicy secure/default-deny-ingress drops ingress default/web-client -> secure/db:5432',
      });
      expect(input.result.path[input.result.links[4]?.to ?? -1]?.id).toBe('pod:secure/db');
      expect(finding?.evidence).toEqual([
        'NetworkPolicy secure/default-deny-ingress selects secure/db (podSelector {}) for ingress',
        'secure/default-deny-ingress (podSelector {}) has no ingress rules: it admits nothing',
        'no ingress rule of the policy selecting secure/db admits default/web-client (run=web-client,app=legacy-client) -> secure/db (app=db) on TCP/5432',
        `0 of 4 TCP connects to ${DB_IP}:5432 succeeded: 4× timed out`,
        'traceroute: 1 10.244.2.1 (cni0 of node-2 (pod gateway)) · 2 192.168.56.11 (eth1 of node-1) · 3 * · 4 * · 5 * · 6 * · … 14 more',
      ]);
      expect(finding?.explanation).toContain('the packets were dropped');
      expect(finding?.fix).toHaveLength(1);
      expect(finding?.fix[0]?.commands).toEqual(['kubectl apply -f -']);
      expect(finding?.fix[0]?.yaml).toBe(EXPECTED_FIX);
      expect(finding?.fix[0]?.title).toContain('secure/allow-web-client-to-db');
    });

    it('the fix admits exactly this traffic once added, and the rule then stays quiet', () => {
      const allow = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-web-client-to-db', namespace: 'secure' },
        spec: {
          podSelector: { matchLabels: { app: 'db' } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } },
                  podSelector: { matchLabels: { run: 'web-client', app: 'legacy-client' } },
                },
              ],
              ports: [{ protocol: 'TCP', port: 5432 }],
            },
          ],
        },
      };
      // Even with the same failed trace: an admitted flow is not the policy's doing.
      const fixed = traced(secureSnapshot(allow), FROM, TO, {
        traceroute: TRACE_TO_DB,
        connect: TIMEOUTS,
      });
      expect(rule.applies(fixed)).toBe(false);
      expect(rule.evaluate(fixed, new Map())).toEqual([]);
      // Nobody else: nginx (default, run=nginx) is still kept out.
      const other = traced(secureSnapshot(allow), 'pod:default/nginx', TO, {
        traceroute: TRACE_TO_DB,
        connect: TIMEOUTS,
      });
      expect(rule.evaluate(other, new Map()).map((f) => f.severity)).toEqual(['error']);
    });

    it('runs through diagnose with no extra probe', async () => {
      const out = await diagnose(input, [rule], async () => {
        throw new Error('no extra probe expected');
      });
      expect(out.findings.map((f) => [f.rule, f.severity, f.link])).toEqual([
        ['network-policy', 'error', 4],
      ]);
    });
  });

  it('through the Service: the endpoint secure/db is judged on its target port', () => {
    const input = traced(secureSnapshot(), FROM, 'service:secure/db:5432', {
      traceroute: TRACE_TO_DB,
      connect: TIMEOUTS,
    });
    expect(input.result.path.map((e) => e.id)).toContain('service:secure/db');
    const [finding] = rule.evaluate(input, new Map());
    expect(finding?.severity).toBe('error');
    expect(input.result.path[input.result.links[finding?.link ?? -1]?.to ?? -1]?.id).toBe(
      'pod:secure/db',
    );
    expect(finding?.evidence[3]).toBe(
      '0 of 4 TCP connects to 10.96.54.32:5432 succeeded: 4× timed out',
    );
  });

  it('is a warning saying what would confirm it when only a traceroute ran', () => {
    const input = traced(secureSnapshot(), FROM, `ip:${DB_IP}`, { traceroute: TRACE_TO_DB });
    expect(input.result.status).toBe('unreachable');
    const [finding] = rule.evaluate(input, new Map());
    expect(finding?.severity).toBe('warning');
    expect(finding?.title).toBe(
      'NetworkPolicy secure/default-deny-ingress admits no ingress default/web-client -> secure/db',
    );
    expect(finding?.explanation).toContain(
      `What would confirm it: connects to the pod's port that time out (trace ip:${DB_IP}:PORT)`,
    );
    // Without a port the allow policy admits every port, and says so.
    expect(finding?.fix[0]?.yaml).not.toContain('ports:');
    expect(finding?.fix[0]?.title).toContain('on every port');
  });

  it('is a warning when the connects were refused: an answer, not a drop', () => {
    const refused = connects(...Array<string>(4).fill('Connection refused'));
    const input = traced(secureSnapshot(), FROM, TO, { traceroute: TRACE_TO_DB, connect: refused });
    const [finding] = rule.evaluate(input, new Map());
    expect(finding?.severity).toBe('warning');
    expect(finding?.evidence).toContain(
      `0 of 4 TCP connects to ${DB_IP}:5432 succeeded: 4× refused`,
    );
    expect(finding?.explanation).toContain('refused, not timed out');
  });

  it('puts an egress denial on the link leaving the source, with an egress allow policy', () => {
    const denyEgress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-egress', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Egress'] },
    };
    const input = traced(snapshotWith(secureObjects([denyEgress])), FROM, TO, {
      traceroute: TRACE_TO_DB,
      connect: TIMEOUTS,
    });
    const findings = rule.evaluate(input, new Map());
    expect(findings.map((f) => [f.severity, f.link, f.title])).toEqual([
      [
        'error',
        0,
        'NetworkPolicy default/default-deny-egress drops egress default/web-client -> secure/db:5432',
      ],
    ]);
    const yaml = findings[0]?.fix[0]?.yaml ?? '';
    expect(yaml).toContain('  name: allow-web-client-egress-to-db\n  namespace: default\n');
    expect(yaml).toContain('  egress:\n    - to:\n        - namespaceSelector:\n');
    expect(yaml).toContain('              kubernetes.io/metadata.name: secure\n');
  });

  it('an egress denial to an outside address admits it by ipBlock', () => {
    const denyEgress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-egress', namespace: 'default' },
      spec: { podSelector: { matchLabels: { run: 'web-client' } }, policyTypes: ['Egress'] },
    };
    const input = traced(snapshotWith([denyEgress]), FROM, 'ip:192.168.2.10:5432', {
      traceroute: [
        'traceroute to 192.168.2.10 (192.168.2.10), 20 hops max, 46 byte packets',
        ...Array.from({ length: 20 }, (_, i) => `${String(i + 1).padStart(2)}  *  *  *`),
        '',
      ].join('\n'),
      connect: TIMEOUTS,
    });
    const [finding] = rule.evaluate(input, new Map());
    expect(finding?.link).toBe(0);
    expect(finding?.fix[0]?.yaml).toContain(
      '        - ipBlock:\n            cidr: 192.168.2.10/32\n',
    );
  });

  it('is a warning naming what it cannot see when the answer depends on namespace labels', () => {
    const byProject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-project', namespace: 'secure' },
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { project: 'shop' } } }] }],
      },
    };
    const input = traced(secureSnapshot(byProject), FROM, TO, {
      traceroute: TRACE_TO_DB,
      connect: TIMEOUTS,
    });
    const [finding] = rule.evaluate(input, new Map());
    expect(finding?.severity).toBe('warning');
    expect(finding?.title).toBe(
      'NetworkPolicies secure/allow-project, secure/default-deny-ingress may not admit default/web-client -> secure/db:5432',
    );
    expect(finding?.explanation).toContain('kubectl get namespace default --show-labels');
  });

  describe('must not fire', () => {
    it('when the trace reached (a CNI that does not enforce policies, as flannel)', () => {
      const ok = connects('ok', 'ok', 'ok', 'ok');
      const input = traced(secureSnapshot(), FROM, TO, { traceroute: TRACE_REACHED, connect: ok });
      expect(input.result.status).toBe('reachable');
      expect(rule.applies(input)).toBe(false);
      expect(rule.evaluate(input, new Map())).toEqual([]);
    });

    it('when some connects got through', () => {
      const some = connects('ok', 'timed out', 'ok', 'timed out');
      const input = traced(secureSnapshot(), FROM, TO, {
        traceroute: TRACE_REACHED,
        connect: some,
      });
      expect(input.result.status).toBe('intermittent');
      expect(rule.evaluate(input, new Map())).toEqual([]);
    });

    it('when the policy is in another namespace than both ends', () => {
      // secure's default-deny does not reach default/httpd, even when that trace fails.
      const input = traced(secureSnapshot(), FROM, 'ip:10.244.1.3:80', {
        traceroute: TRACE_TO_DB.replaceAll(DB_IP, '10.244.1.3'),
        connect: TIMEOUTS,
      });
      expect(input.result.status).toBe('unreachable');
      expect(rule.applies(input)).toBe(false);
      expect(rule.evaluate(input, new Map())).toEqual([]);
    });

    it('when a rule admits the traffic (allow by namespace name and port)', () => {
      const allow = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-default', namespace: 'secure' },
        spec: {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } },
                },
              ],
              ports: [{ port: 'postgres' }],
            },
          ],
        },
      };
      const input = traced(secureSnapshot(allow), FROM, TO, {
        traceroute: TRACE_TO_DB,
        connect: TIMEOUTS,
      });
      expect(rule.applies(input)).toBe(false);
    });

    it('when no policy selects either end', () => {
      const input = traced(snapshotWith(secureObjects([])), FROM, TO, {
        traceroute: TRACE_TO_DB,
        connect: TIMEOUTS,
      });
      expect(input.result.status).toBe('unreachable');
      expect(rule.applies(input)).toBe(false);
    });

    it('on S1 and the other scenario traces, with or without the secure namespace', () => {
      for (const c of TRACE_CASES.filter((t) => t.cluster === 'demo')) {
        for (const input of [goldenInput(c.name), goldenInput(c.name, secureSnapshot())]) {
          expect(rule.applies(input), c.name).toBe(false);
          expect(rule.evaluate(input, new Map()), c.name).toEqual([]);
        }
      }
    });
  });
});

describe('allowPolicyYaml', () => {
  it('leaves out the labels a controller stamps per rollout and quotes what YAML would misread', () => {
    const snap = secureSnapshot();
    const fxrql = snap.pods.find((p) => p.name.endsWith('fxrql'));
    const db = snap.pods.find((p) => p.name === 'db');
    if (!fxrql || !db) throw new Error('fixture pods missing');
    const out = allowPolicyYaml(
      {
        from: {
          kind: 'pod',
          pod: { ...fxrql, labels: { ...fxrql.labels, tier: 'true', v: '1.0' } },
        },
        to: { kind: 'pod', pod: db },
        port: 5432,
        protocol: 'TCP',
      },
      'ingress',
    );
    expect(out?.name).toBe('allow-k8s-go-demo-to-db');
    expect(out?.yaml).toContain(
      '              app: k8s-go-demo\n              tier: "true"\n              v: "1.0"\n',
    );
    expect(out?.yaml).not.toContain('pod-template-hash');
  });
});

const kubectlPath = '/usr/bin/kubectl';

describe.skipIf(!existsSync(kubectlPath))('the fix through kubectl apply -f - (emulator)', () => {
  let dir = '';
  let close: (() => Promise<void>) | null = null;

  function kubectl(
    args: string[],
    stdin?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        kubectlPath,
        args,
        {
          // Only what kubectl needs: nothing from the caller's kube environment may leak in.
          env: {
            NODE_ENV: 'test',
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: dir,
            KUBECONFIG: path.join(dir, 'kubeconfig'),
          },
          timeout: 20_000,
          encoding: 'utf8',
        },
        (err: ExecFileException | null, stdout: string, stderr: string) => {
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout,
            stderr,
          });
        },
      );
      child.stdin?.end(stdin ?? '');
    });
  }

  beforeAll(async () => {
    const { startTestEmulator } = await import('@/testbed/emulator/test-support');
    const { emulator } = await startTestEmulator();
    close = () => emulator.close();
    dir = await mkdtemp(path.join(tmpdir(), 'podpath-netpol-'));
    await emulator.writeKubeconfig(path.join(dir, 'kubeconfig'));
  });

  afterAll(async () => {
    await close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the API takes the policy and, read back, it admits web-client and nothing else', async () => {
    const input = traced(secureSnapshot(), FROM, TO, {
      traceroute: TRACE_TO_DB,
      connect: TIMEOUTS,
    });
    const [finding] = rule.evaluate(input, new Map());
    const fix = finding?.fix[0];
    expect(fix?.commands).toEqual(['kubectl apply -f -']);
    expect((await kubectl(['create', 'namespace', 'secure'])).code).toBe(0);
    const applied = await kubectl(['apply', '-f', '-'], fix?.yaml);
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim()).toBe(
      'networkpolicy.networking.k8s.io/allow-web-client-to-db created',
    );
    const got = await kubectl(['-n', 'secure', 'get', 'networkpolicies', '-o', 'json']);
    expect(got.code).toBe(0);
    const readBack = JSON.parse(got.stdout) as object;

    const snap = snapshotWith(secureObjects([defaultDenyIngress, readBack]));
    expect(snap.networkPolicies.map((p) => p.name).sort()).toEqual([
      'allow-web-client-to-db',
      'default-deny-ingress',
    ]);
    const web = snap.pods.find((p) => p.name === 'web-client');
    const nginx = snap.pods.find((p) => p.name === 'nginx');
    const db = snap.pods.find((p) => p.name === 'db');
    if (!web || !nginx || !db) throw new Error('fixture pods missing');
    const flow = (from: typeof web, port: number) =>
      evaluateNetworkPolicies(snap, {
        from: { kind: 'pod', pod: from },
        to: { kind: 'pod', pod: db },
        port,
        protocol: 'TCP',
      }).verdict;
    expect([flow(web, 5432), flow(web, 5433), flow(nginx, 5432)]).toEqual([
      'allowed',
      'denied',
      'denied',
    ]);
    const again = traced(snap, FROM, TO, { traceroute: TRACE_TO_DB, connect: TIMEOUTS });
    expect(rule.evaluate(again, new Map())).toEqual([]);
  }, 60_000);
});
