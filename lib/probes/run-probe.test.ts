/**
 * runProbe's paths that no healthy network shows: deadlines, containers that never start,
 * refused creates, unschedulable pods, queueing. The API emulator runs with a container runtime
 * that hangs or refuses on cue, so the kubelet's real status handling is what the probe reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../testbed/emulator/index';
import type {
  ContainerExit,
  ContainerRuntime,
  RunningContainer,
} from '../../testbed/runtime/types';
import { demoScenario } from '../../testbed/scenarios/demo';
import type { ClusterClient } from '../cluster/types';
import { PROBE_SELECTOR } from './cleanup';
import { ProbeLimiter } from './limiter';
import { probeOptions, runProbe } from './run-probe';
import { clientForKubeconfig } from './test-support/cluster';
import { s1Spec } from './test-support/fixtures';
import type { ProbeEvent } from './types';

/**
 * Targets pick the behaviour: 10.0.0.2 hangs until stopped, 10.0.0.3 is refused as a root
 * image under runAsNonRoot, anything else prints one line and exits 0.
 */
function cueRuntime(): ContainerRuntime {
  return {
    kind: 'none',
    async createSandbox() {},
    async removeSandbox() {},
    async startContainer(spec): Promise<RunningContainer> {
      if (spec.argv.includes('10.0.0.3')) {
        throw Object.assign(
          new Error('container has runAsNonRoot and image will run as root (container: probe)'),
          { reason: 'CreateContainerConfigError' },
        );
      }
      let finish: (exit: ContainerExit) => void = () => undefined;
      const exited = new Promise<ContainerExit>((resolve) => (finish = resolve));
      const listeners: ((chunk: Buffer, stream: 'stdout' | 'stderr') => void)[] = [];
      const hang = spec.longRunning || spec.argv.includes('10.0.0.2');
      if (!hang) {
        setTimeout(() => {
          for (const l of listeners) l(Buffer.from(`ran ${spec.argv.join(' ')}\n`), 'stdout');
          finish({ exitCode: 0, reason: 'Completed' });
        }, 20);
      }
      return {
        onOutput: (l) => listeners.push(l),
        exited,
        stop: async () => finish({ exitCode: 137, reason: 'Error' }),
      };
    },
    async close() {},
  };
}

describe('runProbe edge cases against the emulator', () => {
  let emulator: Emulator;
  let client: ClusterClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      scenario: demoScenario,
      runtime: cueRuntime(),
      forbid: [{ verb: 'create', resource: 'pods', namespace: 'kube-public' }],
      kubeletTiming: { stepDelayMs: 5 },
    });
    client = clientForKubeconfig({ text: emulator.kubeconfig() });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  const leftovers = () => client.listPods({ labelSelector: PROBE_SELECTOR });

  it('a probe killed at its deadline says so and is deleted', async () => {
    const outcome = await runProbe(
      client,
      s1Spec({ target: { ip: '10.0.0.2' }, options: probeOptions({ timeoutMs: 1_000 }) }),
    );
    expect(outcome).toMatchObject({ reason: 'DeadlineExceeded', exitCode: 137 });
    expect(outcome.privilegeError).toBe(false);
    expect(outcome.notes.join('\n')).toContain('stopped at its deadline (1 s)');
    expect(await leftovers()).toEqual([]);
  });

  it('a container that cannot be created is reported without waiting for the deadline', async () => {
    const started = Date.now();
    const outcome = await runProbe(client, s1Spec({ target: { ip: '10.0.0.3' } }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome).toMatchObject({
      reason: 'CreateContainerConfigError',
      exitCode: null,
      privilegeError: true,
      privilege: { kind: 'non-root' },
    });
    expect(await leftovers()).toEqual([]);
  });

  it('a refused create is a privilege problem and leaves nothing', async () => {
    const outcome = await runProbe(client, s1Spec({ namespace: 'kube-public' }));
    expect(outcome).toMatchObject({
      reason: 'Forbidden',
      podName: null,
      privilegeError: true,
      privilege: { kind: 'rbac' },
    });
    expect(await leftovers()).toEqual([]);
  });

  it('a pod no node takes times out with the reason and is deleted', async () => {
    const outcome = await runProbe(
      client,
      s1Spec({
        source: { kind: 'node', node: 'node-9' },
        strategy: 'hostNetwork',
        options: probeOptions({ timeoutMs: 1_000 }),
      }),
    );
    expect(outcome.reason).toBe('Timeout');
    expect(outcome.notes.join('\n')).toContain('never scheduled on node node-9');
    expect(await leftovers()).toEqual([]);
  });

  it('queues past the per-node limit and runs in order', async () => {
    const limiter = new ProbeLimiter({ perCluster: 4, perNode: 1 });
    const events: ProbeEvent[][] = [[], []];
    const [a, b] = await Promise.all(
      [0, 1].map((i) =>
        runProbe(client, s1Spec({ target: { ip: `10.0.1.${i + 1}` } }), {
          limiter,
          onEvent: (e) => events[i]!.push(e),
        }),
      ),
    );
    expect(a?.log).toContain('10.0.1.1');
    expect(b?.log).toContain('10.0.1.2');
    expect(events[0]!.some((e) => e.type === 'queued')).toBe(false);
    expect(events[1]![0]).toMatchObject({ type: 'queued', node: 'node-2', strategy: 'pod' });
    // The second probe's pod was created only after the first one's was deleted.
    const firstDeleted = events[0]!.find((e) => e.type === 'deleted')!.at;
    const secondCreated = events[1]!.find((e) => e.type === 'created')!.at;
    expect(secondCreated >= firstDeleted).toBe(true);
    expect(limiter.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('a listener that throws does not stop the probe or its cleanup', async () => {
    const outcome = await runProbe(client, s1Spec(), {
      onEvent: () => {
        throw new Error('stream closed');
      },
    });
    expect(outcome.exitCode).toBe(0);
    expect(await leftovers()).toEqual([]);
  });
});
