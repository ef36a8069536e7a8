/**
 * Test doubles for the controllers' tests: a ContainerRuntime whose containers the test drives
 * (print, exit, refuse to start) and a polling wait. Not used outside tests.
 */
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  RunningContainer,
  SandboxSpec,
} from '../../runtime/types';

export type FakeBehaviour =
  /** Runs until stopped; stopping exits with 143 (SIGTERM). */
  | { kind: 'run' }
  /** Prints `output` then exits with `exitCode` after `afterMs`. */
  | { kind: 'exit'; exitCode: number; output?: string; afterMs?: number }
  /** startContainer throws this message. */
  | { kind: 'refuse'; message: string };

export class FakeContainer implements RunningContainer {
  private listeners: ((chunk: Buffer, stream: 'stdout' | 'stderr') => void)[] = [];
  private resolveExit!: (exit: ContainerExit) => void;
  readonly exited: Promise<ContainerExit>;
  stopped = false;
  done = false;

  constructor(readonly spec: ContainerSpec) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  onOutput(listener: (chunk: Buffer, stream: 'stdout' | 'stderr') => void): void {
    this.listeners.push(listener);
  }

  print(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    for (const l of this.listeners) l(Buffer.from(text), stream);
  }

  printBytes(bytes: Buffer, stream: 'stdout' | 'stderr' = 'stdout'): void {
    for (const l of this.listeners) l(bytes, stream);
  }

  exit(exitCode: number, reason?: string): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit({ exitCode, reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error') });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.exit(143, 'Error');
  }
}

export class FakeRuntime implements ContainerRuntime {
  readonly kind = 'lab' as const;
  readonly sandboxes = new Map<string, SandboxSpec>();
  readonly removed: SandboxSpec[] = [];
  readonly containers: FakeContainer[] = [];
  /** Decides what a started container does; default: runs until stopped. */
  behaviour: (spec: ContainerSpec) => FakeBehaviour = () => ({ kind: 'run' });
  failSandbox: string | null = null;

  async createSandbox(spec: SandboxSpec): Promise<void> {
    if (this.failSandbox) throw new Error(this.failSandbox);
    this.sandboxes.set(spec.uid, spec);
  }

  async removeSandbox(spec: SandboxSpec): Promise<void> {
    this.sandboxes.delete(spec.uid);
    this.removed.push(spec);
  }

  async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
    const b = this.behaviour(spec);
    if (b.kind === 'refuse') throw new Error(b.message);
    const c = new FakeContainer(spec);
    this.containers.push(c);
    if (b.kind === 'exit') {
      setTimeout(() => {
        if (b.output) c.print(b.output);
        c.exit(b.exitCode);
      }, b.afterMs ?? 5);
    }
    return c;
  }

  /** The containers started for a pod, oldest first. */
  containersOf(pod: string, name?: string): FakeContainer[] {
    return this.containers.filter(
      (c) => c.spec.sandbox.name === pod && (name === undefined || c.spec.name === name),
    );
  }

  async close(): Promise<void> {}
}

/** Polls `check` until it returns a truthy value, failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs = 3000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
