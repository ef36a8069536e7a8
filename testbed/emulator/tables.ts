/**
 * Server-side printing: the meta.k8s.io/v1 Table the API server returns when a client asks for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl get does). Column definitions
 * and cell formats follow kubernetes/pkg/printers/internalversion/printers.go; descriptions are
 * the API's own field documentation, as the real server sends them.
 */
import type { KubeObject, ObjectMeta } from './store';

export interface TableOptions {
  includeObject: 'None' | 'Metadata' | 'Object';
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;

interface TableRow {
  cells: Cell[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
  object?: unknown;
}

interface Printer {
  columns: TableColumnDefinition[];
  row(obj: KubeObject, now: number): Omit<TableRow, 'object'>;
}

const DOC = {
  name: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  creationTimestamp:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  podIP:
    'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
  nodeName:
    'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.',
  nominatedNodeName:
    'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
  readinessGates:
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
  nodeSelector:
    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  kubeletVersion: 'Kubelet Version reported by the node.',
  addresses:
    "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
  osImage: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
  kernelVersion: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
  containerRuntimeVersion:
    'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
  serviceType:
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  clusterIP:
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  externalIPs:
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
  servicePorts:
    'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  serviceSelector:
    'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
  addressType:
    'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
  slicePorts:
    'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
  sliceEndpoints:
    'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
  configMapData:
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  podSelector:
    'podSelector selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.',
  dsDesired:
    'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  dsCurrent:
    'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  dsReady:
    'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
  dsUpdated: 'The total number of nodes that are running updated daemon pod',
  dsAvailable:
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
  dsSelector:
    "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  deployUpdated:
    'Total number of non-terminating pods targeted by this deployment that have the desired template spec.',
  deployAvailable:
    'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.',
  deploySelector:
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
  rsDesired:
    'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset',
  rsCurrent:
    'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset',
  rsReady: 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
  rsSelector:
    "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  containers: 'Names of each container in the template.',
  images: 'Images referenced by each container in the template.',
  eventLastTimestamp: 'The time at which the most recent occurrence of this event was recorded.',
  eventType: 'Type of this event (Normal, Warning), new types could be added in the future',
  eventReason:
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  eventObject: 'The object that this event is about.',
  eventFieldPath:
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
  eventSource:
    'The component reporting this event. Should be a short machine understandable string.',
  eventMessage: 'A human-readable description of the status of this operation.',
  eventFirstTimestamp:
    'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
  eventCount: 'The number of times this event has occurred.',
};

function col(
  name: string,
  type: TableColumnDefinition['type'],
  description: string,
  priority = 0,
  format = '',
): TableColumnDefinition {
  return { name, type, format, description, priority };
}

const nameCol = col('Name', 'string', DOC.name, 0, 'name');
const ageCol = col('Age', 'string', DOC.creationTimestamp);

// Loose accessors: the store holds JSON, and any field may be missing on a half-written object.
type Json = Record<string, unknown>;
const rec = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as unknown[]).map(rec) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec(v))) if (typeof val === 'string') out[k] = val;
  return out;
};

/**
 * kubectl's duration.HumanDuration: the AGE column's "5m12s", "3h", "12d".
 * Exported for tests and for other emulator tables.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // The real printer tolerates up to a second of clock skew as "now".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function since(timestamp: unknown, now: number): string {
  const t = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}

/** labels.FormatLabels: sorted k=v pairs, `<none>` when empty. */
function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels[k]}`).join(',');
}

/** labels.Selector.String() of a metav1.LabelSelector, requirements sorted by key. */
function selectorString(selector: unknown): string {
  const sel = rec(selector);
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(strMap(sel.matchLabels)))
    reqs.push({ key: k, text: `${k}=${v}` });
  for (const expr of arr(sel.matchExpressions)) {
    const key = str(expr.key);
    const values = (Array.isArray(expr.values) ? (expr.values as unknown[]) : []).map(str).sort();
    const op = str(expr.operator);
    const text =
      op === 'In'
        ? `${key} in (${values.join(',')})`
        : op === 'NotIn'
          ? `${key} notin (${values.join(',')})`
          : op === 'Exists'
            ? key
            : op === 'DoesNotExist'
              ? `!${key}`
              : `${key} ${op} ${values.join(',')}`;
    reqs.push({ key, text });
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: like selectorString but `<none>` for an empty selector. */
function formatLabelSelector(selector: unknown): string {
  return selectorString(selector) || '<none>';
}

function containerCells(template: unknown): [string, string] {
  const containers = arr(rec(rec(template).spec).containers);
  return [
    containers.map((c) => str(c.name)).join(','),
    containers.map((c) => str(c.image)).join(','),
  ];
}

// ---- pods ----

const podSucceeded = [
  {
    type: 'Completed',
    status: 'True',
    reason: 'Succeeded',
    message: 'The pod has completed successfully.',
  },
];
const podFailed = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

function podRow(pod: KubeObject, now: number): Omit<TableRow, 'object'> {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  const conditions = arr(status.conditions);
  for (const c of conditions) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initContainers = arr(spec.initContainers);
  const restartable = new Set(
    initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => str(c.name)),
  );
  const total = arr(spec.containers).length + restartable.size;
  let ready = 0;
  let restarts = 0;
  let restartableRestarts = 0;
  let lastRestart = 0;
  let lastRestartableRestart = 0;
  const finishedAt = (cs: Json) => {
    const t = Date.parse(str(rec(rec(cs.lastState).terminated).finishedAt));
    return Number.isNaN(t) ? 0 : t;
  };

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] as Json;
    const state = rec(cs.state);
    const terminated = state.terminated === undefined ? null : rec(state.terminated);
    const waiting = state.waiting === undefined ? null : rec(state.waiting);
    restarts += num(cs.restartCount);
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const isRestartable = restartable.has(str(cs.name));
    if (isRestartable) {
      restartableRestarts += num(cs.restartCount);
      lastRestartableRestart = Math.max(lastRestartableRestart, finishedAt(cs));
    }
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (isRestartable && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      if (!str(terminated.reason)) {
        reason = num(terminated.signal)
          ? `Init:Signal:${num(terminated.signal)}`
          : `Init:ExitCode:${num(terminated.exitCode)}`;
      } else {
        reason = `Init:${str(terminated.reason)}`;
      }
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    // The printer walks the statuses backwards, so the first container's state wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] as Json;
      const state = rec(cs.state);
      restarts += num(cs.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const waiting = state.waiting === undefined ? null : rec(state.waiting);
      const terminated = state.terminated === undefined ? null : rec(state.terminated);
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = num(terminated.signal)
          ? `Signal:${num(terminated.signal)}`
          : `ExitCode:${num(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const terminal = phase === 'Succeeded' || phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartsText =
    restarts !== 0 && lastRestart !== 0
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);

  const podIPs = arr(status.podIPs);
  const podIP = str(podIPs[0]?.ip) || '<none>';
  const gates = arr(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    let trueCount = 0;
    for (const gate of gates) {
      const cond = conditions.find((c) => c.type === gate.conditionType);
      if (cond?.status === 'True') trueCount++;
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }
  const row: Omit<TableRow, 'object'> = {
    cells: [
      pod.metadata.name,
      `${ready}/${total}`,
      reason,
      restartsText,
      since(pod.metadata.creationTimestamp, now),
      podIP,
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates,
    ],
  };
  if (phase === 'Succeeded') row.conditions = podSucceeded;
  if (phase === 'Failed') row.conditions = podFailed;
  return row;
}

// ---- nodes ----

function nodeRow(node: KubeObject, now: number): Omit<TableRow, 'object'> {
  const status = rec(node.status);
  const ready = arr(status.conditions).find((c) => c.type === 'Ready');
  const states: string[] = [];
  if (ready) states.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (states.length === 0) states.push('Unknown');
  if (rec(node.spec).unschedulable === true) states.push('SchedulingDisabled');
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) {
      roles.add(v);
    }
  }
  const addresses = arr(status.addresses);
  const address = (type: string) =>
    str(addresses.find((a) => a.type === type)?.address) || '<none>';
  const info = rec(status.nodeInfo);
  return {
    cells: [
      node.metadata.name,
      states.join(','),
      [...roles].sort().join(',') || '<none>',
      since(node.metadata.creationTimestamp, now),
      str(info.kubeletVersion),
      address('InternalIP'),
      address('ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ],
  };
}

// ---- services ----

function serviceExternalIP(spec: Json, status: Json): string {
  const externalIPs = (Array.isArray(spec.externalIPs) ? (spec.externalIPs as unknown[]) : []).map(
    str,
  );
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [
        ...new Set(
          arr(rec(status.loadBalancer).ingress)
            .map((i) => str(i.ip) || str(i.hostname))
            .filter(Boolean),
        ),
      ];
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

function serviceRow(svc: KubeObject, now: number): Omit<TableRow, 'object'> {
  const spec = rec(svc.spec);
  const clusterIPs = Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as unknown[]).map(str) : [];
  const ports = arr(spec.ports)
    .map((p) =>
      num(p.nodePort) > 0
        ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}`
        : `${num(p.port)}/${str(p.protocol)}`,
    )
    .join(',');
  return {
    cells: [
      svc.metadata.name,
      str(spec.type),
      clusterIPs[0] || '<none>',
      serviceExternalIP(spec, rec(svc.status)),
      ports || '<none>',
      since(svc.metadata.creationTimestamp, now),
      formatLabels(strMap(spec.selector)),
    ],
  };
}

// ---- endpointslices ----

function listWithMore(list: string[], count: number, max: number): string {
  if (count > max) return `${list.slice(0, max).join(',')} + ${count - max} more...`;
  return list.join(',') || '<unset>';
}

function endpointSliceRow(slice: KubeObject, now: number): Omit<TableRow, 'object'> {
  const ports = arr(slice.ports).map((p) =>
    typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*',
  );
  const addresses = arr(slice.endpoints).flatMap((e) =>
    (Array.isArray(e.addresses) ? (e.addresses as unknown[]) : []).map(str),
  );
  return {
    cells: [
      slice.metadata.name,
      str(slice.addressType),
      listWithMore(ports, ports.length, 3),
      listWithMore(addresses, addresses.length, 3),
      since(slice.metadata.creationTimestamp, now),
    ],
  };
}

// ---- workloads ----

function daemonSetRow(ds: KubeObject, now: number): Omit<TableRow, 'object'> {
  const spec = rec(ds.spec);
  const status = rec(ds.status);
  const [names, images] = containerCells(spec.template);
  return {
    cells: [
      ds.metadata.name,
      num(status.desiredNumberScheduled),
      num(status.currentNumberScheduled),
      num(status.numberReady),
      num(status.updatedNumberScheduled),
      num(status.numberAvailable),
      formatLabels(strMap(rec(rec(spec.template).spec).nodeSelector)),
      since(ds.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ],
  };
}

function deploymentRow(d: KubeObject, now: number): Omit<TableRow, 'object'> {
  const spec = rec(d.spec);
  const status = rec(d.status);
  const [names, images] = containerCells(spec.template);
  return {
    cells: [
      d.metadata.name,
      `${num(status.readyReplicas)}/${num(spec.replicas)}`,
      num(status.updatedReplicas),
      num(status.availableReplicas),
      since(d.metadata.creationTimestamp, now),
      names,
      images,
      // Deployments print selector.String() directly: an empty selector is an empty cell.
      selectorString(spec.selector),
    ],
  };
}

function replicaSetRow(rs: KubeObject, now: number): Omit<TableRow, 'object'> {
  const spec = rec(rs.spec);
  const status = rec(rs.status);
  const [names, images] = containerCells(spec.template);
  return {
    cells: [
      rs.metadata.name,
      num(spec.replicas),
      num(status.replicas),
      num(status.readyReplicas),
      since(rs.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ],
  };
}

// ---- events ----

function eventRow(ev: KubeObject, now: number): Omit<TableRow, 'object'> {
  const first = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
  let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
  let count = num(ev.count);
  const series = ev.series === undefined || ev.series === null ? null : rec(ev.series);
  if (series) {
    last = since(series.lastObservedTime, now);
    count = num(series.count);
  } else if (count === 0) {
    count = 1;
  }
  const involved = rec(ev.involvedObject);
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const source = rec(ev.source);
  const component = str(source.component) || str(ev.reportingComponent);
  const instance = str(source.host) || str(ev.reportingInstance);
  return {
    cells: [
      last,
      str(ev.type),
      str(ev.reason),
      target,
      str(involved.fieldPath),
      instance ? `${component}, ${instance}` : component,
      str(ev.message).trim(),
      first,
      count,
      ev.metadata.name,
    ],
  };
}

const printers: Record<string, Printer> = {
  pods: {
    columns: [
      nameCol,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'string',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      ageCol,
      col('IP', 'string', DOC.podIP, 1),
      col('Node', 'string', DOC.nodeName, 1),
      col('Nominated Node', 'string', DOC.nominatedNodeName, 1),
      col('Readiness Gates', 'string', DOC.readinessGates, 1),
    ],
    row: podRow,
  },
  nodes: {
    columns: [
      nameCol,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      ageCol,
      col('Version', 'string', DOC.kubeletVersion),
      col('Internal-IP', 'string', DOC.addresses, 1),
      col('External-IP', 'string', DOC.addresses, 1),
      col('OS-Image', 'string', DOC.osImage, 1),
      col('Kernel-Version', 'string', DOC.kernelVersion, 1),
      col('Container-Runtime', 'string', DOC.containerRuntimeVersion, 1),
    ],
    row: nodeRow,
  },
  services: {
    columns: [
      nameCol,
      col('Type', 'string', DOC.serviceType),
      col('Cluster-IP', 'string', DOC.clusterIP),
      col('External-IP', 'string', DOC.externalIPs),
      col('Port(s)', 'string', DOC.servicePorts),
      ageCol,
      col('Selector', 'string', DOC.serviceSelector, 1),
    ],
    row: serviceRow,
  },
  'endpointslices.discovery.k8s.io': {
    columns: [
      nameCol,
      col('AddressType', 'string', DOC.addressType),
      col('Ports', 'string', DOC.slicePorts),
      col('Endpoints', 'string', DOC.sliceEndpoints),
      ageCol,
    ],
    row: endpointSliceRow,
  },
  namespaces: {
    columns: [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol],
    row: (ns, now) => ({
      cells: [
        ns.metadata.name,
        str(rec(ns.status).phase),
        since(ns.metadata.creationTimestamp, now),
      ],
    }),
  },
  configmaps: {
    columns: [nameCol, col('Data', 'string', DOC.configMapData), ageCol],
    row: (cm, now) => ({
      cells: [
        cm.metadata.name,
        Object.keys(rec(cm.data)).length + Object.keys(rec(cm.binaryData)).length,
        since(cm.metadata.creationTimestamp, now),
      ],
    }),
  },
  'networkpolicies.networking.k8s.io': {
    columns: [nameCol, col('Pod-Selector', 'string', DOC.podSelector), ageCol],
    row: (np, now) => ({
      cells: [
        np.metadata.name,
        formatLabelSelector(rec(np.spec).podSelector),
        since(np.metadata.creationTimestamp, now),
      ],
    }),
  },
  'daemonsets.apps': {
    columns: [
      nameCol,
      col('Desired', 'integer', DOC.dsDesired),
      col('Current', 'integer', DOC.dsCurrent),
      col('Ready', 'integer', DOC.dsReady),
      col('Up-to-date', 'integer', DOC.dsUpdated),
      col('Available', 'integer', DOC.dsAvailable),
      col('Node Selector', 'string', DOC.nodeSelector),
      ageCol,
      col('Containers', 'string', DOC.containers, 1),
      col('Images', 'string', DOC.images, 1),
      col('Selector', 'string', DOC.dsSelector, 1),
    ],
    row: daemonSetRow,
  },
  'deployments.apps': {
    columns: [
      nameCol,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'string', DOC.deployUpdated),
      col('Available', 'string', DOC.deployAvailable),
      ageCol,
      col('Containers', 'string', DOC.containers, 1),
      col('Images', 'string', DOC.images, 1),
      col('Selector', 'string', DOC.deploySelector, 1),
    ],
    row: deploymentRow,
  },
  'replicasets.apps': {
    columns: [
      nameCol,
      col('Desired', 'integer', DOC.rsDesired),
      col('Current', 'integer', DOC.rsCurrent),
      col('Ready', 'integer', DOC.rsReady),
      ageCol,
      col('Containers', 'string', DOC.containers, 1),
      col('Images', 'string', DOC.images, 1),
      col('Selector', 'string', DOC.rsSelector, 1),
    ],
    row: replicaSetRow,
  },
  events: {
    columns: [
      col('Last Seen', 'string', DOC.eventLastTimestamp),
      col('Type', 'string', DOC.eventType),
      col('Reason', 'string', DOC.eventReason),
      col('Object', 'string', DOC.eventObject),
      col('Subobject', 'string', DOC.eventFieldPath, 1),
      col('Source', 'string', DOC.eventSource, 1),
      col('Message', 'string', DOC.eventMessage),
      col('First Seen', 'string', DOC.eventFirstTimestamp, 1),
      col('Count', 'string', DOC.eventCount, 1),
      col('Name', 'string', DOC.name, 1, 'name'),
    ],
    row: eventRow,
  },
};

/**
 * The API server's default table for resources without a printer (k8s.io/apiserver's
 * defaultTableConvertor): Name and "Created At" as an RFC 3339 date, which kubectl shows as
 * NAME and CREATED AT.
 */
const defaultPrinter: Printer = {
  columns: [nameCol, col('Created At', 'date', DOC.creationTimestamp)],
  row: (obj) => ({
    cells: [
      obj.metadata.name,
      typeof obj.metadata.creationTimestamp === 'string' ? obj.metadata.creationTimestamp : '',
    ],
  }),
};

/** The column definitions served for a resource key ('pods', 'daemonsets.apps', ...). */
export function tableColumns(resource: string): TableColumnDefinition[] {
  return (printers[resource] ?? defaultPrinter).columns.map((c) => ({ ...c }));
}

function partialMetadata(meta: ObjectMeta): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta };
}

/**
 * Builds the meta.k8s.io/v1 Table for `objects` of `resource` (store key: 'pods',
 * 'endpointslices.discovery.k8s.io', ...), as the API server answers
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Rows carry the object per
 * `includeObject`: none, its PartialObjectMetadata, or the whole object.
 */
export function toTable(
  resource: string,
  objects: KubeObject[],
  opts: TableOptions,
  now: number = Date.now(),
): Record<string, unknown> {
  const printer = printers[resource] ?? defaultPrinter;
  const metadata: Record<string, unknown> = { resourceVersion: opts.resourceVersion };
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const rows: TableRow[] = objects.map((obj) => {
    const row: TableRow = printer.row(obj, now);
    if (opts.includeObject === 'Metadata')
      row.object = partialMetadata(structuredClone(obj.metadata));
    else if (opts.includeObject === 'Object') row.object = structuredClone(obj);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
