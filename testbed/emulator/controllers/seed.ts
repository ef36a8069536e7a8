/**
 * Turns a scenario into the objects a freshly installed cluster of its kind holds: kubeadm with
 * flannel for `demo`, k3s with its embedded flannel for `k3s`. Pods are written already bound to
 * their node and Pending; the kubelet controller starts them like any other pod.
 */
import { createHash } from 'node:crypto';
import {
  CLUSTER_DNS_LABEL,
  isClusterDnsPod,
  type Scenario,
  type ScenarioPod,
  type ScenarioService,
} from '../../scenarios/types';
import type { KubeObject, ObjectStore } from '../store';
import { intToIp, parseCidr } from './ip-allocator';
import { RESOURCES, podKey, randomSuffix } from './kube';
import { parseImage } from './images';

/**
 * The API server's own CA as pods see it in kube-root-ca.crt. A real self-signed CA (CN
 * kubernetes); the emulator's HTTP side may pass the CA it actually serves with instead.
 */
export const DEFAULT_CLUSTER_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBjjCCATWgAwIBAgIUW/L3AjO+twicxYwXKfUGGaOrL5swCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjExMjEyMzMzMjlaFw0zNjExMTgy
MzMzMjlaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASZQemhihszHnn0v9QIdkOax739YY+mpz128Eu4Gggjx01UK62R+2xZ
y89tN67A9bkYnqQkEASFv6YAoHPPo6fxo2MwYTAdBgNVHQ4EFgQU5vB4Rj6b9raz
fsz2piCKgqfl/LwwHwYDVR0jBBgwFoAU5vB4Rj6b9razfsz2piCKgqfl/LwwDwYD
VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAqQwCgYIKoZIzj0EAwIDRwAwRAIg
XFTBOPP7cYRTwMcgtHcaeiHus4EFu5rX8M+zIf+JX/cCIBS6QzembzqwyFmlCmgI
skmODkaeRRIte70yeHrY8RFI
-----END CERTIFICATE-----
`;

export interface SeedOptions {
  /** PEM published as kube-root-ca.crt in every namespace. */
  caCertPem?: string;
}

const stripPrefix = (cidr: string) => cidr.split('/')[0] as string;

/** Fixed pod IPs of the scenario's (non-hostNetwork) pods, by namespace/name. */
export function scenarioPodIPs(scenario: Scenario): Map<string, string> {
  const out = new Map<string, string>();
  for (const pod of scenario.pods) {
    if (!pod.hostNetwork && pod.ip) out.set(podKey(pod.namespace, pod.name), pod.ip);
  }
  return out;
}

/** The image each scenario pod runs, by namespace/name. */
export function scenarioPodImages(scenario: Scenario): Map<string, string> {
  return new Map(scenario.pods.map((p) => [podKey(p.namespace, p.name), p.image]));
}

const isK3s = (scenario: Scenario) => scenario.kubernetesVersion.includes('+k3s');

/** Stable pseudo-random bytes per seed string, for IDs that must not change across runs. */
function stableHex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** A stable hash in the alphabet Kubernetes uses for name hashes (pod-template-hash & co). */
function safeHash(seed: string, length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] as number) % alphabet.length];
  return out;
}

function stableUUID(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** flannel's VtepMAC: a locally administered unicast MAC, stable per node. */
function vtepMAC(node: string): string {
  const bytes = Buffer.from(stableHex(`vtep/${node}`, 12), 'hex');
  bytes[0] = ((bytes[0] as number) & 0xfe) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The n-th address of the service network (1: kubernetes, 10: kube-dns). */
function serviceNetworkAddress(scenario: Scenario, n: number): string {
  return intToIp(parseCidr(scenario.serviceNetwork).base + n);
}

/**
 * The cluster DNS Service as kubeadm and k3s install it: kube-system/kube-dns on the 10th
 * address of the service network, selecting the CoreDNS pods, with kubeadm's port names.
 */
export function clusterDnsService(scenario: Scenario): ScenarioService {
  return {
    namespace: 'kube-system',
    name: 'kube-dns',
    type: 'ClusterIP',
    clusterIP: serviceNetworkAddress(scenario, 10),
    ports: [
      { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
    ],
    selector: { [CLUSTER_DNS_LABEL.key]: CLUSTER_DNS_LABEL.value },
  };
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function nodeObject(scenario: Scenario, node: Scenario['nodes'][number]): KubeObject {
  const k3s = isK3s(scenario);
  const ip = stripPrefix(node.eth1);
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
  };
  if (k3s) {
    labels['beta.kubernetes.io/instance-type'] = 'k3s';
    labels['node.kubernetes.io/instance-type'] = 'k3s';
  }
  if (node.role === 'control-plane') {
    if (k3s) {
      labels['node-role.kubernetes.io/control-plane'] = 'true';
      labels['node-role.kubernetes.io/master'] = 'true';
    } else {
      labels['node-role.kubernetes.io/control-plane'] = '';
      labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
    }
  }
  Object.assign(labels, node.labels ?? {});

  const annotations: Record<string, string> = {
    'flannel.alpha.coreos.com/backend-data':
      scenario.cni.backend === 'vxlan'
        ? JSON.stringify({ VNI: 1, VtepMAC: vtepMAC(node.name) })
        : 'null',
    'flannel.alpha.coreos.com/backend-type': scenario.cni.backend,
    'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
    'flannel.alpha.coreos.com/public-ip': ip,
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
  };
  if (k3s) {
    annotations['alpha.kubernetes.io/provided-node-ip'] = ip;
    annotations['k3s.io/hostname'] = node.name;
    annotations['k3s.io/internal-ip'] = ip;
  } else {
    annotations['kubeadm.alpha.kubernetes.io/cri-socket'] =
      'unix:///var/run/containerd/containerd.sock';
  }

  const spec: Record<string, unknown> = { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] };
  if (k3s) spec.providerID = `k3s://${node.name}`;
  if (node.taints && node.taints.length > 0) {
    spec.taints = node.taints.map((t) =>
      t.value === undefined ? { key: t.key, effect: t.effect } : { ...t },
    );
  }

  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const resources = {
    cpu: '2',
    'ephemeral-storage': '40470732Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: '2014708Ki',
    pods: '110',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: node.name, labels, annotations },
    spec,
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: node.name },
      ],
      allocatable: { ...resources, 'ephemeral-storage': '37297826550', memory: '1912308Ki' },
      capacity: resources,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition(
          'DiskPressure',
          'False',
          'KubeletHasNoDiskPressure',
          'kubelet has no disk pressure',
        ),
        condition(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
        ),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: stableUUID(`boot/${scenario.name}/${node.name}`),
        containerRuntimeVersion: k3s ? 'containerd://1.7.17-k3s1' : 'containerd://1.7.12',
        kernelVersion: '5.15.0-112-generic',
        kubeProxyVersion: scenario.kubernetesVersion,
        kubeletVersion: scenario.kubernetesVersion,
        machineID: stableHex(`machine/${scenario.name}/${node.name}`, 32),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.4 LTS',
        systemUUID: stableUUID(`system/${scenario.name}/${node.name}`),
      },
    },
  };
}

function configMap(
  namespace: string,
  name: string,
  data: Record<string, string>,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    data,
  };
}

function corefile(scenario: Scenario): Record<string, string> {
  if (isK3s(scenario)) {
    return {
      Corefile: `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`,
      NodeHosts: scenario.nodes.map((n) => `${stripPrefix(n.eth1)} ${n.name}`).join('\n') + '\n',
    };
  }
  return {
    Corefile: `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`,
  };
}

/** Allocates NodePorts the scenario leaves open from 30000-32767, deterministically. */
class NodePortAllocator {
  private readonly used = new Set<number>();
  constructor(services: ScenarioService[]) {
    for (const s of services) for (const p of s.ports) if (p.nodePort) this.used.add(p.nodePort);
  }
  next(seed: string): number {
    let port = 30000 + (parseInt(stableHex(seed, 8), 16) % 2768);
    while (this.used.has(port)) port = port === 32767 ? 30000 : port + 1;
    this.used.add(port);
    return port;
  }
}

function serviceObject(
  svc: ScenarioService,
  nodePorts: NodePortAllocator,
  labels?: Record<string, string>,
): KubeObject {
  const external = svc.type === 'NodePort' || svc.type === 'LoadBalancer';
  const spec: Record<string, unknown> = {
    clusterIP: svc.clusterIP,
    clusterIPs: [svc.clusterIP],
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: svc.ports.map((p) => {
      const port: Record<string, unknown> = {};
      if (p.name) port.name = p.name;
      port.port = p.port;
      port.protocol = p.protocol ?? 'TCP';
      port.targetPort = p.targetPort;
      if (external)
        port.nodePort = p.nodePort ?? nodePorts.next(`${svc.namespace}/${svc.name}/${p.port}`);
      return port;
    }),
    sessionAffinity: 'None',
    type: svc.type,
  };
  if (svc.selector) spec.selector = { ...svc.selector };
  if (external) spec.externalTrafficPolicy = svc.externalTrafficPolicy ?? 'Cluster';
  if (svc.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts = true;
    if (svc.externalTrafficPolicy === 'Local') {
      spec.healthCheckNodePort = nodePorts.next(`${svc.namespace}/${svc.name}/health`);
    }
  }
  const status: Record<string, unknown> = { loadBalancer: {} };
  if (svc.type === 'LoadBalancer' && svc.loadBalancerIngress?.length) {
    status.loadBalancer = { ingress: svc.loadBalancerIngress.map((ip) => ({ ip, ipMode: 'VIP' })) };
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, namespace: svc.namespace, ...(labels ? { labels } : {}) },
    spec,
    status,
  };
}

function imagePullPolicy(image: string): string {
  const ref = parseImage(image);
  return ref.digest || (ref.tag && ref.tag !== 'latest') ? 'IfNotPresent' : 'Always';
}

interface WorkloadTemplate {
  containerName: string;
  command?: string[];
  args?: string[];
  resources?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  /** Volumes and the container's mounts of them, besides the service account token. */
  volumes?: Record<string, unknown>[];
  volumeMounts?: Record<string, unknown>[];
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  /** DaemonSet pods only: ReplicaSet pods carry the scenario pod's own tolerations. */
  tolerations?: Record<string, unknown>[];
  serviceAccountName?: string;
  priorityClassName?: string;
  /** A Deployment's rollingUpdate, when its manifest sets one. */
  rollingUpdate?: Record<string, unknown>;
}

/** The priority the built-in PriorityClasses give (0 without one). */
const PRIORITIES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

function flannelTemplate(scenario: Scenario): WorkloadTemplate {
  return {
    containerName: 'kube-flannel',
    command: ['/opt/bin/flanneld'],
    // No --ip-masq: the demo cluster's flannel does not masquerade pod egress (scenario S5).
    args: ['--kube-subnet-mgr', `--iface=${scenario.nodeInterface}`],
    resources: { requests: { cpu: '100m', memory: '50Mi' } },
    securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
    tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
    serviceAccountName: 'flannel',
    priorityClassName: 'system-node-critical',
  };
}

/**
 * CoreDNS as kubeadm's addon manifest (v1.30) deploys it, or k3s's coredns.yaml: `-conf` on
 * the coredns ConfigMap, health and ready probes, a locked-down container, system priority.
 */
function corednsTemplate(scenario: Scenario): WorkloadTemplate {
  const k3s = isK3s(scenario);
  const probe = (path: string, port: number) => ({
    httpGet: { path, port, scheme: 'HTTP' },
    periodSeconds: 10,
    successThreshold: 1,
  });
  return {
    containerName: 'coredns',
    args: ['-conf', '/etc/coredns/Corefile'],
    resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    },
    livenessProbe: {
      ...probe('/health', 8080),
      initialDelaySeconds: 60,
      timeoutSeconds: k3s ? 1 : 5,
      failureThreshold: k3s ? 3 : 5,
    },
    readinessProbe: {
      ...probe('/ready', 8181),
      ...(k3s ? { periodSeconds: 2 } : {}),
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    volumes: [
      {
        name: 'config-volume',
        configMap: {
          name: 'coredns',
          items: [
            { key: 'Corefile', path: 'Corefile' },
            ...(k3s ? [{ key: 'NodeHosts', path: 'NodeHosts' }] : []),
          ],
          defaultMode: 420,
        },
      },
      ...(k3s
        ? [
            {
              name: 'custom-config-volume',
              configMap: { name: 'coredns-custom', optional: true, defaultMode: 420 },
            },
          ]
        : []),
    ],
    volumeMounts: [
      { name: 'config-volume', mountPath: '/etc/coredns', readOnly: true },
      ...(k3s
        ? [{ name: 'custom-config-volume', mountPath: '/etc/coredns/custom', readOnly: true }]
        : []),
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    // kubeadm spreads its replicas over nodes (k3s's topology spread constraints are left out).
    ...(k3s
      ? {}
      : {
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: {
                      matchExpressions: [
                        {
                          key: CLUSTER_DNS_LABEL.key,
                          operator: 'In',
                          values: [CLUSTER_DNS_LABEL.value],
                        },
                      ],
                    },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
        }),
    serviceAccountName: 'coredns',
    priorityClassName: 'system-cluster-critical',
    rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 },
  };
}

function containerSpec(
  pod: ScenarioPod,
  tpl: WorkloadTemplate | undefined,
  containerName: string,
): Record<string, unknown> {
  const c: Record<string, unknown> = { name: containerName, image: pod.image };
  const command = pod.command ?? tpl?.command;
  if (command) c.command = [...command];
  if (!pod.command && tpl?.args) c.args = [...tpl.args];
  if (pod.ports?.length) {
    c.ports = pod.ports.map((p) => ({
      containerPort: p.containerPort,
      ...(p.name ? { name: p.name } : {}),
      protocol: p.protocol ?? 'TCP',
    }));
  }
  c.resources = tpl?.resources ? structuredClone(tpl.resources) : {};
  if (tpl?.securityContext) c.securityContext = structuredClone(tpl.securityContext);
  if (tpl?.livenessProbe) c.livenessProbe = structuredClone(tpl.livenessProbe);
  if (tpl?.readinessProbe) c.readinessProbe = structuredClone(tpl.readinessProbe);
  if (tpl?.volumeMounts) c.volumeMounts = structuredClone(tpl.volumeMounts);
  c.terminationMessagePath = '/dev/termination-log';
  c.terminationMessagePolicy = 'File';
  c.imagePullPolicy = imagePullPolicy(pod.image);
  return c;
}

/** The scenario pod's tolerations as the API writes them. */
function scenarioTolerations(pod: ScenarioPod): Record<string, unknown>[] {
  return (pod.tolerations ?? []).map((t) => ({ ...t }));
}

/**
 * A pod's tolerations after the DefaultTolerationSeconds admission plugin: not-ready and
 * unreachable for 300 s, unless the pod already tolerates them.
 */
function withDefaultTolerations(own: Record<string, unknown>[]): Record<string, unknown>[] {
  const out = [...own];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = own.some(
      (t) =>
        (t.key === key || (t.key === undefined && t.operator === 'Exists')) &&
        (t.effect === undefined || t.effect === 'NoExecute'),
    );
    if (!covered)
      out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  return out;
}

function daemonSetTolerations(extra: Record<string, unknown>[]): Record<string, unknown>[] {
  // The DaemonSet controller adds these to every daemon pod.
  return [
    ...extra,
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
  ];
}

function apiAccessVolume(): { volume: Record<string, unknown>; mount: Record<string, unknown> } {
  const name = `kube-api-access-${randomSuffix()}`;
  return {
    volume: {
      name,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [
                {
                  path: 'namespace',
                  fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                },
              ],
            },
          },
        ],
      },
    },
    mount: { name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
  };
}

/** An ownerReference as controllers write them: the controlling owner, blocking deletion. */
function controllerRef(apiVersion: string, kind: string, name: string, uid: string | undefined) {
  const ref = {
    apiVersion,
    kind,
    name,
    uid: uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  return ref;
}

/** The base name of an image, e.g. k8s-go-demo for k8s-go-demo:latest. */
function imageBaseName(image: string): string {
  const path = parseImage(image).path;
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Writes the scenario's cluster into an empty store: namespaces, nodes, the cluster's own
 * ConfigMaps and Services, the scenario's Services, NetworkPolicies, workloads and pods.
 */
export function seedScenario(store: ObjectStore, scenario: Scenario, opts: SeedOptions = {}): void {
  const ca = opts.caCertPem ?? DEFAULT_CLUSTER_CA_PEM;
  const k3s = isK3s(scenario);

  const namespaces = [
    ...new Set([
      ...scenario.namespaces,
      ...scenario.pods.map((p) => p.namespace),
      ...scenario.services.map((s) => s.namespace),
      ...scenario.networkPolicies.map((n) => n.namespace),
      ...scenario.daemonSets.map((d) => d.namespace),
    ]),
  ];
  for (const ns of namespaces) store.create(RESOURCES.namespaces, namespaceObject(ns));

  for (const node of scenario.nodes) store.create(RESOURCES.nodes, nodeObject(scenario, node));

  for (const ns of namespaces) {
    store.create(RESOURCES.configmaps, configMap(ns, 'kube-root-ca.crt', { 'ca.crt': ca }));
  }
  store.create(
    RESOURCES.configmaps,
    configMap(
      'kube-system',
      'coredns',
      corefile(scenario),
      k3s ? { 'objectset.rio.cattle.io/hash': stableHex('coredns', 40) } : undefined,
    ),
  );

  // The cluster's own Services: the API server's and DNS.
  const nodePorts = new NodePortAllocator(scenario.services);
  const controlPlane = scenario.nodes.find((n) => n.role === 'control-plane') ?? scenario.nodes[0];
  const apiService = serviceObject(
    {
      namespace: 'default',
      name: 'kubernetes',
      type: 'ClusterIP',
      clusterIP: serviceNetworkAddress(scenario, 1),
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
    },
    nodePorts,
    { component: 'apiserver', provider: 'kubernetes' },
  );
  store.create(RESOURCES.services, apiService);
  if (controlPlane) {
    // Written by the API server's endpoint reconciler, not by the EndpointSlice controller.
    store.create(RESOURCES.endpointslices, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [stripPrefix(controlPlane.eth1)], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
  }
  const dnsLabels: Record<string, string> = {
    [CLUSTER_DNS_LABEL.key]: CLUSTER_DNS_LABEL.value,
    'kubernetes.io/cluster-service': 'true',
    'kubernetes.io/name': 'CoreDNS',
  };
  // Its endpoints are the scenario's CoreDNS pod(s), which the EndpointSlice controller finds.
  const dns = serviceObject(clusterDnsService(scenario), nodePorts, dnsLabels);
  dns.metadata.annotations = { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' };
  store.create(RESOURCES.services, dns);

  for (const svc of scenario.services)
    store.create(RESOURCES.services, serviceObject(svc, nodePorts));

  for (const np of scenario.networkPolicies) {
    const spec: Record<string, unknown> = {
      podSelector:
        Object.keys(np.podSelector).length > 0 ? { matchLabels: { ...np.podSelector } } : {},
      policyTypes: [...np.policyTypes],
    };
    if (np.ingress !== undefined) spec.ingress = structuredClone(np.ingress);
    if (np.egress !== undefined) spec.egress = structuredClone(np.egress);
    store.create(RESOURCES.networkpolicies, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: np.name, namespace: np.namespace },
      spec,
    });
  }

  // Workloads, so that the pods' owners exist and their uids can be referenced.
  const templates = new Map<string, WorkloadTemplate>();
  const owners = new Map<string, { apiVersion: string; kind: string; name: string; uid: string }>();
  for (const ds of scenario.daemonSets) {
    const tpl: WorkloadTemplate =
      ds.name === 'kube-flannel-ds'
        ? flannelTemplate(scenario)
        : { containerName: imageBaseName(ds.image), tolerations: [] };
    templates.set(`DaemonSet/${ds.namespace}/${ds.name}`, tpl);
    const container: Record<string, unknown> = { name: tpl.containerName, image: ds.image };
    if (tpl.command) container.command = tpl.command;
    if (tpl.args) container.args = tpl.args;
    container.resources = tpl.resources ?? {};
    if (tpl.securityContext) container.securityContext = tpl.securityContext;
    const templateSpec: Record<string, unknown> = {
      containers: [container],
      dnsPolicy: 'ClusterFirst',
      hostNetwork: ds.hostNetwork,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      tolerations: tpl.tolerations ?? [],
    };
    if (tpl.serviceAccountName) templateSpec.serviceAccountName = tpl.serviceAccountName;
    if (tpl.priorityClassName) templateSpec.priorityClassName = tpl.priorityClassName;
    const created = store.create(RESOURCES.daemonsets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: ds.name,
        namespace: ds.namespace,
        labels: { ...ds.labels },
        annotations: { 'deprecated.daemonset.template.generation': '1' },
      },
      spec: {
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: ds.labels.app ?? ds.name } },
        template: { metadata: { labels: { ...ds.labels } }, spec: templateSpec },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
        },
      },
      status: {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      },
    });
    owners.set(`DaemonSet/${ds.namespace}/${ds.name}`, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: ds.name,
      uid: created.metadata.uid ?? '',
    });
  }

  // Deployment + ReplicaSet for pods owned by a ReplicaSet (kubectl create deployment).
  const replicaSets = new Map<string, ScenarioPod[]>();
  for (const pod of scenario.pods) {
    if (pod.owner?.kind !== 'ReplicaSet') continue;
    const key = `${pod.namespace}/${pod.owner.name}`;
    replicaSets.set(key, [...(replicaSets.get(key) ?? []), pod]);
  }
  for (const [key, pods] of replicaSets) {
    const first = pods[0] as ScenarioPod;
    const [namespace, rsName] = key.split('/') as [string, string];
    const dash = rsName.lastIndexOf('-');
    const hash = dash > 0 ? rsName.slice(dash + 1) : '';
    const deployName = dash > 0 ? rsName.slice(0, dash) : rsName;
    const labels = { ...(first.labels ?? {}) };
    delete labels['pod-template-hash'];
    const tpl = isClusterDnsPod(first) ? corednsTemplate(scenario) : undefined;
    if (tpl) templates.set(`ReplicaSet/${key}`, tpl);
    const containerName = tpl?.containerName ?? imageBaseName(first.image);
    const podTemplateSpec = (withHash: boolean) => {
      const spec: Record<string, unknown> = {
        containers: [containerSpec(first, tpl, containerName)],
        dnsPolicy: first.dnsPolicy ?? 'ClusterFirst',
      };
      if (tpl?.affinity) spec.affinity = structuredClone(tpl.affinity);
      if (tpl?.nodeSelector) spec.nodeSelector = { ...tpl.nodeSelector };
      if (tpl?.priorityClassName) spec.priorityClassName = tpl.priorityClassName;
      spec.restartPolicy = 'Always';
      spec.schedulerName = 'default-scheduler';
      spec.securityContext = {};
      if (tpl?.serviceAccountName) spec.serviceAccountName = tpl.serviceAccountName;
      spec.terminationGracePeriodSeconds = 30;
      if (first.tolerations?.length) spec.tolerations = scenarioTolerations(first);
      if (tpl?.volumes) spec.volumes = structuredClone(tpl.volumes);
      return {
        metadata: {
          labels: withHash && hash ? { ...labels, 'pod-template-hash': hash } : { ...labels },
        },
        spec,
      };
    };
    const deploy = store.create(RESOURCES.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: deployName,
        namespace,
        labels: { ...labels },
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      },
      spec: {
        progressDeadlineSeconds: 600,
        replicas: pods.length,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { ...labels } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: tpl?.rollingUpdate
            ? { ...tpl.rollingUpdate }
            : { maxSurge: '25%', maxUnavailable: '25%' },
        },
        template: podTemplateSpec(false),
      },
      status: {},
    });
    const rs = store.create(RESOURCES.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace,
        labels: hash ? { ...labels, 'pod-template-hash': hash } : { ...labels },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(pods.length),
          'deployment.kubernetes.io/max-replicas': String(pods.length + Math.ceil(pods.length / 4)),
          'deployment.kubernetes.io/revision': '1',
        },
        ownerReferences: [controllerRef('apps/v1', 'Deployment', deployName, deploy.metadata.uid)],
      },
      spec: {
        replicas: pods.length,
        selector: { matchLabels: hash ? { ...labels, 'pod-template-hash': hash } : { ...labels } },
        template: podTemplateSpec(true),
      },
      status: { replicas: 0 },
    });
    owners.set(`ReplicaSet/${namespace}/${rsName}`, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: rsName,
      uid: rs.metadata.uid ?? '',
    });
  }

  for (const pod of scenario.pods) store.create(RESOURCES.pods, podObject(pod, templates, owners));
}

function podObject(
  pod: ScenarioPod,
  templates: Map<string, WorkloadTemplate>,
  owners: Map<string, { apiVersion: string; kind: string; name: string; uid: string }>,
): KubeObject {
  const ownerKey = pod.owner ? `${pod.owner.kind}/${pod.namespace}/${pod.owner.name}` : '';
  const owner = owners.get(ownerKey);
  const tpl = templates.get(ownerKey);
  const daemon = pod.owner?.kind === 'DaemonSet';
  // kubectl create deployment names the container after the image, kubectl run after the pod;
  // vendor images (ingress-nginx's controller) come from manifests that name it after the image.
  const vendored = parseImage(pod.image).domain !== 'docker.io';
  const containerName = tpl
    ? tpl.containerName
    : pod.owner?.kind === 'ReplicaSet' || vendored
      ? imageBaseName(pod.image)
      : pod.name;
  const labels: Record<string, string> = { ...(pod.labels ?? {}) };
  if (daemon) {
    labels['controller-revision-hash'] = safeHash(`${ownerKey}/rev1`, 10);
    labels['pod-template-generation'] = '1';
  }
  const access = apiAccessVolume();
  const container = containerSpec(pod, tpl, containerName);
  container.volumeMounts = [...(tpl?.volumeMounts ?? []).map((m) => ({ ...m })), access.mount];
  const spec: Record<string, unknown> = {
    containers: [container],
    dnsPolicy: pod.dnsPolicy ?? 'ClusterFirst',
    enableServiceLinks: true,
  };
  if (tpl?.affinity) spec.affinity = structuredClone(tpl.affinity);
  if (pod.hostNetwork) spec.hostNetwork = true;
  spec.nodeName = pod.node;
  if (tpl?.nodeSelector) spec.nodeSelector = { ...tpl.nodeSelector };
  spec.preemptionPolicy = 'PreemptLowerPriority';
  spec.priority = PRIORITIES[tpl?.priorityClassName ?? ''] ?? 0;
  if (tpl?.priorityClassName) spec.priorityClassName = tpl.priorityClassName;
  spec.restartPolicy = 'Always';
  spec.schedulerName = 'default-scheduler';
  spec.securityContext = {};
  spec.serviceAccount = tpl?.serviceAccountName ?? 'default';
  spec.serviceAccountName = tpl?.serviceAccountName ?? 'default';
  spec.terminationGracePeriodSeconds = 30;
  spec.tolerations =
    daemon && tpl
      ? daemonSetTolerations(tpl.tolerations ?? [])
      : withDefaultTolerations(scenarioTolerations(pod));
  spec.volumes = [...structuredClone(tpl?.volumes ?? []), access.volume];
  if (daemon) {
    // The DaemonSet controller pins each daemon pod to its node through node affinity.
    spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.node] }] },
          ],
        },
      },
    };
  }
  const metadata: KubeObject['metadata'] = { name: pod.name, namespace: pod.namespace, labels };
  if (pod.owner) metadata.generateName = `${pod.owner.name}-`;
  if (owner) {
    metadata.ownerReferences = [controllerRef(owner.apiVersion, owner.kind, owner.name, owner.uid)];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec,
    status: { phase: 'Pending', qosClass: tpl?.resources ? 'Burstable' : 'BestEffort' },
  };
}
