/**
 * The one entry the trace engine calls: run a probe with the strategy the spec names, inside
 * the cluster's concurrency limits, and return what it saw. Probe pods are deleted before this
 * resolves or rejects, cancellation included.
 */
import type { ClusterClient } from '../cluster/types';
import { probeCommand } from './commands';
import type { ProbeLimiter } from './limiter';
import { eventEmitter, type ProbeRun } from './outcome';
import { runEphemeralStrategy } from './strategies/ephemeral';
import { runHostNetworkStrategy } from './strategies/host-network';
import { runPodStrategy } from './strategies/pod';
import {
  DEFAULT_PROBE_OPTIONS,
  type ProbeEvent,
  type ProbeOptions,
  type ProbeOutcome,
  type ProbeSpec,
} from './types';
import { ProbeInputError } from './validation';

export interface RunProbeOptions {
  /** Cancels the probe: waiting stops and the probe pod is deleted; rejects with the reason. */
  signal?: AbortSignal;
  onEvent?: (event: ProbeEvent) => void;
  /** The cluster's limiter (probeLimiterFor(context)); without one the probe starts at once. */
  limiter?: ProbeLimiter;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** podpath's defaults with the given options over them. */
export function probeOptions(overrides: Partial<ProbeOptions> = {}): ProbeOptions {
  return { ...DEFAULT_PROBE_OPTIONS, ...overrides };
}

/** Checks what the spec puts into object names and paths; argv values are checked by commands. */
export function validateSpec(spec: ProbeSpec): void {
  if (!NAME.test(spec.namespace)) {
    throw new ProbeInputError(
      `probe namespace ${JSON.stringify(spec.namespace)} is not a namespace name`,
    );
  }
  if (!SUBDOMAIN.test(spec.source.node) || spec.source.node.length > 253) {
    throw new ProbeInputError(`node ${JSON.stringify(spec.source.node)} is not a node name`);
  }
  if (spec.source.kind === 'pod') {
    if (!NAME.test(spec.source.namespace) || !SUBDOMAIN.test(spec.source.name)) {
      throw new ProbeInputError(
        `source pod ${JSON.stringify(`${spec.source.namespace}/${spec.source.name}`)} is not a pod name`,
      );
    }
  }
  if (spec.strategy === 'ephemeral' && spec.source.kind !== 'pod') {
    throw new ProbeInputError(
      'the ephemeral strategy runs in a source pod; a node source needs hostNetwork',
    );
  }
  if (spec.strategy === 'pod' && spec.source.kind === 'node') {
    throw new ProbeInputError(
      "a node source is probed from the node's host network; use hostNetwork",
    );
  }
  if (!spec.image.trim() || /\s/.test(spec.image)) {
    throw new ProbeInputError(`image ${JSON.stringify(spec.image)} is not an image reference`);
  }
}

/**
 * Runs one probe. Throws ProbeInputError for a spec that must not run, the signal's reason when
 * cancelled, and ClusterError when the cluster cannot be reached; a probe that ran (or was
 * refused for lack of privilege) resolves with its outcome.
 */
export async function runProbe(
  client: ClusterClient,
  spec: ProbeSpec,
  opts: RunProbeOptions = {},
): Promise<ProbeOutcome> {
  validateSpec(spec);
  const command = probeCommand(spec.kind, spec.image, spec.target, spec.options);
  const emit = eventEmitter(spec, opts.onEvent);
  const node = spec.source.node;
  const release = opts.limiter
    ? await opts.limiter.acquire(node, {
        signal: opts.signal,
        onQueued: () => emit({ type: 'queued', node }),
      })
    : () => undefined;
  try {
    const run: ProbeRun = {
      spec,
      argv: command.argv,
      notes: [...command.notes],
      startedAt: new Date().toISOString(),
    };
    const options = { signal: opts.signal, emit };
    switch (spec.strategy) {
      case 'pod':
        return await runPodStrategy(client, run, options);
      case 'hostNetwork':
        return await runHostNetworkStrategy(client, run, options);
      case 'ephemeral':
        return await runEphemeralStrategy(client, run, options);
    }
  } finally {
    release();
  }
}
