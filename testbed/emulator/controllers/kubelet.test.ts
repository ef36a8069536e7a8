import { afterEach, describe, expect, it } from 'vitest';
import { demoScenario } from '../../scenarios/demo';
import { ObjectStore, type KubeObject } from '../store';
import { startControllers, type Controllers } from './index';
import type { ContainerStatus, Pod } from './kube';
import { FakeRuntime, waitFor } from './testing';

const timing = { stepDelayMs: 1, backoffBaseMs: 30, backoffMaxMs: 120, stopTimeoutMs: 200 };

function node(name: string, podCIDR: string, ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: { podCIDR, podCIDRs: [podCIDR] },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pod(
  name: string,
  spec: Partial<Pod['spec']> & { containers: Pod['spec']['containers'] },
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'node-2', ...spec },
    status: { phase: 'Pending' },
  };
}

let store: ObjectStore;
let runtime: FakeRuntime;
let controllers: Controllers;

function setup(): void {
  store = new ObjectStore();
  store.create('nodes', node('node-1', '10.244.1.0/24', '192.168.56.11'));
  store.create('nodes', node('node-2', '10.244.2.0/24', '192.168.56.12'));
  runtime = new FakeRuntime();
  controllers = startControllers({ store, runtime, scenario: demoScenario, timing });
}

const getPod = (name: string) => store.get('pods', 'default', name) as Pod | undefined;
const status0 = (name: string): ContainerStatus | undefined =>
  getPod(name)?.status?.containerStatuses?.[0];

afterEach(async () => {
  await controllers?.stop();
});

describe('kubelet', () => {
  it('walks a pod through ContainerCreating and Running to Succeeded, as watchers see it', async () => {
    setup();
    runtime.behaviour = () => ({ kind: 'exit', exitCode: 0, output: 'hello\n', afterMs: 20 });
    const seen: string[] = [];
    store.subscribe((e) => {
      if (e.resource !== 'pods' || e.type === 'DELETED') return;
      const p = e.object as Pod;
      const cs = p.status?.containerStatuses?.[0];
      const state =
        cs?.state.waiting?.reason ?? (cs?.state.running ? 'Running' : cs?.state.terminated?.reason);
      const step = `${p.status?.phase}/${state ?? '-'}`;
      if (seen[seen.length - 1] !== step) seen.push(step);
    });
    store.create(
      'pods',
      pod('job', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'busybox', command: ['echo', 'hello'] }],
      }),
    );
    await waitFor(() => getPod('job')?.status?.phase === 'Succeeded', 3000, 'Succeeded');

    expect(seen).toEqual([
      'Pending/-',
      'Pending/ContainerCreating',
      'Running/Running',
      'Succeeded/Completed',
    ]);
    const p = getPod('job') as Pod;
    expect(p.status?.podIP).toMatch(/^10\.244\.2\.\d+$/);
    expect(p.status?.podIPs).toEqual([{ ip: p.status?.podIP }]);
    expect(p.status?.hostIP).toBe('192.168.56.12');
    expect(p.status?.hostIPs).toEqual([{ ip: '192.168.56.12' }]);
    expect(p.status?.startTime).toBeTruthy();
    expect(p.status?.qosClass).toBe('BestEffort');
    const cs = status0('job') as ContainerStatus;
    expect(cs.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs.state.terminated?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.state.terminated?.startedAt).toBeTruthy();
    expect(cs.state.terminated?.finishedAt).toBeTruthy();
    expect(cs.image).toBe('docker.io/library/busybox:latest');
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(p.status?.conditions?.map((c) => c.type)).toEqual([
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ]);
    // The argv the kubelet built from command, and the sandbox it asked for.
    const started = runtime.containersOf('job')[0];
    expect(started?.spec.argv).toEqual(['echo', 'hello']);
    expect(started?.spec.longRunning).toBe(false);
    expect(started?.spec.sandbox).toMatchObject({
      nodeName: 'node-2',
      hostNetwork: false,
      podIP: p.status?.podIP,
    });
    expect(controllers.logs.read('default', 'job', 'c')).toBe('hello\n');
    // A finished pod's sandbox is torn down.
    await waitFor(() => runtime.removed.some((s) => s.name === 'job'), 1000, 'sandbox removal');
  });

  it('fails a Never pod whose container exits non-zero, with reason Error', async () => {
    setup();
    runtime.behaviour = () => ({ kind: 'exit', exitCode: 3 });
    store.create(
      'pods',
      pod('bad', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'busybox', command: ['false'] }],
      }),
    );
    await waitFor(() => getPod('bad')?.status?.phase === 'Failed', 3000, 'Failed');
    expect(status0('bad')?.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(getPod('bad')?.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
      'PodFailed',
    );
  });

  it('reports ContainerCannotRun with exit code 128 and the runtime message', async () => {
    setup();
    runtime.behaviour = () => ({
      kind: 'refuse',
      message: 'exec: "tracepath": executable file not found',
    });
    store.create(
      'pods',
      pod('nope', {
        restartPolicy: 'Never',
        containers: [
          { name: 'c', image: 'ghcr.io/podpath/probe:v1', args: ['tracepath', '10.0.0.1'] },
        ],
      }),
    );
    await waitFor(() => getPod('nope')?.status?.phase === 'Failed', 3000, 'Failed');
    expect(status0('nope')?.state.terminated).toMatchObject({
      exitCode: 128,
      reason: 'ContainerCannotRun',
      message: 'exec: "tracepath": executable file not found',
    });
    expect(controllers.logs.read('default', 'nope', 'c')).toBe('');
    const failed = store.list('events', 'default').find((e) => e.reason === 'Failed');
    expect(failed?.message).toBe('Error: exec: "tracepath": executable file not found');
  });

  it('leaves a container the runtime refuses to configure waiting, with the runtime reason', async () => {
    setup();
    runtime.behaviour = () => ({
      kind: 'refuse',
      message: 'container has runAsNonRoot and image will run as root (container: c)',
    });
    const original = runtime.startContainer.bind(runtime);
    runtime.startContainer = async (spec) => {
      try {
        return await original(spec);
      } catch (err) {
        throw Object.assign(err as Error, { reason: 'CreateContainerConfigError' });
      }
    };
    store.create(
      'pods',
      pod('nonroot', {
        restartPolicy: 'Never',
        containers: [
          { name: 'c', image: 'busybox', command: ['id'], securityContext: { runAsNonRoot: true } },
        ],
      }),
    );
    await waitFor(
      () => status0('nonroot')?.state.waiting?.reason === 'CreateContainerConfigError',
      3000,
      'config error',
    );
    expect(status0('nonroot')?.state.waiting?.message).toBe(
      'container has runAsNonRoot and image will run as root (container: c)',
    );
    expect(getPod('nonroot')?.status?.phase).toBe('Pending');
  });

  it('hands the pod dnsPolicy and the containers securityContext to the runtime', async () => {
    setup();
    store.create(
      'pods',
      pod('hostdns', {
        hostNetwork: true,
        dnsPolicy: 'ClusterFirstWithHostNet',
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sleep', '9'],
            securityContext: { capabilities: { add: ['NET_RAW'] } },
          },
        ],
      }),
    );
    const c = await waitFor(() => runtime.containersOf('hostdns')[0], 2000, 'start');
    expect((c.spec.sandbox as { dnsPolicy?: string }).dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(c.spec.securityContext).toEqual({ capabilities: { add: ['NET_RAW'] } });
  });

  it('restarts an Always container with restartCount and CrashLoopBackOff back-off', async () => {
    setup();
    runtime.behaviour = () => ({ kind: 'exit', exitCode: 1, afterMs: 2 });
    store.create(
      'pods',
      pod('crash', { containers: [{ name: 'c', image: 'busybox', command: ['false'] }] }),
    );
    const waiting = await waitFor(
      () => {
        const cs = status0('crash');
        return cs?.state.waiting?.reason === 'CrashLoopBackOff' ? cs : undefined;
      },
      3000,
      'CrashLoopBackOff',
    );
    expect(waiting.restartCount).toBeGreaterThanOrEqual(1);
    expect(waiting.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(waiting.state.waiting?.message).toMatch(
      /^back-off \d+ms restarting failed container=c pod=crash_default\(/,
    );
    // Always never ends the pod, however often it fails.
    expect(getPod('crash')?.status?.phase).toBe('Running');
    await waitFor(() => (status0('crash')?.restartCount ?? 0) >= 3, 3000, 'three restarts');
    expect(runtime.containersOf('crash').length).toBeGreaterThanOrEqual(4);
  });

  it('restarts OnFailure containers until they succeed', async () => {
    setup();
    let attempt = 0;
    runtime.behaviour = () => ({ kind: 'exit', exitCode: attempt++ === 0 ? 1 : 0, afterMs: 2 });
    store.create(
      'pods',
      pod('retry', {
        restartPolicy: 'OnFailure',
        containers: [{ name: 'c', image: 'busybox', command: ['try'] }],
      }),
    );
    await waitFor(() => getPod('retry')?.status?.phase === 'Succeeded', 3000, 'Succeeded');
    const cs = status0('retry') as ContainerStatus;
    expect(cs.restartCount).toBe(1);
    expect(cs.lastState.terminated?.exitCode).toBe(1);
    expect(cs.state.terminated?.exitCode).toBe(0);
  });

  it('fails a pod past activeDeadlineSeconds with DeadlineExceeded and stops its container', async () => {
    setup();
    store.create(
      'pods',
      pod('slow', {
        restartPolicy: 'Never',
        activeDeadlineSeconds: 1,
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
      }),
    );
    await waitFor(() => getPod('slow')?.status?.phase === 'Running', 3000, 'Running');
    await waitFor(() => getPod('slow')?.status?.phase === 'Failed', 3000, 'Failed');
    const p = getPod('slow') as Pod;
    expect(p.status?.reason).toBe('DeadlineExceeded');
    expect(p.status?.message).toBe('Pod was active on the node longer than the specified deadline');
    expect(runtime.containersOf('slow')[0]?.stopped).toBe(true);
    expect(status0('slow')?.state.terminated?.exitCode).toBe(143);
    await waitFor(() => runtime.removed.some((s) => s.name === 'slow'), 1000, 'sandbox removal');
  });

  it('stops the containers and removes the sandbox of a deleted pod', async () => {
    setup();
    store.create('pods', pod('gone', { containers: [{ name: 'c', image: 'nginx' }] }));
    await waitFor(() => getPod('gone')?.status?.phase === 'Running', 3000, 'Running');
    const container = runtime.containersOf('gone')[0];
    // nginx with its own entrypoint is a server: the runtime is told it runs until stopped.
    expect(container?.spec.longRunning).toBe(true);
    expect(container?.spec.argv).toEqual(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
    let ended = false;
    controllers.logs.follow(
      'default',
      'gone',
      'c',
      () => {},
      () => (ended = true),
    );
    store.delete('pods', 'default', 'gone');
    await waitFor(() => container?.stopped, 2000, 'container stop');
    await waitFor(() => runtime.removed.some((s) => s.name === 'gone'), 2000, 'sandbox removal');
    expect(runtime.sandboxes.size).toBe(0);
    await waitFor(() => ended, 1000, 'follow end');
    expect(controllers.logs.read('default', 'gone', 'c')).toBeUndefined();
  });

  it('stops a pod marked for graceful deletion, reports its end, then deletes it', async () => {
    setup();
    store.create('pods', pod('graceful', { containers: [{ name: 'c', image: 'httpd' }] }));
    await waitFor(() => getPod('graceful')?.status?.phase === 'Running', 3000, 'Running');
    const seen: Pod[] = [];
    store.subscribe((e) => {
      if (e.resource === 'pods' && e.object.metadata.name === 'graceful')
        seen.push(e.object as Pod);
    });
    // What the API server does on DELETE with a grace period.
    store.mutate('pods', 'default', 'graceful', (o) => {
      o.metadata.deletionTimestamp = new Date(Date.now() + 30_000).toISOString();
      o.metadata.deletionGracePeriodSeconds = 30;
    });
    await waitFor(() => !getPod('graceful'), 3000, 'deletion');
    expect(runtime.containersOf('graceful')[0]?.stopped).toBe(true);
    expect(runtime.removed.map((s) => s.name)).toContain('graceful');
    const final = seen.filter((p) => p.status?.containerStatuses?.[0]?.state.terminated).pop();
    expect(final?.status?.phase).toBe('Failed');
    expect(final?.status?.containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 143,
      reason: 'Error',
    });
    const killing = store.list('events', 'default').find((e) => e.reason === 'Killing');
    expect(killing?.message).toBe('Stopping container c');
  });

  it('starts an ephemeral container in the running pod and reports its status', async () => {
    setup();
    store.create('pods', pod('target', { containers: [{ name: 'app', image: 'httpd' }] }));
    await waitFor(() => getPod('target')?.status?.phase === 'Running', 3000, 'Running');
    runtime.behaviour = (spec) =>
      spec.name === 'debugger'
        ? { kind: 'exit', exitCode: 0, output: ' 1  10.244.2.1  0.1 ms\n', afterMs: 20 }
        : { kind: 'run' };
    store.mutate('pods', 'default', 'target', (o) => {
      (o as Pod).spec.ephemeralContainers = [
        {
          name: 'debugger',
          image: 'ghcr.io/podpath/probe:v1',
          command: ['traceroute', '-n', '10.244.1.3'],
        },
      ];
    });
    const sandbox = runtime.containersOf('target', 'app')[0]?.spec.sandbox;
    const eph = await waitFor(
      () => runtime.containersOf('target', 'debugger')[0],
      2000,
      'ephemeral start',
    );
    expect(eph.spec.sandbox).toEqual(sandbox);
    expect(eph.spec.argv).toEqual(['traceroute', '-n', '10.244.1.3']);
    expect(eph.spec.longRunning).toBe(false);
    const done = await waitFor(
      () => getPod('target')?.status?.ephemeralContainerStatuses?.find((s) => s.state.terminated),
      2000,
      'ephemeral termination',
    );
    expect(done).toMatchObject({
      name: 'debugger',
      ready: false,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(controllers.logs.read('default', 'target', 'debugger')).toBe(' 1  10.244.2.1  0.1 ms\n');
    // The pod itself keeps running: an ephemeral container never changes the phase.
    expect(getPod('target')?.status?.phase).toBe('Running');
    expect(runtime.containersOf('target', 'app')[0]?.stopped).toBe(false);
  });

  it('follows a log chunk by chunk and ends it when the container terminates', async () => {
    setup();
    store.create(
      'pods',
      pod('talker', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'busybox', command: ['talk'] }],
      }),
    );
    const chunks: string[] = [];
    let ended = false;
    // Subscribing before the container exists is allowed: the stream starts with it.
    controllers.logs.follow(
      'default',
      'talker',
      'c',
      (t) => chunks.push(t),
      () => (ended = true),
    );
    expect(controllers.logs.read('default', 'talker', 'c')).toBeUndefined();
    const c = await waitFor(() => runtime.containersOf('talker')[0], 2000, 'start');
    await waitFor(() => getPod('talker')?.status?.phase === 'Running', 2000, 'Running');
    c.print('one\n');
    // A UTF-8 character split across two chunks must not turn into replacement characters.
    const bytes = Buffer.from('twö\n');
    c.printBytes(bytes.subarray(0, 3));
    c.printBytes(bytes.subarray(3));
    c.exit(0);
    await waitFor(() => ended, 2000, 'end');
    expect(chunks.join('')).toBe('one\ntwö\n');
    expect(controllers.logs.read('default', 'talker', 'c')).toBe('one\ntwö\n');
    // Following a finished container ends at once.
    let endedAgain = false;
    controllers.logs.follow(
      'default',
      'talker',
      'c',
      () => {},
      () => (endedAgain = true),
    );
    expect(endedAgain).toBe(true);
  });

  it('gives hostNetwork pods the node address and scenario pods their fixed IP', async () => {
    setup();
    store.create(
      'pods',
      pod('hostnet', {
        hostNetwork: true,
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'] }],
      }),
    );
    // web-client is a demo scenario pod: it gets 10.244.2.3 and runs as an idle client.
    store.create(
      'pods',
      pod('web-client', {
        containers: [{ name: 'web-client', image: 'busybox', command: ['sleep', '3600000'] }],
      }),
    );
    await waitFor(() => getPod('hostnet')?.status?.phase === 'Running', 3000, 'hostnet Running');
    await waitFor(
      () => getPod('web-client')?.status?.phase === 'Running',
      3000,
      'web-client Running',
    );
    expect(getPod('hostnet')?.status?.podIP).toBe('192.168.56.12');
    expect(runtime.containersOf('hostnet')[0]?.spec.sandbox.hostNetwork).toBe(true);
    expect(getPod('web-client')?.status?.podIP).toBe('10.244.2.3');
    expect(runtime.containersOf('web-client')[0]?.spec.longRunning).toBe(true);
  });

  it('never hands out a scenario IP or a live pod IP to new pods', async () => {
    setup();
    for (let i = 0; i < 6; i++) {
      store.create(
        'pods',
        pod(`p${i}`, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'] }] }),
      );
    }
    const ips = await waitFor(
      () => {
        const all = [0, 1, 2, 3, 4, 5].map((i) => getPod(`p${i}`)?.status?.podIP);
        return all.every(Boolean) ? (all as string[]) : undefined;
      },
      3000,
      'six IPs',
    );
    expect(new Set(ips).size).toBe(6);
    // 10.244.2.3 (web-client) and 10.244.2.4 (k8s-go-demo) belong to demo scenario pods.
    expect(ips).not.toContain('10.244.2.3');
    expect(ips).not.toContain('10.244.2.4');
    expect(ips).not.toContain('10.244.2.0');
    expect(ips).not.toContain('10.244.2.1');
    expect(ips.sort()).toEqual([
      '10.244.2.2',
      '10.244.2.5',
      '10.244.2.6',
      '10.244.2.7',
      '10.244.2.8',
      '10.244.2.9',
    ]);
  });

  it('retries a sandbox the runtime could not create and records the failure', async () => {
    setup();
    runtime.failSandbox = 'netns busy';
    store.create(
      'pods',
      pod('flaky', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] }),
    );
    await waitFor(
      () => store.list('events', 'default').some((e) => e.reason === 'FailedCreatePodSandBox'),
      2000,
      'event',
    );
    expect(status0('flaky')?.state.waiting?.reason).toBe('ContainerCreating');
    runtime.failSandbox = null;
    await waitFor(() => getPod('flaky')?.status?.phase === 'Running', 3000, 'Running');
  });

  it('gives up a sandbox retry at once when the pod is deleted, and stops promptly', async () => {
    store = new ObjectStore();
    store.create('nodes', node('node-2', '10.244.2.0/24', '192.168.56.12'));
    runtime = new FakeRuntime();
    // A back-off far longer than the test: deletion and stop() must not wait for it.
    controllers = startControllers({
      store,
      runtime,
      scenario: demoScenario,
      timing: { ...timing, backoffBaseMs: 60_000, backoffMaxMs: 60_000 },
    });
    runtime.failSandbox = 'netns busy';
    store.create(
      'pods',
      pod('doomed', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] }),
    );
    await waitFor(
      () => store.list('events', 'default').some((e) => e.reason === 'FailedCreatePodSandBox'),
      2000,
      'event',
    );
    store.mutate('pods', 'default', 'doomed', (o) => {
      o.metadata.deletionTimestamp = new Date().toISOString();
    });
    await waitFor(() => !getPod('doomed'), 2000, 'deletion');
    store.create(
      'pods',
      pod('stuck', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] }),
    );
    await waitFor(
      () =>
        store
          .list('events', 'default')
          .some((e) => e.involvedObject && (e.involvedObject as { name: string }).name === 'stuck'),
      2000,
      'stuck event',
    );
    const started = Date.now();
    await controllers.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(runtime.containers).toHaveLength(0);
  });
});
