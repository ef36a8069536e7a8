/**
 * The kubelet of every node at once. For each pod bound to a node it allocates the pod IP,
 * asks the ContainerRuntime for the sandbox and the containers, and writes the pod status the
 * way the real kubelet does (ContainerCreating, Running, Completed/Error, CrashLoopBackOff,
 * DeadlineExceeded), collecting container output for `kubectl logs`.
 *
 * Each pod has one worker whose steps run one after another (a promise chain), so an exit, a
 * deadline or a deletion never interleaves with a half-done start.
 */
import { randomBytes } from 'node:crypto';
import type {
  ContainerExit,
  ContainerRuntime,
  RunningContainer,
  SandboxSpec,
} from '../../runtime/types';
import { StoreError, type ObjectStore, type StoreEvent } from '../store';
import type { EventRecorder } from './events';
import { containerArgv, imageID, normalizedImageName, runsUntilStopped } from './images';
import { allocatePodIP, cidrContains } from './ip-allocator';
import {
  RESOURCES,
  isTerminalPhase,
  jsonEqual,
  nodeInternalIP,
  podKey,
  sleep,
  timestamp,
  type Container,
  type ContainerState,
  type ContainerStatus,
  type NodeObject,
  type Pod,
  type PodCondition,
  type PodStatus,
} from './kube';
import type { LogStore } from './logs';

export interface KubeletTiming {
  /** Pause between lifecycle steps, so watchers see each one (tens of ms). */
  stepDelayMs: number;
  /** First CrashLoopBackOff delay; doubles per restart up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a stopped container may take to exit before the kubelet stops waiting. */
  stopTimeoutMs: number;
}

export const DEFAULT_KUBELET_TIMING: KubeletTiming = {
  stepDelayMs: 30,
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
  stopTimeoutMs: 10_000,
};

export interface KubeletOptions {
  store: ObjectStore;
  runtime: ContainerRuntime;
  logs: LogStore;
  events: EventRecorder;
  /** Fixed IPs of the scenario's pods by namespace/name (never handed to other pods). */
  scenarioIPs: ReadonlyMap<string, string>;
  /**
   * Image of every scenario pod by namespace/name: a scenario pod running its scenario image is
   * a server or idle client that runs until stopped, whatever its command.
   */
  scenarioImages: ReadonlyMap<string, string>;
  timing: KubeletTiming;
}

export interface Kubelet {
  /** Stops every container and removes every sandbox; writes no more status. */
  stop(): Promise<void>;
  /** The pod IP a pod was given, by uid (for tests and diagnostics). */
  podIPOf(uid: string): string | undefined;
}

interface ContainerRun {
  spec: Container;
  ephemeral: boolean;
  status: ContainerStatus;
  running?: RunningContainer;
  /** Bumped per started instance, so a late exit of an old instance is ignored. */
  instance: number;
  restartTimer?: NodeJS.Timeout;
}

class PodReplaced extends Error {}

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

/** Go's time.Duration String() for the whole-millisecond delays the back-off message shows. */
function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds - minutes * 60;
  if (minutes < 60) return `${minutes}m${seconds}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${seconds}s`;
}

function qosClass(pod: Pod): string {
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const limits = c.resources?.limits ?? {};
    const requests = { ...limits, ...(c.resources?.requests ?? {}) };
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (!limits[r] || requests[r] !== limits[r]) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function newContainerID(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

function waitingStatus(spec: Container): ContainerStatus {
  return {
    name: spec.name,
    state: { waiting: { reason: 'ContainerCreating' } },
    lastState: {},
    ready: false,
    restartCount: 0,
    image: spec.image,
    imageID: '',
    started: false,
  };
}

class PodWorker {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  private pod: Pod;
  private chain: Promise<void> = Promise.resolve();
  private readonly containers: ContainerRun[];
  private readonly ephemeral = new Map<string, ContainerRun>();
  private sandbox: SandboxSpec | null = null;
  private sandboxReady = false;
  private sandboxRemoved = false;
  private hostIP: string | undefined;
  podIP: string | undefined;
  private startTime: string | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private failure: { reason: string; message: string } | undefined;
  /** Terminal (Succeeded/Failed) or deleted: nothing starts any more. */
  private done = false;
  private deleted = false;
  /** deletionTimestamp seen: the pod is being stopped and will be deleted. */
  private terminating = false;

  constructor(
    pod: Pod,
    private readonly kubelet: KubeletImpl,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    this.namespace = pod.metadata.namespace ?? 'default';
    this.name = pod.metadata.name;
    this.nodeName = pod.spec.nodeName ?? '';
    this.containers = pod.spec.containers.map((spec) => ({
      spec,
      ephemeral: false,
      status: waitingStatus(spec),
      instance: 0,
    }));
  }

  private get opts(): KubeletOptions {
    return this.kubelet.opts;
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step).catch((err: unknown) => {
      process.stderr.write(
        `emulator kubelet: ${this.namespace}/${this.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    });
    this.chain = next;
    return next;
  }

  start(): void {
    void this.serial(() => this.run());
  }

  /** A newer version of the pod arrived: ephemeral containers and deadline changes. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.terminating) {
      this.terminating = true;
      this.wake?.();
      void this.serial(() => this.terminate());
      return;
    }
    if (this.terminating) return;
    for (const spec of pod.spec.ephemeralContainers ?? []) {
      if (this.ephemeral.has(spec.name)) continue;
      const run: ContainerRun = { spec, ephemeral: true, status: waitingStatus(spec), instance: 0 };
      this.ephemeral.set(spec.name, run);
      void this.serial(async () => {
        if (this.done || !this.sandboxReady) {
          // Real kubelets refuse to start ephemeral containers in a finished pod; the status
          // stays waiting so the caller can see it never ran.
          this.writeStatus();
          return;
        }
        this.writeStatus();
        await sleep(this.opts.timing.stepDelayMs);
        await this.startContainer(run);
        this.writeStatus();
      });
    }
    this.armDeadline();
  }

  private async run(): Promise<void> {
    await sleep(this.opts.timing.stepDelayMs);
    if (this.deleted) return;
    const node = this.opts.store.get(RESOURCES.nodes, undefined, this.nodeName) as
      NodeObject | undefined;
    if (!node) return;
    this.hostIP = nodeInternalIP(node);
    this.startTime = timestamp();
    this.writeStatus();
    this.armDeadline();

    const hostNetwork = this.pod.spec.hostNetwork === true;
    if (hostNetwork) {
      this.podIP = this.hostIP;
    } else {
      this.podIP = this.kubelet.allocateIP(this, node);
      if (!this.podIP) {
        this.opts.events.record(this.pod, {
          type: 'Warning',
          reason: 'FailedCreatePodSandBox',
          message: `Failed to create pod sandbox: plugin type="host-local" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${node.spec?.podCIDR ?? ''}`,
          component: 'kubelet',
          host: this.nodeName,
        });
        return;
      }
    }
    // dnsPolicy rides along for the lab, which resolves ClusterFirstWithHostNet pods via cluster DNS.
    const sandbox: SandboxSpec & { dnsPolicy?: string } = {
      namespace: this.namespace,
      name: this.name,
      uid: this.uid,
      nodeName: this.nodeName,
      hostNetwork,
      listenPorts: [
        ...new Set(
          this.pod.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)),
        ),
      ],
    };
    if (!hostNetwork && this.podIP) sandbox.podIP = this.podIP;
    sandbox.dnsPolicy =
      typeof this.pod.spec.dnsPolicy === 'string' ? this.pod.spec.dnsPolicy : 'ClusterFirst';

    // A sandbox that fails is retried, as the kubelet's pod worker does on its next sync.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.opts.runtime.createSandbox(sandbox);
        break;
      } catch (err) {
        if (this.deleted || this.terminating) return;
        this.opts.events.record(this.pod, {
          type: 'Warning',
          reason: 'FailedCreatePodSandBox',
          message: `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`,
          component: 'kubelet',
          host: this.nodeName,
        });
        await this.pause(
          Math.min(this.opts.timing.backoffBaseMs * 2 ** attempt, this.opts.timing.backoffMaxMs),
        );
        if (this.deleted || this.terminating) return;
      }
    }
    this.sandbox = sandbox;
    this.sandboxReady = true;
    if (this.deleted || this.done || this.terminating) {
      await this.removeSandbox();
      return;
    }
    await sleep(this.opts.timing.stepDelayMs);
    for (const run of this.containers) {
      if (this.deleted || this.done || this.terminating) break;
      await this.startContainer(run);
    }
    this.writeStatus();
    await this.finishIfTerminal();
  }

  private async startContainer(run: ContainerRun): Promise<void> {
    const { spec } = run;
    const key = podKey(this.namespace, this.name);
    const fieldPath = run.ephemeral
      ? `spec.ephemeralContainers{${spec.name}}`
      : `spec.containers{${spec.name}}`;
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) =>
      this.opts.events.record(this.pod, {
        type,
        reason,
        message,
        component: 'kubelet',
        host: this.nodeName,
        fieldPath,
      });
    event('Normal', 'Pulled', `Container image "${spec.image}" already present on machine`);
    const instance = ++run.instance;
    const containerID = newContainerID();
    const startedAt = timestamp();
    const longRunning =
      (!run.ephemeral && this.opts.scenarioImages.get(key) === spec.image) ||
      runsUntilStopped(spec);
    let running: RunningContainer;
    try {
      running = await this.opts.runtime.startContainer({
        sandbox: this.sandbox as SandboxSpec,
        name: spec.name,
        image: spec.image,
        argv: containerArgv(spec),
        longRunning,
        ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const reason = (err as { reason?: unknown }).reason;
      event('Warning', 'Failed', `Error: ${message}`);
      if (typeof reason === 'string' && reason !== 'ContainerCannotRun') {
        // CreateContainerConfigError and kin: the container is never created and waits, as the
        // kubelet leaves it until the pod's spec changes.
        run.status = { ...run.status, state: { waiting: { reason, message } } };
        return;
      }
      this.opts.logs.start(this.namespace, this.name, spec.name);
      this.opts.logs.end(this.namespace, this.name, spec.name);
      this.recordExit(run, instance, containerID, startedAt, {
        exitCode: 128,
        reason: 'ContainerCannotRun',
        message,
      });
      await this.afterExit(run);
      return;
    }
    if (this.deleted || this.done || this.terminating) {
      await running.stop().catch(() => {});
      return;
    }
    event('Normal', 'Created', `Created container ${spec.name}`);
    event('Normal', 'Started', `Started container ${spec.name}`);
    run.running = running;
    this.opts.logs.start(this.namespace, this.name, spec.name);
    running.onOutput((chunk, stream) => {
      if (run.instance === instance) {
        this.opts.logs.append(this.namespace, this.name, spec.name, chunk, stream);
      }
    });
    run.status = {
      ...run.status,
      state: { running: { startedAt } },
      ready: !run.ephemeral,
      started: true,
      image: normalizedImageName(spec.image),
      imageID: imageID(spec.image),
      containerID,
    };
    void running.exited.then(
      (exit) => this.onExit(run, instance, containerID, startedAt, exit),
      (err: unknown) =>
        this.onExit(run, instance, containerID, startedAt, {
          exitCode: 1,
          reason: 'Error',
          message: err instanceof Error ? err.message : String(err),
        }),
    );
  }

  private recordExit(
    run: ContainerRun,
    instance: number,
    containerID: string,
    startedAt: string,
    exit: ContainerExit,
  ): void {
    if (run.instance !== instance || run.status.state.terminated?.containerID === containerID) {
      return;
    }
    const terminated: NonNullable<ContainerState['terminated']> = {
      exitCode: exit.exitCode,
      reason: exit.reason || (exit.exitCode === 0 ? 'Completed' : 'Error'),
      startedAt,
      finishedAt: timestamp(),
      containerID,
    };
    if (exit.message) terminated.message = exit.message;
    run.status = {
      ...run.status,
      state: { terminated },
      ready: false,
      started: false,
      image: normalizedImageName(run.spec.image),
      imageID: exit.reason === 'ContainerCannotRun' ? '' : imageID(run.spec.image),
      containerID,
    };
    run.running = undefined;
    this.opts.logs.end(this.namespace, this.name, run.spec.name);
  }

  private onExit(
    run: ContainerRun,
    instance: number,
    containerID: string,
    startedAt: string,
    exit: ContainerExit,
  ): void {
    void this.serial(async () => {
      if (run.instance !== instance || this.deleted) return;
      if (run.status.state.terminated?.containerID === containerID) return;
      this.recordExit(run, instance, containerID, startedAt, exit);
      await this.afterExit(run);
    });
  }

  /** After a container ended: restart it per restartPolicy, or finish the pod. */
  private async afterExit(run: ContainerRun): Promise<void> {
    if (this.deleted) return;
    if (this.done || run.ephemeral) {
      this.writeStatus();
      return;
    }
    const exitCode = run.status.state.terminated?.exitCode ?? 0;
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    this.writeStatus();
    if (restart) {
      this.scheduleRestart(run);
      return;
    }
    await this.finishIfTerminal();
  }

  private scheduleRestart(run: ContainerRun): void {
    const { timing } = this.opts;
    const restarts = run.status.restartCount;
    let delay = timing.stepDelayMs;
    // The first restart is immediate; from the second on the kubelet backs off.
    if (restarts > 0) {
      delay = Math.min(timing.backoffBaseMs * 2 ** (restarts - 1), timing.backoffMaxMs);
      const terminated = run.status.state.terminated;
      run.status = {
        ...run.status,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${goDuration(delay)} restarting failed container=${run.spec.name} pod=${this.name}_${this.namespace}(${this.uid})`,
          },
        },
        lastState: terminated ? { terminated } : run.status.lastState,
      };
      this.writeStatus();
      this.opts.events.record(this.pod, {
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${run.spec.name} in pod ${this.name}_${this.namespace}(${this.uid})`,
        component: 'kubelet',
        host: this.nodeName,
        fieldPath: `spec.containers{${run.spec.name}}`,
      });
    }
    run.restartTimer = setTimeout(() => {
      run.restartTimer = undefined;
      void this.serial(async () => {
        if (this.done || this.deleted) return;
        const terminated = run.status.state.terminated ?? run.status.lastState.terminated;
        run.status = {
          ...run.status,
          lastState: terminated ? { terminated } : {},
          restartCount: run.status.restartCount + 1,
        };
        await this.startContainer(run);
        this.writeStatus();
      });
    }, delay);
  }

  /** getPhase of pkg/kubelet/kubelet_pods.go over the regular containers. */
  private phase(): NonNullable<PodStatus['phase']> {
    if (this.failure) return 'Failed';
    if (!this.sandboxReady) return 'Pending';
    let waiting = 0;
    let running = 0;
    let stopped = 0;
    let succeeded = 0;
    for (const { status } of this.containers) {
      if (status.state.running) running++;
      else if (status.state.terminated) {
        stopped++;
        if (status.state.terminated.exitCode === 0) succeeded++;
      } else if (status.lastState.terminated) stopped++;
      else waiting++;
    }
    if (waiting > 0) return 'Pending';
    if (running > 0) return 'Running';
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    if (this.done) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }

  private async finishIfTerminal(): Promise<void> {
    if (this.done || this.deleted) return;
    const phase = this.phase();
    if (!isTerminalPhase(phase)) return;
    this.done = true;
    this.clearTimers();
    // The kubelet tears a finished pod's sandbox down; its IP goes back to the range.
    await this.removeSandbox();
    this.writeStatus();
  }

  private armDeadline(): void {
    const seconds = this.pod.spec.activeDeadlineSeconds;
    if (this.deadlineTimer || this.done || !this.startTime || seconds === undefined) return;
    const remaining = Date.parse(this.startTime) + seconds * 1000 - Date.now();
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = undefined;
        void this.serial(() => this.deadlineExceeded());
      },
      Math.max(0, remaining),
    );
  }

  private async deadlineExceeded(): Promise<void> {
    if (this.done || this.deleted) return;
    this.done = true;
    this.failure = { reason: 'DeadlineExceeded', message: DEADLINE_MESSAGE };
    this.opts.events.record(this.pod, {
      type: 'Warning',
      reason: 'DeadlineExceeded',
      message: DEADLINE_MESSAGE,
      component: 'kubelet',
      host: this.nodeName,
    });
    await this.stopAll(true);
    await this.removeSandbox();
    this.writeStatus();
  }

  /**
   * Graceful deletion: stop the containers, report the pod's final phase, then delete the pod
   * object, as the kubelet's status manager does once nothing of the pod runs any more.
   */
  private async terminate(): Promise<void> {
    if (this.deleted) return;
    this.done = true;
    await this.stopAll(true);
    await this.removeSandbox();
    this.writeStatus();
    await sleep(this.opts.timing.stepDelayMs);
    if (this.deleted) return;
    this.kubelet.confirmDeletion(this.namespace, this.name, this.uid);
  }

  /** Stops every running container; with `record` their exits land in the status. */
  private async stopAll(record: boolean): Promise<void> {
    this.clearTimers();
    const runs = [...this.containers, ...this.ephemeral.values()];
    await Promise.all(
      runs.map(async (run) => {
        const running = run.running;
        if (!running) return;
        if (record) {
          this.opts.events.record(this.pod, {
            type: 'Normal',
            reason: 'Killing',
            message: `Stopping container ${run.spec.name}`,
            component: 'kubelet',
            host: this.nodeName,
            fieldPath: run.ephemeral
              ? `spec.ephemeralContainers{${run.spec.name}}`
              : `spec.containers{${run.spec.name}}`,
          });
        }
        const instance = run.instance;
        const containerID = run.status.containerID ?? '';
        const startedAt = run.status.state.running?.startedAt ?? timestamp();
        await running.stop().catch(() => {});
        // A container that ignores its stop is reported as killed (SIGKILL) after the timeout.
        const killed: ContainerExit = { exitCode: 137, reason: 'Error' };
        let timer: NodeJS.Timeout | undefined;
        const exit = await Promise.race([
          running.exited.catch(() => killed),
          new Promise<ContainerExit>((resolve) => {
            timer = setTimeout(() => resolve(killed), this.opts.timing.stopTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (record) this.recordExit(run, instance, containerID, startedAt, exit);
        run.running = undefined;
      }),
    );
  }

  /** A back-off wait that deletion or shutdown cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private clearTimers(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    for (const run of [...this.containers, ...this.ephemeral.values()]) {
      if (run.restartTimer) clearTimeout(run.restartTimer);
      run.restartTimer = undefined;
    }
  }

  private async removeSandbox(): Promise<void> {
    if (!this.sandbox || this.sandboxRemoved) return;
    this.sandboxRemoved = true;
    try {
      await this.opts.runtime.removeSandbox(this.sandbox);
    } catch (err) {
      process.stderr.write(
        `emulator kubelet: removing sandbox of ${this.namespace}/${this.name}: ${String(err)}\n`,
      );
    }
  }

  /** The pod was deleted: stop everything, free the sandbox, forget the logs. */
  delete(): Promise<void> {
    this.deleted = true;
    this.clearTimers();
    this.wake?.();
    return this.serial(async () => {
      this.done = true;
      await this.stopAll(false);
      await this.removeSandbox();
      this.opts.logs.dropPod(this.namespace, this.name);
    });
  }

  /** Emulator shutdown: like deletion, without touching the (soon gone) logs. */
  shutdown(): Promise<void> {
    this.deleted = true;
    this.clearTimers();
    this.wake?.();
    return this.serial(async () => {
      this.done = true;
      await this.stopAll(false);
      await this.removeSandbox();
    });
  }

  /** The address this pod holds until its sandbox is gone. */
  holdsIP(): string | undefined {
    return this.sandboxRemoved ? undefined : this.podIP;
  }

  private writeStatus(): void {
    if (this.deleted) return;
    try {
      const current = this.opts.store.get(RESOURCES.pods, this.namespace, this.name);
      if (!current || current.metadata.uid !== this.uid) throw new PodReplaced();
      const next = structuredClone(current) as Pod;
      this.applyStatus(next);
      // Like the kubelet's status manager: an unchanged status is not written again.
      if (jsonEqual(current.status, next.status)) return;
      this.opts.store.update(RESOURCES.pods, next);
    } catch (err) {
      // Deleted or replaced under us: the DELETED event tears this worker down.
      if (err instanceof PodReplaced || (err instanceof StoreError && err.reason === 'NotFound')) {
        return;
      }
      throw err;
    }
  }

  private applyStatus(pod: Pod): void {
    const at = timestamp();
    const status: PodStatus = pod.status ?? {};
    const phase = this.phase();
    const previous = status.conditions ?? [];
    const conditions: PodCondition[] = [];
    const put = (c: Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>) => {
      const old = previous.find((p) => p.type === c.type);
      const next: PodCondition = {
        type: c.type,
        status: c.status,
        lastProbeTime: null,
        lastTransitionTime:
          old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : at,
      };
      if (c.reason) next.reason = c.reason;
      if (c.message) next.message = c.message;
      conditions.push(next);
    };
    put({
      type: 'PodReadyToStartContainers',
      status: this.sandboxReady && !this.sandboxRemoved ? 'True' : 'False',
    });
    put({ type: 'Initialized', status: 'True' });
    const unready = this.containers
      .filter((r) => !(r.status.ready && r.status.state.running))
      .map((r) => r.spec.name);
    let ready: Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime' | 'type'>;
    if (phase === 'Succeeded') ready = { status: 'False', reason: 'PodCompleted' };
    else if (phase === 'Failed') ready = { status: 'False', reason: 'PodFailed' };
    else if (unready.length === 0) ready = { status: 'True' };
    else {
      ready = {
        status: 'False',
        reason: 'ContainersNotReady',
        message: `containers with unready status: [${unready.join(' ')}]`,
      };
    }
    put({ type: 'Ready', ...ready });
    put({ type: 'ContainersReady', ...ready });
    put({ type: 'PodScheduled', status: 'True' });
    const ours = new Set(conditions.map((c) => c.type));
    for (const c of previous) if (!ours.has(c.type)) conditions.push(c);

    status.phase = phase;
    status.conditions = conditions;
    if (this.hostIP) {
      status.hostIP = this.hostIP;
      status.hostIPs = [{ ip: this.hostIP }];
    }
    if (this.sandboxReady && this.podIP) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    }
    if (this.startTime) status.startTime = this.startTime;
    status.containerStatuses = this.containers.map((r) => structuredClone(r.status));
    if (this.ephemeral.size > 0) {
      status.ephemeralContainerStatuses = [...this.ephemeral.values()].map((r) =>
        structuredClone(r.status),
      );
    }
    status.qosClass = qosClass(pod);
    if (this.failure) {
      status.reason = this.failure.reason;
      status.message = this.failure.message;
    }
    pod.status = status;
  }
}

class KubeletImpl implements Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly lastIP = new Map<string, string>();
  private readonly reserved: Set<string>;
  private unsubscribe: () => void = () => {};
  private stopped = false;

  constructor(readonly opts: KubeletOptions) {
    this.reserved = new Set(opts.scenarioIPs.values());
  }

  begin(): void {
    this.unsubscribe = this.opts.store.subscribe((event: StoreEvent) => {
      if (event.resource !== RESOURCES.pods) return;
      const pod = event.object as Pod;
      // Deferred: a store listener must not write while the store is still notifying others.
      if (event.type === 'DELETED') setImmediate(() => this.podDeleted(pod));
      else setImmediate(() => this.podChanged(pod));
    });
    for (const pod of this.opts.store.list(RESOURCES.pods) as Pod[]) this.podChanged(pod);
  }

  private podChanged(pod: Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid ?? '';
    const worker = this.workers.get(uid);
    if (worker) {
      const current = this.opts.store.get(
        RESOURCES.pods,
        pod.metadata.namespace,
        pod.metadata.name,
      );
      if (current?.metadata.uid === uid) worker.update(current as Pod);
      return;
    }
    if (!pod.spec.nodeName || isTerminalPhase(pod.status?.phase)) return;
    const current = this.opts.store.get(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== uid) return;
    if (!this.opts.store.get(RESOURCES.nodes, undefined, pod.spec.nodeName)) return;
    if (current.metadata.deletionTimestamp) {
      // Nothing of it runs here: the kubelet confirms the deletion at once.
      this.confirmDeletion(current.metadata.namespace ?? 'default', current.metadata.name, uid);
      return;
    }
    const next = new PodWorker(current as Pod, this);
    this.workers.set(uid, next);
    next.start();
    next.update(current as Pod);
  }

  private podDeleted(pod: Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid ?? '';
    const worker = this.workers.get(uid);
    if (!worker) return;
    this.workers.delete(uid);
    void worker.delete();
  }

  /**
   * The pod's IP: its scenario IP when it is a scenario pod on the node that range belongs
   * to, otherwise the next free address of the node's podCIDR.
   */
  allocateIP(worker: PodWorker, node: NodeObject): string | undefined {
    const podCIDR = node.spec?.podCIDR ?? node.spec?.podCIDRs?.[0];
    if (!podCIDR) return undefined;
    const fixed = this.opts.scenarioIPs.get(podKey(worker.namespace, worker.name));
    if (fixed && cidrContains(podCIDR, fixed)) return fixed;
    const inUse = new Set<string>();
    for (const w of this.workers.values()) {
      const ip = w.holdsIP();
      if (ip) inUse.add(ip);
    }
    for (const p of this.opts.store.list(RESOURCES.pods) as Pod[]) {
      if (
        p.spec.nodeName === node.metadata.name &&
        p.status?.podIP &&
        !isTerminalPhase(p.status.phase)
      ) {
        inUse.add(p.status.podIP);
      }
    }
    const ip = allocatePodIP({
      podCIDR,
      inUse,
      reserved: this.reserved,
      last: this.lastIP.get(node.metadata.name),
    });
    if (ip) this.lastIP.set(node.metadata.name, ip);
    return ip ?? undefined;
  }

  /** Deletes the pod object with a uid precondition, the kubelet's grace-period-0 delete. */
  confirmDeletion(namespace: string, name: string, uid: string): void {
    const current = this.opts.store.get(RESOURCES.pods, namespace, name);
    if (current?.metadata.uid !== uid) return;
    try {
      this.opts.store.delete(RESOURCES.pods, namespace, name);
    } catch (err) {
      if (!(err instanceof StoreError && err.reason === 'NotFound')) throw err;
    }
  }

  podIPOf(uid: string): string | undefined {
    return this.workers.get(uid)?.podIP;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.shutdown()));
  }
}

/** Starts the kubelet for every node of the store. */
export function startKubelet(opts: KubeletOptions): Kubelet {
  const kubelet = new KubeletImpl(opts);
  kubelet.begin();
  return kubelet;
}
