/**
 * The lab's ContainerRuntime: the emulator's kubelet creates sandboxes (namespaces with a veth
 * into cni0) and starts containers, whose commands run with their exact argv inside the pod's
 * namespace. Output streams back as the pod log; the exit code becomes the container's.
 */
import { spawn } from 'node:child_process';
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  RunningContainer,
  SandboxSpec,
} from '../runtime/types';
import type { NetworkLab } from './lab';
import { planCommand } from './probe-command';
import { netnsExec, signalNumber } from './process';
import type { LabSandboxSpec } from './types';

/** Thrown by startContainer when the image/command pair cannot run; `reason` is the kubelet's. */
export class ContainerStartError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

type Listener = (chunk: Buffer, stream: 'stdout' | 'stderr') => void;

/**
 * Output fan-out that replays what was printed before a listener subscribed, since the kubelet
 * subscribes only after startContainer resolves and a quick probe may be done by then.
 */
class OutputLog {
  private readonly chunks: { chunk: Buffer; stream: 'stdout' | 'stderr' }[] = [];
  private readonly listeners: Listener[] = [];

  push(chunk: Buffer, stream: 'stdout' | 'stderr'): void {
    this.chunks.push({ chunk, stream });
    for (const l of this.listeners) l(chunk, stream);
  }

  subscribe(listener: Listener): void {
    for (const c of this.chunks) listener(c.chunk, c.stream);
    this.listeners.push(listener);
  }
}

export class LabRuntime implements ContainerRuntime {
  readonly kind = 'lab' as const;
  private readonly dnsPolicies = new Map<string, LabSandboxSpec['dnsPolicy']>();

  constructor(private readonly lab: NetworkLab) {}

  async createSandbox(spec: SandboxSpec): Promise<void> {
    const labSpec = spec as LabSandboxSpec;
    const pod = await this.lab.addPod(labSpec);
    this.dnsPolicies.set(`${spec.namespace}/${spec.name}`, labSpec.dnsPolicy);
    if (pod.node !== spec.nodeName) {
      throw new Error(
        `sandbox ${spec.namespace}/${spec.name} exists on ${pod.node}, not ${spec.nodeName}`,
      );
    }
  }

  async removeSandbox(spec: SandboxSpec): Promise<void> {
    this.dnsPolicies.delete(`${spec.namespace}/${spec.name}`);
    await this.lab.removePod(spec.namespace, spec.name);
  }

  async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
    const { sandbox } = spec;
    const pod = this.lab.pod(sandbox.namespace, sandbox.name);
    if (!pod) {
      throw new ContainerStartError(
        'CreateContainerError',
        `no sandbox for pod ${sandbox.namespace}/${sandbox.name} in the lab`,
      );
    }
    if (spec.longRunning) {
      // A scenario server or idle client: what matters to probes is that its ports answer.
      await this.lab.listen(`${pod.namespace}/${pod.name}`, sandbox.listenPorts);
      return idleContainer();
    }
    const plan = planCommand(spec, this.lab.binDir);
    if (!plan.ok) throw new ContainerStartError(plan.reason, plan.message);
    const policy =
      this.dnsPolicies.get(`${sandbox.namespace}/${sandbox.name}`) ??
      (sandbox as LabSandboxSpec).dnsPolicy;
    const ns = await this.lab.containerNetns(pod, policy);
    const [file, ...args] = netnsExec(ns, plan.argv);
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = new OutputLog();
    child.stdout.on('data', (c: Buffer) => log.push(c, 'stdout'));
    child.stderr.on('data', (c: Buffer) => log.push(c, 'stderr'));
    const exited = new Promise<ContainerExit>((resolve) => {
      child.on('error', (e) =>
        resolve({ exitCode: 128, reason: 'ContainerCannotRun', message: e.message }),
      );
      child.on('close', (code, signal) => {
        const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
        resolve({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' });
      });
    });
    return {
      onOutput: (listener) => log.subscribe(listener),
      exited,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }

  close(): Promise<void> {
    return this.lab.close();
  }
}

function idleContainer(): RunningContainer {
  let finish: (exit: ContainerExit) => void = () => undefined;
  const exited = new Promise<ContainerExit>((resolve) => (finish = resolve));
  return {
    onOutput: () => undefined,
    exited,
    stop: async () => finish({ exitCode: 0, reason: 'Completed' }),
  };
}
