/**
 * The network lab's entry points: whether this machine can run it, and starting one.
 * Where it cannot (macOS, an unprivileged container), use createReplayRuntime from replay.ts.
 */
import { run } from './process';

export { startLab, NetworkLab, type LabPod } from './lab';
export { createReplayRuntime } from './replay';
export { ContainerStartError } from './runtime';
export { scenarioServiceObjects } from './scenario-objects';
export type { ExecResult, ExecTarget, Lab, LabFix, LabOptions, LabSandboxSpec } from './types';

const TOOLS = [
  'ip',
  'iptables',
  'iptables-restore',
  'nsenter',
  'setpriv',
  'busybox',
  'ss',
  'sysctl',
];

/**
 * Whether the live lab can run here: Linux, root, the tools it drives, network namespaces with
 * br_netfilter. `PODPATH_LAB=off` turns it off on purpose.
 */
export async function labAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.PODPATH_LAB === 'off') return { ok: false, reason: 'PODPATH_LAB=off' };
  if (process.platform !== 'linux') {
    return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the network lab needs root' };
  for (const tool of TOOLS) {
    const found = await run(['which', tool]);
    if (found.code !== 0) return { ok: false, reason: `${tool} is not installed` };
  }
  // A throwaway, unnamed namespace proves namespaces and br_netfilter work without leaving
  // anything behind: it dies with the process.
  const probe = await run([
    'unshare',
    '--net',
    '--',
    'sysctl',
    '-n',
    'net.bridge.bridge-nf-call-iptables',
  ]);
  if (probe.code !== 0) {
    return {
      ok: false,
      reason: `cannot create a network namespace with br_netfilter: ${probe.stderr.trim()}`,
    };
  }
  return { ok: true };
}
