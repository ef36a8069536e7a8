/**
 * Helpers shared by the lab's root tests (`*.lab.test.ts`) and the recorder: the root gate,
 * running a container to completion, and the probe argv the tests use.
 */
import type { ContainerExit, ContainerRuntime, ContainerSpec, SandboxSpec } from '../runtime/types';
import { hopShape } from './recording';
import type { ExecResult } from './types';

/**
 * Lab tests need root. They fail, not skip, when it is missing, unless PODPATH_LAB=off says
 * this machine deliberately runs without the lab.
 */
export const labTestsOff = process.env.PODPATH_LAB === 'off';

/** Throws with the reason when this process cannot run the lab. */
export function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('lab tests need root (set PODPATH_LAB=off to run without the network lab)');
  }
}

/** A short traceroute: one probe per hop, one second wait, eight hops at most. */
export function quickTraceroute(target: string): string[] {
  return ['traceroute', '-n', '-q', '1', '-w', '1', '-m', '8', target];
}

/** A TCP connect probe with openbsd or busybox nc. */
export function connect(target: string, port: number, waitSeconds = 2): string[] {
  return ['nc', '-z', '-v', '-w', String(waitSeconds), target, String(port)];
}

/** The addresses of a traceroute's hops, `*` for a silent hop. */
export function hopAddresses(output: string): string[] {
  return hopShape(output).map((h) => h.replace(/^\d+: /, '').split(' ')[0] ?? '');
}

let uidCounter = 0;

/** A SandboxSpec for a probe pod. */
export function sandbox(
  namespace: string,
  name: string,
  nodeName: string,
  extra: Partial<SandboxSpec> & { dnsPolicy?: string } = {},
): SandboxSpec {
  uidCounter += 1;
  return {
    namespace,
    name,
    uid: `00000000-0000-4000-8000-${String(uidCounter).padStart(12, '0')}`,
    nodeName,
    hostNetwork: false,
    listenPorts: [],
    ...extra,
  };
}

/** Starts a container and waits for it, collecting its log as the kubelet would. */
export async function runContainer(
  runtime: ContainerRuntime,
  spec: Omit<ContainerSpec, 'longRunning' | 'name'> & { name?: string },
): Promise<{ exit: ContainerExit; log: string; stdout: string; stderr: string }> {
  const running = await runtime.startContainer({ name: 'probe', longRunning: false, ...spec });
  let log = '';
  let stdout = '';
  let stderr = '';
  running.onOutput((chunk, stream) => {
    log += chunk.toString();
    if (stream === 'stdout') stdout += chunk.toString();
    else stderr += chunk.toString();
  });
  const exit = await running.exited;
  return { exit, log, stdout, stderr };
}

/** Runs `count` probes at once and counts the failures (exit code not 0). */
export async function countFailures(
  count: number,
  probe: () => Promise<ExecResult>,
): Promise<{ failed: number; results: ExecResult[] }> {
  const results = await Promise.all(Array.from({ length: count }, probe));
  return { failed: results.filter((r) => r.code !== 0).length, results };
}
