/**
 * The `ephemeral` strategy: an ephemeral container added to the source pod (kubectl debug's
 * patch), so the probe shares the pod's exact network namespace: its IP, its labels as
 * NetworkPolicy sees them, and its own bridge port (hairpin). The price: Kubernetes never
 * removes an ephemeral container, it stays in the pod spec (terminated) until the pod is gone.
 * And ephemeral containers have no deadline of their own, so the commands' bounded waits are
 * what ends them.
 */
import { randomBytes } from 'node:crypto';
import { isClusterError } from '../../cluster/errors';
import type { ClusterClient, EphemeralContainerManifest, PodRef } from '../../cluster/types';
import type { InventoryPod } from '../../inventory/types';
import { probeSecurity } from '../manifest';
import { buildOutcome, type ProbeRun } from '../outcome';
import type { ProbeOutcome, ProbeSpec } from '../types';
import { ProbeInputError } from '../validation';
import {
  containerWatcher,
  followWhileRunning,
  isSettled,
  readFinishedLog,
  type PodRunOptions,
} from './probe-pod';

/** A fresh container name: `podpath-` and 8 hex digits (a DNS label, unique in the pod). */
export function ephemeralContainerName(random: () => Buffer = () => randomBytes(4)): string {
  return `podpath-${random().toString('hex').slice(0, 8)}`;
}

/**
 * The ephemeral container for the patch. No resources, ports or probes (the API server refuses
 * them on ephemeral containers); the same security context as the probe pod's container, and
 * `targetContainerName` when the spec names a container whose processes it should see.
 */
export function buildEphemeralContainer(
  spec: ProbeSpec,
  argv: string[],
  name: string,
): EphemeralContainerManifest {
  const security = probeSecurity(spec.image, spec.options.netRaw ?? true);
  return {
    name,
    image: spec.image,
    command: argv,
    imagePullPolicy: 'IfNotPresent',
    securityContext: security.container,
    ...(spec.source.kind === 'pod' && spec.source.container
      ? { targetContainerName: spec.source.container }
      : {}),
  };
}

/** The note every ephemeral outcome carries. */
export function ephemeralNote(ref: PodRef, name: string): string {
  return `ephemeral containers stay in the pod spec: ${name} remains listed (terminated) in ${ref.namespace}/${ref.name} until the pod is deleted; Kubernetes cannot remove it`;
}

/** Runs an `ephemeral` strategy probe in the source pod and reads its log. */
export async function runEphemeralStrategy(
  client: ClusterClient,
  run: ProbeRun,
  { signal, emit }: PodRunOptions,
  makeName: () => string = ephemeralContainerName,
): Promise<ProbeOutcome> {
  const { spec } = run;
  if (spec.source.kind !== 'pod') {
    throw new ProbeInputError('the ephemeral strategy needs a pod source');
  }
  const ref: PodRef = { namespace: spec.source.namespace, name: spec.source.name };
  const name = makeName();
  run.notes.push(...probeSecurity(spec.image, spec.options.netRaw ?? true).notes);
  signal?.throwIfAborted();
  const seen = (fields: {
    exitCode: number | null;
    reason: string;
    message?: string | null;
    log?: string;
    errorCode?: string | null;
  }) =>
    buildOutcome(run, {
      log: '',
      ...fields,
      podName: ref.name,
      namespace: ref.namespace,
      container: name,
    });

  try {
    await client.patchEphemeralContainers(ref, buildEphemeralContainer(spec, run.argv, name));
  } catch (err) {
    if (isClusterError(err) && err.code === 'forbidden') {
      return seen({
        exitCode: null,
        reason: 'Forbidden',
        message: err.message,
        errorCode: err.code,
      });
    }
    if (isClusterError(err) && err.code === 'not-found') {
      return seen({ exitCode: null, reason: 'SourceGone', message: err.message });
    }
    throw err;
  }
  run.notes.push(ephemeralNote(ref, name));
  emit({ type: 'created', namespace: ref.namespace, podName: ref.name, container: name });

  const find = (pod: InventoryPod) => pod.containers?.find((c) => c.ephemeral && c.name === name);
  // The ephemeral container's output reaches the events as it prints it (see probe-pod.ts).
  const live = followWhileRunning(client, ref, name, emit, signal);
  const watch = containerWatcher(
    (event) => {
      emit(event);
      if (event.type === 'running') live.start();
    },
    ref.name,
    find,
  );
  let final: InventoryPod | null;
  try {
    final = await client.waitForPod(ref, (pod) => isSettled(pod, watch(pod)), {
      timeoutMs: spec.options.timeoutMs,
      signal,
    });
  } catch (err) {
    live.stop();
    if (isClusterError(err) && err.code === 'timeout') {
      run.notes.push(
        `${name} did not finish within ${spec.options.timeoutMs / 1000} s; ephemeral containers cannot be stopped through the API`,
      );
      return seen({ exitCode: null, reason: 'Timeout', message: err.message });
    }
    throw err;
  }
  if (!final) {
    live.stop();
    return seen({ exitCode: null, reason: 'SourceGone', message: `${ref.name} was deleted` });
  }
  const status = find(final);
  if (!status || status.state !== 'terminated') {
    live.stop();
    // A finished pod never starts new ephemeral containers: the status stays waiting.
    const reason =
      status?.state === 'waiting' && status.reason && status.reason !== 'ContainerCreating'
        ? status.reason
        : 'NotStarted';
    if (reason === 'NotStarted') {
      run.notes.push(`${ref.namespace}/${ref.name} is ${final.phase}; ${name} never started`);
    }
    return seen({ exitCode: null, reason, message: status?.message ?? null });
  }
  emit({
    type: 'terminated',
    podName: ref.name,
    container: name,
    exitCode: status.exitCode,
    reason: status.reason,
  });
  if (status.message && status.exitCode !== 0) run.notes.push(status.message);
  await live.settle();
  const log = await readFinishedLog(client, ref, name);
  const rest = live.remainder(log);
  if (rest) emit({ type: 'output', podName: ref.name, container: name, chunk: rest });
  return seen({
    exitCode: status.exitCode,
    reason: status.reason ?? 'Unknown',
    message: status.message,
    log,
  });
}
