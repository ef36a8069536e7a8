/**
 * Per-resource create and update rules, after the registry strategies and admission plugins of
 * kube-apiserver: defaults, allocation (cluster IPs, node ports) and validation. Handlers call
 * these; the controllers never do, exactly as a kubelet's writes skip admission defaults.
 */
import type { Scenario } from '../scenarios/types';
import type { ResourceDef } from './resources';
import type { FieldError } from './status';
import type { KubeObject, ObjectStore } from './store';
import { labelErrors, nameErrors, type NameRule } from './validation';

export interface StrategyContext {
  store: ObjectStore;
  scenario: Scenario;
}

export interface Strategy {
  nameRule: NameRule;
  /** Fills defaults and allocations of a new object; may report field errors. */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): FieldError[];
  /** Carries over what an update may not change and validates the change. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): FieldError[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objAt = (o: Obj, key: string): Obj => {
  const v = o[key];
  if (isObj(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
};
const listAt = (o: Obj, key: string): Obj[] => {
  const v = o[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
};

// ---------------------------------------------------------------- pods

/** Image pull policy default: Always for `:latest` or an untagged image, else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'Always';
  return image.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** SetDefaults_Container for regular, init and ephemeral containers. */
export function defaultContainer(c: Obj, hostNetwork: boolean): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (typeof c.image === 'string') c.imagePullPolicy ??= defaultPullPolicy(c.image);
  const resources = objAt(c, 'resources');
  // Requests default to limits when only limits are given.
  if (isObj(resources.limits)) {
    const requests = objAt(resources, 'requests');
    for (const [k, v] of Object.entries(resources.limits)) requests[k] ??= v;
  }
  for (const port of listAt(c, 'ports')) {
    port.protocol ??= 'TCP';
    if (hostNetwork && port.hostPort === undefined) port.hostPort = port.containerPort;
  }
  for (const env of listAt(c, 'env')) {
    const from = env.valueFrom;
    if (isObj(from) && isObj(from.fieldRef)) from.fieldRef.apiVersion ??= 'v1';
  }
}

/** The QoS class the API computes at admission from the containers' resources. */
export function qosClass(spec: Obj): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const containers = [...listAt(spec, 'containers'), ...listAt(spec, 'initContainers')];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = isObj(c.resources) ? c.resources : {};
    const requests = isObj(res.requests) ? res.requests : {};
    const limits = isObj(res.limits) ? res.limits : {};
    for (const k of ['cpu', 'memory']) {
      if (requests[k] !== undefined || limits[k] !== undefined) any = true;
      if (limits[k] === undefined || String(requests[k] ?? limits[k]) !== String(limits[k])) {
        guaranteed = false;
      }
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const notReadyTolerations = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
] as const;

/** Defaults from SetDefaults_Pod/PodSpec and the admission plugins a kubeadm cluster runs. */
export function defaultPod(pod: KubeObject): void {
  const spec = objAt(pod, 'spec');
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  // ServiceAccount admission: the deprecated serviceAccount field mirrors serviceAccountName.
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  // Priority admission.
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const hostNetwork = spec.hostNetwork === true;
  for (const c of listAt(spec, 'containers')) defaultContainer(c, hostNetwork);
  for (const c of listAt(spec, 'initContainers')) defaultContainer(c, hostNetwork);
  // DefaultTolerationSeconds admission: tolerate a not-ready or unreachable node for 5 minutes.
  const tolerations = Array.isArray(spec.tolerations) ? [...spec.tolerations] : [];
  for (const key of notReadyTolerations) {
    const has = tolerations.some(
      (t) => isObj(t) && (t.key === key || (t.key === undefined && t.operator === 'Exists')),
    );
    if (!has) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

function containerErrors(list: Obj[], path: string, names: Set<string>): FieldError[] {
  const out: FieldError[] = [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const name = c.name;
    if (typeof name !== 'string' || name === '') {
      out.push({ type: 'FieldValueRequired', field: `${at}.name` });
    } else {
      for (const detail of nameErrors(name, 'dns1123-label')) {
        out.push({ type: 'FieldValueInvalid', field: `${at}.name`, badValue: name, detail });
      }
      if (names.has(name))
        out.push({ type: 'FieldValueDuplicate', field: `${at}.name`, badValue: name });
      names.add(name);
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') {
      out.push({ type: 'FieldValueRequired', field: `${at}.image` });
    }
    listAt(c, 'ports').forEach((p, j) => {
      const port = p.containerPort;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        out.push({
          type: 'FieldValueInvalid',
          field: `${at}.ports[${j}].containerPort`,
          badValue: port,
          detail: 'must be between 1 and 65535, inclusive',
        });
      }
    });
  });
  return out;
}

function podSpecErrors(spec: Obj): FieldError[] {
  const out: FieldError[] = [];
  const names = new Set<string>();
  const containers = listAt(spec, 'containers');
  if (containers.length === 0) out.push({ type: 'FieldValueRequired', field: 'spec.containers' });
  out.push(...containerErrors(containers, 'spec.containers', names));
  out.push(...containerErrors(listAt(spec, 'initContainers'), 'spec.initContainers', names));
  const restart = spec.restartPolicy;
  if (!['Always', 'OnFailure', 'Never'].includes(String(restart))) {
    out.push({
      type: 'FieldValueNotSupported',
      field: 'spec.restartPolicy',
      badValue: restart,
      detail: 'supported values: "Always", "OnFailure", "Never"',
    });
  }
  const dns = spec.dnsPolicy;
  if (!['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'].includes(String(dns))) {
    out.push({
      type: 'FieldValueNotSupported',
      field: 'spec.dnsPolicy',
      badValue: dns,
      detail: 'supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    });
  }
  if (spec.nodeSelector !== undefined)
    out.push(...labelErrors(spec.nodeSelector, 'spec.nodeSelector'));
  return out;
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** The pod spec with the fields an update may change replaced by the old values. */
function mungedPodSpec(spec: Obj, old: Obj): Obj {
  const munged = structuredClone(spec);
  const oldContainers = listAt(old, 'containers');
  listAt(munged, 'containers').forEach((c, i) => {
    const o = oldContainers[i];
    if (o) c.image = o.image;
  });
  const oldInit = listAt(old, 'initContainers');
  listAt(munged, 'initContainers').forEach((c, i) => {
    const o = oldInit[i];
    if (o) c.image = o.image;
  });
  if (old.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  if (old.tolerations === undefined) delete munged.tolerations;
  else munged.tolerations = old.tolerations;
  return munged;
}

/** Deep equality of JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

const podStrategy: Strategy = {
  nameRule: 'dns1123-subdomain',
  prepareForCreate(pod) {
    const spec = objAt(pod, 'spec');
    const errors: FieldError[] = [];
    if (spec.ephemeralContainers !== undefined) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec.ephemeralContainers',
        detail: 'cannot be set on create',
      });
    }
    defaultPod(pod);
    pod.metadata.generation = 1;
    pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
    errors.push(...podSpecErrors(spec));
    return errors;
  },
  prepareForUpdate(pod, old) {
    // The main resource never writes status; pods/status does.
    pod.status = old.status;
    const spec = objAt(pod, 'spec');
    const oldSpec = isObj(old.spec) ? old.spec : {};
    const errors = podSpecErrors(spec);
    const oldTolerations = Array.isArray(oldSpec.tolerations) ? oldSpec.tolerations : [];
    const newTolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    for (const t of oldTolerations) {
      if (!newTolerations.some((n) => jsonEqual(n, t))) {
        errors.push({
          type: 'FieldValueForbidden',
          field: 'spec.tolerations',
          detail: 'existing toleration can not be modified except its tolerationSeconds',
        });
        break;
      }
    }
    if (!jsonEqual(mungedPodSpec(spec, oldSpec), oldSpec)) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec',
        detail: `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}`,
      });
    }
    return errors;
  },
};

// ---------------------------------------------------------------- services

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function cidrRange(cidr: string): { base: number; size: number } {
  const [addr = '0.0.0.0', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const base = Math.floor(ipToInt(addr) / size) * size;
  return { base, size };
}

const ipv4Re = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function usedClusterIPs(store: ObjectStore, except?: KubeObject): Set<string> {
  const used = new Set<string>();
  for (const svc of store.list('services')) {
    if (except && svc.metadata.uid === except.metadata.uid) continue;
    const spec = isObj(svc.spec) ? svc.spec : {};
    if (typeof spec.clusterIP === 'string') used.add(spec.clusterIP);
  }
  return used;
}

function usedNodePorts(store: ObjectStore, except?: KubeObject): Set<number> {
  const used = new Set<number>();
  for (const svc of store.list('services')) {
    if (except && svc.metadata.uid === except.metadata.uid) continue;
    const spec = isObj(svc.spec) ? svc.spec : {};
    for (const p of listAt(spec, 'ports')) if (typeof p.nodePort === 'number') used.add(p.nodePort);
    if (typeof spec.healthCheckNodePort === 'number') used.add(spec.healthCheckNodePort);
  }
  return used;
}

function allocateNodePort(used: Set<number>): number {
  for (let tries = 0; tries < 10_000; tries++) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    if (!used.has(port)) {
      used.add(port);
      return port;
    }
  }
  throw new Error('no free node port');
}

const needsNodePorts = (type: unknown) => type === 'NodePort' || type === 'LoadBalancer';

function allocateClusterIP(ctx: StrategyContext, used: Set<string>): string {
  const { base, size } = cidrRange(ctx.scenario.serviceNetwork);
  // Dynamic allocations come from the upper part of the range, as the allocator prefers.
  const low = Math.max(2, Math.floor(size / 16));
  for (let tries = 0; tries < 10_000; tries++) {
    const ip = intToIp(base + low + Math.floor(Math.random() * (size - 1 - low)));
    if (!used.has(ip)) return ip;
  }
  throw new Error('no free cluster IP');
}

function serviceErrors(svc: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const spec = objAt(svc, 'spec');
  const type = spec.type;
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(String(type))) {
    out.push({
      type: 'FieldValueNotSupported',
      field: 'spec.type',
      badValue: type,
      detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    });
  }
  const headless = spec.clusterIP === 'None';
  const ports = listAt(spec, 'ports');
  if (ports.length === 0 && !headless && type !== 'ExternalName') {
    out.push({ type: 'FieldValueRequired', field: 'spec.ports' });
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) out.push({ type: 'FieldValueRequired', field: `${at}.name` });
    if (typeof p.name === 'string' && p.name) {
      if (names.has(p.name))
        out.push({ type: 'FieldValueDuplicate', field: `${at}.name`, badValue: p.name });
      names.add(p.name);
    }
    const port = p.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      out.push({
        type: 'FieldValueInvalid',
        field: `${at}.port`,
        badValue: port,
        detail: 'must be between 1 and 65535, inclusive',
      });
    }
    if (p.nodePort !== undefined && !needsNodePorts(type)) {
      out.push({
        type: 'FieldValueForbidden',
        field: `${at}.nodePort`,
        detail: `may not be used when \`type\` is '${String(type)}'`,
      });
    }
  });
  if (headless && needsNodePorts(type)) {
    out.push({
      type: 'FieldValueInvalid',
      field: 'spec.clusterIPs[0]',
      badValue: 'None',
      detail: `may not be set to 'None' for ${String(type)} services`,
    });
  }
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined && !['Cluster', 'Local'].includes(String(etp))) {
    out.push({
      type: 'FieldValueNotSupported',
      field: 'spec.externalTrafficPolicy',
      badValue: etp,
      detail: 'supported values: "Cluster", "Local"',
    });
  }
  if (spec.selector !== undefined) out.push(...labelErrors(spec.selector, 'spec.selector'));
  return out;
}

function defaultServiceFields(spec: Obj): void {
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of listAt(spec, 'ports')) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ??= 'Cluster';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (needsNodePorts(spec.type)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** Node ports and the health-check port a NodePort/LoadBalancer Service needs. */
function allocateServicePorts(spec: Obj, ctx: StrategyContext, self?: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const used = usedNodePorts(ctx.store, self);
  const wantsNodePorts =
    spec.type === 'NodePort' ||
    (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  listAt(spec, 'ports').forEach((p, i) => {
    if (!wantsNodePorts) return;
    if (typeof p.nodePort === 'number') {
      if (p.nodePort < 30000 || p.nodePort > 32767) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `spec.ports[${i}].nodePort`,
          badValue: p.nodePort,
          detail:
            'provided port is not in the valid range. The range of valid ports is 30000-32767',
        });
      } else if (used.has(p.nodePort)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `spec.ports[${i}].nodePort`,
          badValue: p.nodePort,
          detail: 'provided port is already allocated',
        });
      }
      used.add(p.nodePort);
    } else {
      p.nodePort = allocateNodePort(used);
    }
  });
  if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
    if (typeof spec.healthCheckNodePort !== 'number')
      spec.healthCheckNodePort = allocateNodePort(used);
  } else {
    delete spec.healthCheckNodePort;
  }
  return errors;
}

const serviceStrategy: Strategy = {
  nameRule: 'dns1035-label',
  prepareForCreate(svc, ctx) {
    const spec = objAt(svc, 'spec');
    defaultServiceFields(spec);
    svc.status = { loadBalancer: {} };
    const errors = serviceErrors(svc);
    if (errors.length > 0) return errors;
    if (spec.type !== 'ExternalName') {
      const used = usedClusterIPs(ctx.store);
      const requested =
        spec.clusterIP ?? (Array.isArray(spec.clusterIPs) ? spec.clusterIPs[0] : undefined);
      if (requested === undefined || requested === '') {
        spec.clusterIP = allocateClusterIP(ctx, used);
      } else if (requested !== 'None') {
        const ip = String(requested);
        const { base, size } = cidrRange(ctx.scenario.serviceNetwork);
        const n = ipv4Re.test(ip) ? ipToInt(ip) : -1;
        if (n <= base || n >= base + size - 1) {
          return [
            {
              type: 'FieldValueInvalid',
              field: 'spec.clusterIPs',
              badValue: [ip],
              detail: `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${ctx.scenario.serviceNetwork}`,
            },
          ];
        }
        if (used.has(ip)) {
          return [
            {
              type: 'FieldValueInvalid',
              field: 'spec.clusterIPs',
              badValue: [ip],
              detail: `failed to allocate IP ${ip}: provided IP is already allocated`,
            },
          ];
        }
        spec.clusterIP = ip;
      } else {
        spec.clusterIP = 'None';
      }
      spec.clusterIPs = [spec.clusterIP];
    }
    return allocateServicePorts(spec, ctx);
  },
  prepareForUpdate(svc, old, ctx) {
    svc.status = old.status;
    const spec = objAt(svc, 'spec');
    const oldSpec = isObj(old.spec) ? old.spec : {};
    // patchAllocatedValues: an update that leaves out allocated values keeps them.
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = oldSpec.clusterIP;
      spec.clusterIPs = oldSpec.clusterIPs;
    }
    const oldPorts = listAt(oldSpec, 'ports');
    const typeKeepsNodePorts =
      needsNodePorts(spec.type ?? 'ClusterIP') && needsNodePorts(oldSpec.type);
    for (const p of listAt(spec, 'ports')) {
      const match = oldPorts.find(
        (o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (typeKeepsNodePorts && p.nodePort === undefined && match?.nodePort !== undefined) {
        p.nodePort = match.nodePort;
      }
      // dropTypeDependentFields: leaving NodePort/LoadBalancer releases unchanged node ports.
      if (!needsNodePorts(spec.type ?? 'ClusterIP') && match && p.nodePort === match.nodePort) {
        delete p.nodePort;
      }
    }
    if (spec.healthCheckNodePort === undefined && oldSpec.healthCheckNodePort !== undefined) {
      spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
    }
    if (
      !needsNodePorts(spec.type ?? 'ClusterIP') &&
      spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy
    ) {
      delete spec.externalTrafficPolicy;
    }
    if (
      spec.type !== 'LoadBalancer' &&
      spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts
    ) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    defaultServiceFields(spec);
    const errors = serviceErrors(svc);
    if (oldSpec.clusterIP !== undefined && spec.clusterIP !== oldSpec.clusterIP) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.clusterIPs[0]',
        badValue: spec.clusterIP,
        detail: 'may not change once set',
      });
    }
    if (errors.length > 0) return errors;
    return allocateServicePorts(spec, ctx, old);
  },
};

// ---------------------------------------------------------------- the rest

const namespaceStrategy: Strategy = {
  nameRule: 'dns1123-label',
  prepareForCreate(ns) {
    const spec = objAt(ns, 'spec');
    spec.finalizers ??= ['kubernetes'];
    ns.status = { phase: 'Active' };
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name };
    return [];
  },
  prepareForUpdate(ns, old) {
    ns.status = old.status;
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name };
    return [];
  },
};

const networkPolicyStrategy: Strategy = {
  nameRule: 'dns1123-subdomain',
  prepareForCreate(np) {
    return defaultNetworkPolicy(np);
  },
  prepareForUpdate(np) {
    return defaultNetworkPolicy(np);
  },
};

function defaultNetworkPolicy(np: KubeObject): FieldError[] {
  const spec = objAt(np, 'spec');
  spec.podSelector ??= {};
  if (spec.policyTypes === undefined) {
    spec.policyTypes = Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  const errors: FieldError[] = [];
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') {
      errors.push({
        type: 'FieldValueNotSupported',
        field: `spec.policyTypes[${i}]`,
        badValue: t,
        detail: 'supported values: "Egress", "Ingress"',
      });
    }
  });
  return errors;
}

const statusKeeping: Strategy = {
  nameRule: 'dns1123-subdomain',
  prepareForUpdate(obj, old) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
    return [];
  },
};

const plain: Strategy = { nameRule: 'dns1123-subdomain' };

/** The strategy for a resource. */
export function strategyFor(def: ResourceDef): Strategy {
  switch (def.storeKey) {
    case 'pods':
      return podStrategy;
    case 'services':
      return serviceStrategy;
    case 'namespaces':
      return namespaceStrategy;
    case 'networkpolicies.networking.k8s.io':
      return networkPolicyStrategy;
    case 'nodes':
    case 'daemonsets.apps':
    case 'deployments.apps':
    case 'replicasets.apps':
      return statusKeeping;
    default:
      return plain;
  }
}
