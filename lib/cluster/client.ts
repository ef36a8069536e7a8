import 'server-only';

import { PROBE_LABEL, toInventoryPod } from '../inventory/reshape';
import type { InventoryPod } from '../inventory/types';
import type { WirePod } from '../inventory/wire';
import { ClusterError, isClusterError } from './errors';
import type { KubeTransport } from './transport';
import type {
  AccessReviewRequest,
  AccessReviewResult,
  ClusterClient,
  EphemeralContainerManifest,
  PodManifest,
  PodRef,
  ReadLogOptions,
  WaitOptions,
} from './types';

const enc = encodeURIComponent;
const podPath = (ref: PodRef) => `/api/v1/namespaces/${enc(ref.namespace)}/pods/${enc(ref.name)}`;
const podWhat = (verb: string, ref: PodRef) => `${verb} pod ${ref.namespace}/${ref.name}`;

/**
 * Builds the ClusterClient the probes use on top of a transport (one kubeconfig context).
 */
export function createClusterClient(transport: KubeTransport, context: string): ClusterClient {
  async function createPod(manifest: PodManifest): Promise<InventoryPod> {
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...manifest.metadata,
        labels: { ...manifest.metadata.labels, [PROBE_LABEL.key]: PROBE_LABEL.value },
      },
      spec: manifest.spec,
    };
    const name = manifest.metadata.name ?? `${manifest.metadata.generateName ?? ''}*`;
    const created = await transport.request<WirePod>({
      method: 'POST',
      path: `/api/v1/namespaces/${enc(manifest.metadata.namespace)}/pods`,
      body,
      what: podWhat('create', { namespace: manifest.metadata.namespace, name }),
    });
    return toInventoryPod(created);
  }

  async function getWirePod(ref: PodRef): Promise<WirePod> {
    return transport.request<WirePod>({
      method: 'GET',
      path: podPath(ref),
      what: podWhat('get', ref),
    });
  }

  async function deletePod(ref: PodRef & { gracePeriodSeconds?: number }): Promise<boolean> {
    try {
      await transport.request({
        method: 'DELETE',
        path: podPath(ref),
        query: { gracePeriodSeconds: ref.gracePeriodSeconds },
        what: podWhat('delete', ref),
      });
      return true;
    } catch (err) {
      if (isClusterError(err) && err.code === 'not-found') return false;
      throw err;
    }
  }

  async function readPodLog(options: ReadLogOptions): Promise<string> {
    return transport.request<string>({
      method: 'GET',
      path: `${podPath(options)}/log`,
      query: {
        container: options.container,
        tailLines: options.tailLines,
        limitBytes: options.limitBytes,
        sinceSeconds: options.sinceSeconds,
        previous: options.previous ? true : undefined,
      },
      responseType: 'text',
      what: podWhat('read log of', options),
    });
  }

  async function listPods(
    options: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<InventoryPod[]> {
    const path = options.namespace
      ? `/api/v1/namespaces/${enc(options.namespace)}/pods`
      : '/api/v1/pods';
    const { items } = await transport.listAll(
      path,
      { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
      `list pods${options.namespace ? ` in ${options.namespace}` : ''}`,
    );
    return (items as WirePod[]).map(toInventoryPod);
  }

  async function waitForPod(
    ref: PodRef,
    predicate: (pod: InventoryPod | null) => boolean,
    options: WaitOptions,
  ): Promise<InventoryPod | null> {
    const deadline = Date.now() + options.timeoutMs;
    const path = `/api/v1/namespaces/${enc(ref.namespace)}/pods`;
    const fieldSelector = `metadata.name=${ref.name}`;
    let last: InventoryPod | null = null;
    while (true) {
      options.signal?.throwIfAborted();
      // A list (not a get) gives a resourceVersion to watch from even when the pod is absent.
      const { items, resourceVersion } = await transport.listAll(
        path,
        { fieldSelector },
        podWhat('wait for', ref),
      );
      const wire = (items as WirePod[]).find((p) => p.metadata?.name === ref.name);
      last = wire ? toInventoryPod(wire) : null;
      if (predicate(last)) return last;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const outcome = await watchPodUntil(
        ref,
        path,
        fieldSelector,
        resourceVersion,
        predicate,
        remaining,
        options.signal,
      );
      if (outcome.matched) return outcome.pod ?? null;
      if (outcome.pod !== undefined) last = outcome.pod;
      if (Date.now() >= deadline) break;
      // The stream ended early (dropped, 410, server timeout): list again and carry on.
    }
    const state = last ? `phase ${last.phase}` : 'no such pod';
    throw new ClusterError(
      'timeout',
      `${podWhat('wait for', ref)}: condition not met within ${Math.round(options.timeoutMs / 1000)}s (last seen: ${state})`,
    );
  }

  function watchPodUntil(
    ref: PodRef,
    path: string,
    fieldSelector: string,
    resourceVersion: string,
    predicate: (pod: InventoryPod | null) => boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ matched: boolean; pod: InventoryPod | null | undefined }> {
    return new Promise((resolve, reject) => {
      let handle: { abort(): void } | null = null;
      let settled = false;
      let pod: InventoryPod | null | undefined;
      const finish = (matched: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        handle?.abort();
        resolve({ matched, pod });
      };
      const onAbort = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        handle?.abort();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      transport
        .watch(
          path,
          { fieldSelector, resourceVersion, timeoutSeconds: Math.ceil(timeoutMs / 1000) },
          (type, object) => {
            const wire = object as WirePod;
            // Filter again here: the selector is a request the server may not honour exactly.
            if (type === 'ERROR' || type === 'BOOKMARK' || wire?.metadata?.name !== ref.name)
              return;
            pod = type === 'DELETED' ? null : toInventoryPod(wire);
            if (predicate(pod)) finish(true);
          },
          () => finish(false),
        )
        .then(
          (h) => {
            handle = h;
            if (settled) h.abort();
          },
          (err: unknown) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            reject(err);
          },
        );
    });
  }

  async function patchEphemeralContainers(
    ref: PodRef,
    container: EphemeralContainerManifest,
  ): Promise<InventoryPod> {
    // kubectl debug sends a strategic merge patch: ephemeralContainers merge by name, so this
    // adds one container without restating (and racing on) the ones already there.
    const patched = await transport.request<WirePod>({
      method: 'PATCH',
      path: `${podPath(ref)}/ephemeralcontainers`,
      body: { spec: { ephemeralContainers: [container] } },
      contentType: 'application/strategic-merge-patch+json',
      what: podWhat('add ephemeral container to', ref),
    });
    return toInventoryPod(patched);
  }

  async function selfSubjectAccessReview(
    request: AccessReviewRequest,
  ): Promise<AccessReviewResult> {
    const review = await transport.request<{
      status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
    }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            verb: request.verb,
            resource: request.resource,
            subresource: request.subresource,
            namespace: request.namespace,
            group: request.group ?? '',
            name: request.name,
          },
        },
      },
      what: `check access to ${request.verb} ${request.resource}${request.subresource ? `/${request.subresource}` : ''}`,
    });
    const status = review.status ?? {};
    return {
      allowed: status.allowed === true,
      denied: status.denied === true,
      reason: status.reason || status.evaluationError || null,
    };
  }

  return {
    context,
    createPod,
    getPod: async (ref) => toInventoryPod(await getWirePod(ref)),
    deletePod,
    readPodLog,
    followPodLog: (ref, container, onChunk, signal) =>
      transport.followLog(ref, container, onChunk, signal),
    waitForPod,
    patchEphemeralContainers,
    listPods,
    selfSubjectAccessReview,
  };
}
