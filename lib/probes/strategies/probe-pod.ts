/**
 * The life of a probe pod, shared by the `pod` and `hostNetwork` strategies: create it, wait
 * until its container has terminated (or the pod failed, or its container is stuck), read the
 * log once, and delete the pod whatever happened, cancellation included.
 */
import { isClusterError } from '../../cluster/errors';
import type { ClusterClient, PodManifest, PodRef } from '../../cluster/types';
import type { InventoryContainerStatus, InventoryPod } from '../../inventory/types';
import { PROBE_CONTAINER, deadlineSeconds } from '../manifest';
import { STUCK_WAITING_REASONS, buildOutcome, type Emit, type ProbeRun } from '../outcome';
import type { ProbeOutcome } from '../types';

/** Log bytes read at most: a traceroute prints a few KiB, a runaway tool is cut here. */
export const MAX_LOG_BYTES = 1 << 20;

/** Slack beyond activeDeadlineSeconds for the kubelet to report the deadline: 2 to 15 s. */
function waitSlackMs(deadlineMs: number): number {
  return Math.min(15_000, Math.max(2_000, deadlineMs / 4));
}

export interface PodRunOptions {
  signal?: AbortSignal;
  emit: Emit;
}

/**
 * Follows a container's log once it runs and emits what it prints as `output` events. `settle`
 * waits (briefly) for the stream to end after the container stopped; `remainder` gives the part
 * of the final log not streamed yet, so that no line reaches the events twice.
 */
export function followWhileRunning(
  client: ClusterClient,
  ref: PodRef,
  container: string,
  emit: Emit,
  signal?: AbortSignal,
) {
  const stopper = new AbortController();
  const stopSignal = signal ? AbortSignal.any([signal, stopper.signal]) : stopper.signal;
  let streamed = '';
  let following: Promise<void> | null = null;
  return {
    start() {
      if (following) return;
      // Streaming only adds liveness: a lost stream changes nothing the final log says.
      try {
        following = client
          .followPodLog(
            ref,
            container,
            (chunk) => {
              streamed += chunk;
              emit({ type: 'output', podName: ref.name, container, chunk });
            },
            stopSignal,
          )
          .catch(() => undefined);
      } catch {
        following = Promise.resolve();
      }
    },
    async settle() {
      if (!following) return;
      const grace = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([following, grace]);
      stopper.abort();
    },
    remainder(log: string): string {
      if (log.startsWith(streamed)) return log.slice(streamed.length);
      // The stream and the final log disagree (a chunk was lost): the events keep what they had.
      return streamed === '' ? log : '';
    },
    stop() {
      stopper.abort();
    },
  };
}

/** Tracks a watched container and emits each state it enters once. */
export function containerWatcher(
  emit: Emit,
  podName: string,
  find: (pod: InventoryPod) => InventoryContainerStatus | undefined,
) {
  let scheduled = false;
  let lastWaiting: string | null = null;
  let running = false;
  return (pod: InventoryPod | null): InventoryContainerStatus | undefined => {
    if (!pod) return undefined;
    if (pod.nodeName && !scheduled) {
      scheduled = true;
      emit({ type: 'scheduled', podName, node: pod.nodeName });
    }
    const status = find(pod);
    // A null reason is a container the kubelet has not reported on yet: nothing to say.
    if (status?.state === 'waiting' && status.reason && status.reason !== lastWaiting) {
      lastWaiting = status.reason;
      emit({ type: 'pulling', podName, container: status.name, reason: status.reason });
    }
    if (status && status.state !== 'waiting' && !running) {
      running = true;
      emit({ type: 'running', podName, container: status.name });
    }
    return status;
  };
}

/** True once waiting longer cannot change the container's fate. */
export function isSettled(pod: InventoryPod | null, status: InventoryContainerStatus | undefined) {
  if (!pod) return true;
  if (status?.state === 'terminated') return true;
  if (status?.state === 'waiting' && status.reason && STUCK_WAITING_REASONS.has(status.reason)) {
    return true;
  }
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

/**
 * Reads a terminated container's log. Only after termination: an early read answers 400
 * "container is waiting to start", and a running one gives half the output.
 */
export async function readFinishedLog(
  client: ClusterClient,
  ref: PodRef,
  container: string,
): Promise<string> {
  try {
    return await client.readPodLog({ ...ref, container, limitBytes: MAX_LOG_BYTES });
  } catch (err) {
    if (isClusterError(err) && (err.code === 'not-found' || err.code === 'invalid')) return '';
    throw err;
  }
}

/** Runs one probe pod from `manifest` to its deletion. */
export async function runProbePod(
  client: ClusterClient,
  manifest: PodManifest,
  run: ProbeRun,
  { signal, emit }: PodRunOptions,
): Promise<ProbeOutcome> {
  signal?.throwIfAborted();
  const namespace = manifest.metadata.namespace;
  let created: InventoryPod;
  try {
    created = await client.createPod(manifest);
  } catch (err) {
    // Admission (Pod Security) and RBAC refusals are privilege problems, not network results.
    if (isClusterError(err) && err.code === 'forbidden') {
      return buildOutcome(run, {
        exitCode: null,
        reason: 'Forbidden',
        message: err.message,
        errorCode: err.code,
        log: '',
        podName: null,
        namespace,
        container: PROBE_CONTAINER,
      });
    }
    throw err;
  }
  const ref: PodRef = { namespace: created.namespace, name: created.name };
  emit({
    type: 'created',
    namespace: ref.namespace,
    podName: ref.name,
    container: PROBE_CONTAINER,
  });
  const createdAt = Date.now();
  // Hops reach the trace's event stream as the tool prints them: the log is followed from the
  // moment the container runs. The log read after termination stays the one that counts.
  const live = followWhileRunning(client, ref, PROBE_CONTAINER, emit, signal);
  try {
    const watch = containerWatcher(
      (event) => {
        emit(event);
        if (event.type === 'running') live.start();
      },
      ref.name,
      (pod) => pod.containers?.find((c) => c.name === PROBE_CONTAINER && !c.ephemeral),
    );
    const deadlineMs = (manifest.spec.activeDeadlineSeconds ?? deadlineSeconds(60_000)) * 1000;
    let final: InventoryPod | null;
    try {
      final = await client.waitForPod(ref, (pod) => isSettled(pod, watch(pod)), {
        timeoutMs: deadlineMs + waitSlackMs(deadlineMs),
        signal,
      });
    } catch (err) {
      if (isClusterError(err) && err.code === 'timeout') {
        const last = await client.getPod(ref).catch(() => null);
        const message =
          last && !last.nodeName
            ? `probe pod ${ref.name} was never scheduled on node ${run.spec.source.node} (no such node, or it cannot take the pod)`
            : err.message;
        run.notes.push(message);
        return buildOutcome(run, {
          exitCode: null,
          reason: 'Timeout',
          message,
          log: '',
          podName: ref.name,
          namespace: ref.namespace,
          container: PROBE_CONTAINER,
        });
      }
      throw err;
    }
    const status = final?.containers?.find((c) => c.name === PROBE_CONTAINER && !c.ephemeral);
    if (!final || !status || status.state !== 'terminated') {
      const reason = !final
        ? 'Deleted'
        : status?.state === 'waiting' && status.reason
          ? status.reason
          : final.phase === 'Failed'
            ? 'DeadlineExceeded'
            : 'NotStarted';
      if (!final) run.notes.push(`probe pod ${ref.name} was deleted before it finished`);
      else if (status?.message) run.notes.push(status.message);
      return buildOutcome(run, {
        exitCode: null,
        reason,
        message: status?.message ?? null,
        log: '',
        podName: ref.name,
        namespace: ref.namespace,
        container: PROBE_CONTAINER,
      });
    }
    emit({
      type: 'terminated',
      podName: ref.name,
      container: PROBE_CONTAINER,
      exitCode: status.exitCode,
      reason: status.reason,
    });
    // ContainerCannotRun and kin carry the runtime's explanation only in the status message.
    if (status.message && status.exitCode !== 0) run.notes.push(status.message);
    await live.settle();
    const log = await readFinishedLog(client, ref, PROBE_CONTAINER);
    const rest = live.remainder(log);
    if (rest) emit({ type: 'output', podName: ref.name, container: PROBE_CONTAINER, chunk: rest });
    // The kubelet kills the container at the deadline; the pod reports Failed with exit 137.
    const killedAtDeadline =
      final.phase === 'Failed' &&
      (status.exitCode === 137 || status.exitCode === 143) &&
      Date.now() - createdAt >= deadlineMs - 1000;
    if (killedAtDeadline) {
      run.notes.push(
        `the probe was stopped at its deadline (${deadlineMs / 1000} s); its output is partial`,
      );
    }
    return buildOutcome(run, {
      exitCode: status.exitCode,
      reason: killedAtDeadline ? 'DeadlineExceeded' : (status.reason ?? 'Unknown'),
      message: status.message,
      log,
      podName: ref.name,
      namespace: ref.namespace,
      container: PROBE_CONTAINER,
    });
  } finally {
    live.stop();
    try {
      const deleted = await client.deletePod({ ...ref, gracePeriodSeconds: 0 });
      if (deleted) emit({ type: 'deleted', namespace: ref.namespace, podName: ref.name });
    } catch (err) {
      // activeDeadlineSeconds still stops it, and cleanup at the next start deletes it.
      run.notes.push(
        `probe pod ${ref.namespace}/${ref.name} could not be deleted: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
