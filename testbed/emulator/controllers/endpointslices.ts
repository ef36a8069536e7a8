/**
 * The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a
 * selector, slices listing the matching pods that have an address, grouped by the ports their
 * targetPorts resolve to. A Service whose selector matches nothing keeps one placeholder slice
 * with no endpoints, which is exactly what the S6 "no endpoints" scenario shows.
 */
import type { KubeObject, ObjectStore, StoreEvent } from '../store';
import {
  RESOURCES,
  isTerminalPhase,
  jsonEqual,
  randomSuffix,
  selectorMatches,
  timestamp,
  type Pod,
  type ServiceObject,
  type ServicePort,
} from './kube';
import { createWorkQueue } from './work-queue';

export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';
const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

export interface EndpointPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

export interface DesiredSlice {
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

/** podutil.FindPort: a numeric targetPort as is, a named one looked up in the pod's ports. */
export function resolveTargetPort(pod: Pod, svcPort: ServicePort): number | null {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  const protocol = svcPort.protocol ?? 'TCP';
  const containers = [
    ...pod.spec.containers,
    // Sidecars (restartable init containers) serve too.
    ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return null;
}

function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** endpointsliceutil.ShouldPodBeInEndpoints with terminating pods included. */
function podHasEndpoint(pod: Pod): boolean {
  if (isTerminalPhase(pod.status?.phase)) return false;
  return Boolean(pod.status?.podIP || pod.status?.podIPs?.length);
}

const portsKey = (ports: EndpointPort[]) => JSON.stringify(ports);

/**
 * The slices a Service should have given the pods of its namespace, one per distinct set of
 * resolved ports; a placeholder (no ports, no endpoints) when no pod qualifies.
 */
export function desiredEndpointSlices(service: ServiceObject, pods: Pod[]): DesiredSlice[] {
  const selector = service.spec.selector ?? {};
  const groups = new Map<string, DesiredSlice>();
  const candidates = pods
    .filter(
      (p) =>
        p.metadata.namespace === service.metadata.namespace &&
        selectorMatches(selector, p.metadata.labels) &&
        podHasEndpoint(p),
    )
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const pod of candidates) {
    const ports: EndpointPort[] = [];
    for (const svcPort of service.spec.ports ?? []) {
      const port = resolveTargetPort(pod, svcPort);
      if (port === null) continue;
      const ep: EndpointPort = {
        name: svcPort.name ?? '',
        port,
        protocol: svcPort.protocol ?? 'TCP',
      };
      if (svcPort.appProtocol) ep.appProtocol = svcPort.appProtocol;
      ports.push(ep);
    }
    const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
    const serving = isPodReady(pod);
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    const endpoint: Endpoint = {
      addresses: [ip],
      conditions: {
        // A terminating pod is never "ready", unless the Service publishes not-ready addresses.
        ready: service.spec.publishNotReadyAddresses === true || (serving && !terminating),
        serving,
        terminating,
      },
      targetRef: {
        kind: 'Pod',
        namespace: pod.metadata.namespace ?? '',
        name: pod.metadata.name,
        uid: pod.metadata.uid ?? '',
      },
    };
    if (pod.spec.nodeName) endpoint.nodeName = pod.spec.nodeName;
    const key = portsKey(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    group.endpoints.push(endpoint);
    groups.set(key, group);
  }
  if (groups.size === 0) return [{ ports: [], endpoints: [] }];
  return [...groups.values()];
}

function sliceLabels(service: ServiceObject): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  labels[SERVICE_NAME_LABEL] = service.metadata.name;
  labels[MANAGED_BY_LABEL] = MANAGED_BY;
  if (service.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

function sliceContent(service: ServiceObject, desired: DesiredSlice) {
  return {
    labels: sliceLabels(service),
    ownerReferences: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: service.metadata.name,
        uid: service.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
    addressType: 'IPv4',
    endpoints: desired.endpoints,
    ports: desired.ports,
  };
}

function sameContent(slice: KubeObject, content: ReturnType<typeof sliceContent>): boolean {
  return (
    jsonEqual(slice.metadata.labels ?? {}, content.labels) &&
    jsonEqual(slice.metadata.ownerReferences ?? [], content.ownerReferences) &&
    slice.addressType === content.addressType &&
    jsonEqual(slice.endpoints ?? [], content.endpoints) &&
    jsonEqual(slice.ports ?? [], content.ports)
  );
}

/** Brings the slices of one Service (namespace/name) in line with its pods. */
export function reconcileServiceSlices(store: ObjectStore, namespace: string, name: string): void {
  const service = store.get(RESOURCES.services, namespace, name) as ServiceObject | undefined;
  const existing = store
    .list(RESOURCES.endpointslices, namespace)
    .filter(
      (s) =>
        s.metadata.labels?.[SERVICE_NAME_LABEL] === name &&
        s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
    );
  const selector = service?.spec.selector;
  if (!service || !selector || Object.keys(selector).length === 0) {
    // Gone, or endpoints managed by someone else: the controller owns nothing here any more.
    for (const s of existing) store.delete(RESOURCES.endpointslices, namespace, s.metadata.name);
    return;
  }
  const desired = desiredEndpointSlices(service, store.list(RESOURCES.pods, namespace) as Pod[]);
  const unmatched = [...existing];
  const toWrite: { slice?: KubeObject; desired: DesiredSlice }[] = [];
  for (const d of desired) {
    const i = unmatched.findIndex(
      (s) => portsKey((s.ports as EndpointPort[]) ?? []) === portsKey(d.ports),
    );
    if (i >= 0) toWrite.push({ slice: unmatched.splice(i, 1)[0], desired: d });
    else toWrite.push({ desired: d });
  }
  // Reuse leftover slices for new port sets before creating any, so names stay stable.
  for (const w of toWrite) if (!w.slice && unmatched.length > 0) w.slice = unmatched.shift();

  for (const w of toWrite) {
    const content = sliceContent(service, w.desired);
    if (w.slice) {
      if (sameContent(w.slice, content)) continue;
      store.update(RESOURCES.endpointslices, {
        ...w.slice,
        metadata: {
          ...w.slice.metadata,
          labels: content.labels,
          annotations: { ...(w.slice.metadata.annotations ?? {}), [TRIGGER_TIME]: timestamp() },
          ownerReferences: content.ownerReferences,
        },
        addressType: content.addressType,
        endpoints: content.endpoints,
        ports: content.ports,
      });
      continue;
    }
    let sliceName = `${name}-${randomSuffix()}`;
    while (store.get(RESOURCES.endpointslices, namespace, sliceName)) {
      sliceName = `${name}-${randomSuffix()}`;
    }
    store.create(RESOURCES.endpointslices, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName,
        generateName: `${name}-`,
        namespace,
        labels: content.labels,
        annotations: { [TRIGGER_TIME]: timestamp() },
        ownerReferences: content.ownerReferences,
      },
      addressType: content.addressType,
      endpoints: content.endpoints,
      ports: content.ports,
    });
  }
  for (const s of unmatched) store.delete(RESOURCES.endpointslices, namespace, s.metadata.name);
}

export interface EndpointSliceController {
  stop(): void;
  idle(): Promise<void>;
}

/** Keeps every selector Service's slices current as pods and Services change. */
export function startEndpointSliceController(store: ObjectStore): EndpointSliceController {
  const queue = createWorkQueue('endpointslice-controller', (key) => {
    const [namespace, name] = key.split('/') as [string, string];
    reconcileServiceSlices(store, namespace, name);
  });
  const queueNamespace = (namespace: string | undefined) => {
    for (const svc of store.list(RESOURCES.services, namespace)) {
      queue.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
    }
  };
  const unsubscribe = store.subscribe((event: StoreEvent) => {
    const meta = event.object.metadata;
    if (event.resource === RESOURCES.services) {
      queue.add(`${meta.namespace}/${meta.name}`);
    } else if (event.resource === RESOURCES.pods) {
      queueNamespace(meta.namespace);
    } else if (event.resource === RESOURCES.endpointslices) {
      // Someone else edited or deleted a slice of ours: put it back as it should be.
      const svc = meta.labels?.[SERVICE_NAME_LABEL];
      if (svc && meta.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
        queue.add(`${meta.namespace}/${svc}`);
    }
  });
  queueNamespace(undefined);
  return {
    stop() {
      unsubscribe();
      queue.stop();
    },
    idle: () => queue.idle(),
  };
}
