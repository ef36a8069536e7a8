/**
 * runProbe end to end: the real client against the API emulator, whose kubelet runs the probe
 * containers in the network lab's namespaces. What the logs show is what the kernel did.
 * Needs root (PODPATH_LAB=off skips it on purpose).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startDemoCluster,
  type DemoCluster,
  type DemoClusterOptions,
} from '../../testbed/demo-cluster';
import { labTestsOff } from '../../testbed/lab/lab-test-support';
import type { ClusterClient } from '../cluster/types';
import { BUSYBOX_IMAGE, PODPATH_PROBE_IMAGE } from './commands';
import { ProbeLimiter } from './limiter';
import { probeOptions, runProbe } from './run-probe';
import { canFromClient, chooseStrategy } from './strategy';
import { clientForKubeconfig, snapshotOf } from './test-support/cluster';
import { PROBE_SELECTOR } from './cleanup';
import type { ProbeEvent, ProbeSpec } from './types';

const FXRQL = 'k8s-go-demo-deploy-66cdbcd8d9-fxrql';

/** Hop addresses of a traceroute log, `*` for silent hops. */
function hops(log: string): string[] {
  return log
    .split('\n')
    .map((l) => /^\s*\d+\s+(\S+)/.exec(l)?.[1])
    .filter((h): h is string => h !== undefined);
}

function spec(overrides: Partial<ProbeSpec>): ProbeSpec {
  return {
    strategy: 'pod',
    source: { kind: 'pod', namespace: 'default', name: 'web-client', node: 'node-2' },
    kind: 'traceroute',
    target: { ip: '10.244.1.3' },
    image: PODPATH_PROBE_IMAGE,
    options: probeOptions({ timeoutMs: 60_000 }),
    traceId: 'lab-test-trace',
    namespace: 'default',
    ...overrides,
  };
}

async function startCluster(forbid?: DemoClusterOptions['forbid']) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'podpath-probes-'));
  const cluster = await startDemoCluster({ dataPlane: 'lab', dataDir, forbid });
  const client = clientForKubeconfig({ path: cluster.kubeconfigPath });
  return {
    cluster,
    client,
    async close() {
      await cluster.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(labTestsOff)('runProbe through emulator and lab', () => {
  let cluster: DemoCluster;
  let client: ClusterClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, client, close } = await startCluster());
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  afterEach(async () => {
    // Every probe pod is gone once runProbe has returned, whatever happened.
    expect(await client.listPods({ labelSelector: PROBE_SELECTOR })).toEqual([]);
  });

  it('streams the output while the probe runs, and the streamed text is the final log', async () => {
    // S5 from web-client: the first hop answers at once, the silent ones take seconds.
    const events: ProbeEvent[] = [];
    const outcome = await runProbe(client, spec({ target: { ip: '192.168.2.10' } }), {
      onEvent: (e) => events.push(e),
    });
    const terminated = events.findIndex((e) => e.type === 'terminated');
    const outputs = events.filter((e) => e.type === 'output');
    const early = events.slice(0, terminated).filter((e) => e.type === 'output');
    expect(terminated).toBeGreaterThan(0);
    expect(early.length, JSON.stringify(events.map((e) => e.type))).toBeGreaterThan(0);
    expect(outputs.map((e) => (e.type === 'output' ? e.chunk : '')).join('')).toBe(outcome.log);
    expect(hops(outcome.log)[0]).toBe('10.244.2.1');
  });

  it('pod strategy: S1 traceroute from node-2 to httpd, 3 hops, pod deleted', async () => {
    const events: ProbeEvent[] = [];
    let stored: unknown = null;
    const outcome = await runProbe(client, spec({}), {
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'created') {
          stored = cluster.emulator.store.get('pods', e.namespace, e.podName);
        }
      },
    });
    expect(outcome).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      privilegeError: false,
      strategy: 'pod',
      namespace: 'default',
      container: 'probe',
      node: 'node-2',
    });
    expect(outcome.podName).toMatch(/^podpath-probe-[a-z0-9]{5}$/);
    expect(outcome.argv).toEqual([
      'traceroute',
      '-n',
      '-w',
      '2',
      '-q',
      '1',
      '-m',
      '20',
      '--',
      '10.244.1.3',
    ]);
    expect(outcome.log).toContain('traceroute to 10.244.1.3 (10.244.1.3), 20 hops max');
    expect(hops(outcome.log)).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);
    // `pulling` (ContainerCreating) shows when the watch saw that state; the rest always do.
    expect(events.map((e) => e.type).filter((t) => t !== 'pulling')).toEqual([
      'created',
      'scheduled',
      'running',
      'terminated',
      'output',
      'deleted',
    ]);
    // The API server kept the pin and the restricted security context as sent.
    expect(stored).toMatchObject({
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'podpath' } },
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', values: ['node-2'] }] }],
            },
          },
        },
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ securityContext: { capabilities: { drop: ['ALL'] } } }],
      },
    });
    await expect(
      client.getPod({ namespace: 'default', name: outcome.podName! }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('ephemeral strategy: S2, 20 connects from fxrql to its own ClusterIP, some fail', async () => {
    // kube-proxy picks one of two endpoints per connect; all 20 alike has odds 2 in 2^20.
    const outcome = await runProbe(
      client,
      spec({
        strategy: 'ephemeral',
        source: { kind: 'pod', namespace: 'default', name: FXRQL, node: 'node-1' },
        kind: 'connect',
        target: { ip: '10.96.212.203', port: 80 },
        options: probeOptions({ waitSeconds: 1, timeoutMs: 60_000 }),
      }),
    );
    expect(outcome).toMatchObject({ strategy: 'ephemeral', podName: FXRQL, exitCode: 1 });
    expect(outcome.container).toMatch(/^podpath-[0-9a-f]{8}$/);
    expect(outcome.connect?.attempts).toBe(20);
    expect(outcome.connect?.succeeded).toBeGreaterThan(0);
    expect(outcome.connect?.succeeded).toBeLessThan(20);
    expect(outcome.notes.join('\n')).toContain('ephemeral containers stay in the pod spec');
    const after = await client.getPod({ namespace: 'default', name: FXRQL });
    expect(after.containers?.find((c) => c.name === outcome.container)).toMatchObject({
      ephemeral: true,
      state: 'terminated',
    });
  }, 60_000);

  it('hostNetwork strategy: node-2 reaches legacy-db; a pod on node-2 does not (S5)', async () => {
    const limiter = new ProbeLimiter();
    const [node, pod] = await Promise.all([
      runProbe(
        client,
        spec({
          strategy: 'hostNetwork',
          source: { kind: 'node', node: 'node-2' },
          target: { ip: '192.168.2.10' },
        }),
        { limiter },
      ),
      runProbe(client, spec({ target: { ip: '192.168.2.10' } }), { limiter }),
    ]);
    expect(node).toMatchObject({ exitCode: 0, strategy: 'hostNetwork', privilegeError: false });
    expect(hops(node.log)).toEqual(['192.168.56.1', '192.168.2.10']);
    const podHops = hops(pod.log);
    expect(podHops[0]).toBe('10.244.2.1');
    expect(podHops.slice(1).every((h) => h === '*')).toBe(true);
    expect(podHops).toHaveLength(20);
  }, 60_000);

  it('connect and dns probes in a probe pod: S6 refused, cluster DNS answers', async () => {
    const refused = await runProbe(
      client,
      spec({
        kind: 'connect',
        target: { ip: '10.96.77.7', port: 8080 },
        options: probeOptions({ count: 3 }),
      }),
    );
    expect(refused.connect).toMatchObject({ attempts: 3, succeeded: 0 });
    expect(refused.connect?.results[0]?.error).toBe('Connection refused');
    const dns = await runProbe(client, spec({ kind: 'dns', target: { name: 'legacy-api' } }));
    expect(dns.exitCode).toBe(0);
    expect(dns.log).toContain('10.96.77.7');
  });

  it('busybox without NET_RAW: a privilege error, not a break', async () => {
    const outcome = await runProbe(
      client,
      spec({ image: BUSYBOX_IMAGE, options: probeOptions({ netRaw: false }) }),
    );
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.privilegeError).toBe(true);
    expect(outcome.privilege).toMatchObject({ kind: 'capability' });
    expect(outcome.privilege?.evidence).toMatch(/Operation not permitted/);
    const withRaw = await runProbe(client, spec({ image: BUSYBOX_IMAGE }));
    expect(withRaw.privilegeError).toBe(false);
    expect(hops(withRaw.log)).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);
  });

  it('cancel: the probe pod is deleted and runProbe rejects with the reason', async () => {
    const controller = new AbortController();
    let podName = '';
    const running = runProbe(client, spec({ target: { ip: '192.168.2.10' } }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'created') podName = e.podName;
        if (e.type === 'running') controller.abort(new Error('trace cancelled'));
      },
    });
    await expect(running).rejects.toThrow('trace cancelled');
    expect(podName).not.toBe('');
    await expect(client.getPod({ namespace: 'default', name: podName })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('refuses bad input before anything is created', async () => {
    await expect(runProbe(client, spec({ target: { ip: '-x' } }))).rejects.toThrow(/starts with/);
    await expect(runProbe(client, spec({ target: { name: '$(id)' } }))).rejects.toThrow(/\$\(/);
  });
});

describe.skipIf(labTestsOff)('runProbe when ephemeral containers are forbidden', () => {
  let client: ClusterClient;
  let cluster: DemoCluster;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, client, close } = await startCluster([
      { verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers' },
    ]));
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  it('auto picks a probe pod with a note; it cannot see the hairpin', async () => {
    const from = {
      ref: `pod:default/${FXRQL}`,
      kind: 'pod' as const,
      ip: null,
      node: null,
      namespace: 'default',
      name: FXRQL,
    };
    const to = {
      ref: 'service:default/k8s-go-demo-svc',
      kind: 'service' as const,
      ip: '10.96.212.203',
      node: null,
      namespace: 'default',
      name: 'k8s-go-demo-svc',
      port: 80,
    };
    const decision = await chooseStrategy({
      requested: 'auto',
      from,
      to,
      snapshot: await snapshotOf(cluster.emulator),
      can: canFromClient(client),
      probeNamespace: 'default',
    });
    expect(decision).toMatchObject({ ok: true, strategy: 'pod', node: 'node-1' });
    if (!decision.ok) return;
    expect(decision.notes[0]).toMatch(/may not patch pods\/ephemeralcontainers/);
    const outcome = await runProbe(
      client,
      spec({
        strategy: decision.strategy,
        source: { kind: 'pod', namespace: 'default', name: FXRQL, node: decision.node },
        kind: 'connect',
        target: { ip: '10.96.212.203', port: 80 },
        options: probeOptions({ count: 10, waitSeconds: 1 }),
      }),
    );
    // Beside the caller rather than in it: no loop back, so every connect works.
    expect(outcome.connect).toMatchObject({ attempts: 10, succeeded: 10 });
    expect(outcome.notes.join('\n')).toContain('not in default/' + FXRQL + ' itself');
  }, 60_000);

  it('an explicit ephemeral probe reports the refusal as a privilege problem', async () => {
    const outcome = await runProbe(
      client,
      spec({
        strategy: 'ephemeral',
        source: { kind: 'pod', namespace: 'default', name: FXRQL, node: 'node-1' },
      }),
    );
    expect(outcome).toMatchObject({
      reason: 'Forbidden',
      exitCode: null,
      privilegeError: true,
      privilege: { kind: 'rbac' },
    });
    expect(outcome.privilege?.evidence).toContain(
      'cannot patch resource "pods/ephemeralcontainers"',
    );
  });
});
