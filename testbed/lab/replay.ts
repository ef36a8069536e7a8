/**
 * The replay runtime: where root or network namespaces are missing, the demo cluster's probe
 * containers print what the live lab printed for the same probe (`npm run lab:record`), and the
 * runtime's kind 'replay' lets the UI say so. Nothing is invented: a probe that was never
 * recorded fails with a message saying exactly that.
 */
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  RunningContainer,
  SandboxSpec,
} from '../runtime/types';
import type { Scenario } from '../scenarios/types';
import { planCommand } from './probe-command';
import {
  DEFAULT_RECORDINGS_DIR,
  readRecording,
  recordingKey,
  type RecordingEntry,
  type RecordingSource,
} from './recording';
import { ContainerStartError } from './runtime';

type Listener = (chunk: Buffer, stream: 'stdout' | 'stderr') => void;

/** A ContainerRuntime of kind 'replay' over testbed/recordings/<scenario>.json. */
export function createReplayRuntime(
  scenario: Scenario,
  recordingsDir: string = DEFAULT_RECORDINGS_DIR,
): ContainerRuntime {
  const recording = readRecording(scenario.name, recordingsDir);
  const entries = new Map<string, RecordingEntry>();
  for (const entry of recording?.entries ?? []) {
    entries.set(recordingKey(entry.node, entry.source, entry.image, entry.argv), entry);
  }
  const scenarioPods = new Set(scenario.pods.map((p) => `${p.namespace}/${p.name}`));
  const sandboxes = new Map<string, SandboxSpec>();

  return {
    kind: 'replay',
    async createSandbox(spec) {
      sandboxes.set(`${spec.namespace}/${spec.name}`, spec);
    },
    async removeSandbox(spec) {
      sandboxes.delete(`${spec.namespace}/${spec.name}`);
    },
    async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
      if (spec.longRunning) return idle();
      const plan = planCommand(spec);
      if (!plan.ok) throw new ContainerStartError(plan.reason, plan.message);
      const sb = spec.sandbox;
      const podName = `${sb.namespace}/${sb.name}`;
      const generic: RecordingSource = sb.hostNetwork ? 'hostNetwork' : 'pod';
      const candidates: RecordingSource[] = scenarioPods.has(podName)
        ? [`pod:${podName}`, generic]
        : [generic];
      const entry = candidates
        .map((source) => entries.get(recordingKey(sb.nodeName, source, plan.kind, spec.argv)))
        .find((e) => e !== undefined);
      if (!entry) {
        throw new ContainerStartError(
          'ContainerCannotRun',
          `podpath replay (no network lab on this machine): nothing was recorded for ${plan.kind} ${JSON.stringify(spec.argv)} on ${sb.nodeName}${recording ? '' : ` (no recording for cluster ${scenario.name})`}; run \`npm run lab:record\` on a Linux machine as root to record it`,
        );
      }
      return replayEntry(entry);
    },
    async close() {
      sandboxes.clear();
    },
  };
}

function replayEntry(entry: RecordingEntry): RunningContainer {
  const listeners: Listener[] = [];
  const printed: { chunk: Buffer; stream: 'stdout' | 'stderr' }[] = [];
  let stopped = false;
  const exited = new Promise<ContainerExit>((resolve) => {
    // Output is delivered asynchronously, in its recorded order, as a process would print it.
    setImmediate(() => {
      for (const part of entry.output) {
        if (stopped) break;
        const chunk = Buffer.from(part.text);
        printed.push({ chunk, stream: part.stream });
        for (const l of listeners) l(chunk, part.stream);
      }
      resolve(
        stopped
          ? { exitCode: 143, reason: 'Error' }
          : { exitCode: entry.exitCode, reason: entry.exitCode === 0 ? 'Completed' : 'Error' },
      );
    });
  });
  return {
    onOutput(listener) {
      for (const p of printed) listener(p.chunk, p.stream);
      listeners.push(listener);
    },
    exited,
    async stop() {
      stopped = true;
      await exited;
    },
  };
}

function idle(): RunningContainer {
  let finish: (exit: ContainerExit) => void = () => undefined;
  const exited = new Promise<ContainerExit>((resolve) => (finish = resolve));
  return {
    onOutput: () => undefined,
    exited,
    stop: async () => finish({ exitCode: 0, reason: 'Completed' }),
  };
}
