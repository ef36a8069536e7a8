/**
 * Turns what was observed of a probe (exit, reason, log) into its ProbeOutcome: privilege
 * failures, tool errors and connect attempts are recognised here, in one place for every
 * strategy.
 */
import { imageFlavor } from './commands';
import { parseConnectOutput, singleConnectSummary } from './connect-output';
import { detectPrivilegeProblem } from './privilege';
import type { ProbeEvent, ProbeOutcome, ProbeSpec } from './types';

/** Container waiting reasons that will not resolve by waiting a few more seconds. */
export const STUCK_WAITING_REASONS = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ErrImagePull',
  'ImagePullBackOff',
  'RunContainerError',
]);

/** A tool that refused its own arguments (an image whose tool lacks a flag). */
const TOOL_USAGE = /invalid option|unrecognized option|unknown option|^\s*usage:/im;

export interface ObservedProbe {
  exitCode: number | null;
  reason: string;
  message?: string | null;
  log: string;
  errorCode?: string | null;
  podName: string | null;
  namespace: string | null;
  container: string | null;
}

/** Where a probe ran and what it ran, fixed before it starts. */
export interface ProbeRun {
  spec: ProbeSpec;
  argv: string[];
  notes: string[];
  startedAt: string;
}

/** Builds the outcome; `run.notes` is shared, so notes added later (cleanup) still show. */
export function buildOutcome(run: ProbeRun, seen: ObservedProbe): ProbeOutcome {
  const { spec } = run;
  const privilege = detectPrivilegeProblem({
    log: seen.log,
    exitCode: seen.exitCode,
    reason: seen.reason,
    message: seen.message ?? null,
    errorCode: seen.errorCode ?? null,
  });
  let reason = seen.reason;
  let connect: ProbeOutcome['connect'] = null;
  if (privilege) {
    run.notes.push(privilege.explanation);
  } else if (seen.exitCode !== null && seen.exitCode !== 0 && TOOL_USAGE.test(seen.log)) {
    // Not a network answer: the image's tool does not take these flags.
    reason = 'ToolError';
    run.notes.push(
      `the probe tool in ${spec.image} rejected its arguments (${run.argv.join(' ')}), so this probe says nothing about the network`,
    );
  } else if (spec.kind === 'connect' && seen.exitCode !== null) {
    const host = spec.target.ip ?? spec.target.name ?? '';
    const port = spec.target.port ?? 0;
    connect =
      imageFlavor(spec.image) === 'busybox'
        ? singleConnectSummary(seen.exitCode, seen.log, host, port)
        : parseConnectOutput(seen.log, host, port);
  }
  return {
    exitCode: seen.exitCode,
    reason,
    log: seen.log,
    privilegeError: privilege !== null,
    privilege,
    strategy: spec.strategy,
    podName: seen.podName,
    namespace: seen.namespace,
    container: seen.container,
    node: spec.source.node,
    image: spec.image,
    argv: run.argv,
    connect,
    notes: run.notes,
    startedAt: run.startedAt,
    finishedAt: new Date().toISOString(),
  };
}

type EventBody = ProbeEvent extends infer E
  ? E extends ProbeEvent
    ? Omit<E, 'at' | 'strategy'>
    : never
  : never;

/** An emitter that stamps events with the time and strategy, and never lets a listener throw. */
export function eventEmitter(
  spec: ProbeSpec,
  onEvent: ((event: ProbeEvent) => void) | undefined,
): (event: EventBody) => void {
  return (event) => {
    if (!onEvent) return;
    try {
      onEvent({ ...event, at: new Date().toISOString(), strategy: spec.strategy } as ProbeEvent);
    } catch {
      // A listener's failure (a closed SSE stream) must not abort the probe and skip cleanup.
    }
  };
}

export type Emit = ReturnType<typeof eventEmitter>;
