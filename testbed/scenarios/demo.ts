import type { Scenario, ScenarioContainerPort, ScenarioPod } from './types';

const nodes = [
  { name: 'controlplane', octet: 10, index: 0, role: 'control-plane' as const },
  { name: 'node-1', octet: 11, index: 1, role: 'worker' as const },
  { name: 'node-2', octet: 12, index: 2, role: 'worker' as const },
];

/** Flannel runs as a hostNetwork DaemonSet pod on every node (suffixes picked). */
const flannelPods: ScenarioPod[] = nodes.map((n, i) => ({
  namespace: 'kube-system',
  name: `kube-flannel-ds-${['x7k2p', 'm4q9d', 'b8r5t'][i]}`,
  node: n.name,
  hostNetwork: true,
  labels: { app: 'flannel', tier: 'node' },
  image: 'docker.io/flannel/flannel:v0.25.1',
  owner: { kind: 'DaemonSet', name: 'kube-flannel-ds' },
}));

/** CoreDNS's container ports, as in kubeadm's and k3s's manifests. */
export const corednsPorts: ScenarioContainerPort[] = [
  { containerPort: 53, name: 'dns', protocol: 'UDP' },
  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
  { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
];

/**
 * Cluster `demo` of shared/scenarios.md: flannel host-gw on one L2 segment, a router `gw`
 * leading to legacy-db, and the pods and Services of scenarios S1 to S6.
 */
export const demoScenario: Scenario = {
  name: 'demo',
  kubernetesVersion: 'v1.30.2',
  cni: { plugin: 'flannel', backend: 'host-gw' },
  nodeInterface: 'eth1',
  podNetwork: '10.244.0.0/16',
  serviceNetwork: '10.96.0.0/12',
  segments: [
    { name: 'nodes', cidr: '192.168.56.0/24' },
    { name: 'legacy', cidr: '192.168.2.0/24' },
  ],
  nodes: nodes.map((n) => ({
    name: n.name,
    role: n.role,
    segment: 'nodes',
    eth1: `192.168.56.${n.octet}/24`,
    podCIDR: `10.244.${n.index}.0/24`,
    cni0: `10.244.${n.index}.1/24`,
    routes: [{ to: '192.168.2.0/24', via: '192.168.56.1' }],
    taints:
      n.role === 'control-plane'
        ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }]
        : [],
  })),
  hosts: [
    {
      name: 'gw',
      kind: 'router',
      legs: [
        { segment: 'nodes', address: '192.168.56.1/24' },
        { segment: 'legacy', address: '192.168.2.1/24' },
      ],
      // Deliberately no route back to 10.244.0.0/16 (article 001).
    },
    {
      name: 'legacy-db',
      kind: 'host',
      legs: [{ segment: 'legacy', address: '192.168.2.10/24' }],
      routes: [{ to: 'default', via: '192.168.2.1' }],
      listen: [5432],
    },
  ],
  namespaces: ['default', 'kube-system', 'kube-public', 'kube-node-lease'],
  pods: [
    {
      namespace: 'default',
      name: 'nginx',
      node: 'node-1',
      ip: '10.244.1.2',
      labels: { run: 'nginx' },
      image: 'nginx',
      ports: [{ containerPort: 80 }],
    },
    {
      namespace: 'default',
      name: 'httpd',
      node: 'node-1',
      ip: '10.244.1.3',
      labels: { run: 'httpd' },
      image: 'httpd',
      ports: [{ containerPort: 80 }],
    },
    {
      namespace: 'default',
      name: 'k8s-go-demo-deploy-66cdbcd8d9-fxrql',
      node: 'node-1',
      ip: '10.244.1.4',
      labels: { app: 'k8s-go-demo', 'pod-template-hash': '66cdbcd8d9' },
      image: 'k8s-go-demo:latest',
      ports: [{ containerPort: 38001, name: 'http' }],
      owner: { kind: 'ReplicaSet', name: 'k8s-go-demo-deploy-66cdbcd8d9' },
    },
    {
      namespace: 'default',
      name: 'k8s-go-demo-deploy-66cdbcd8d9-x88b8',
      node: 'node-2',
      ip: '10.244.2.4',
      labels: { app: 'k8s-go-demo', 'pod-template-hash': '66cdbcd8d9' },
      image: 'k8s-go-demo:latest',
      ports: [{ containerPort: 38001, name: 'http' }],
      owner: { kind: 'ReplicaSet', name: 'k8s-go-demo-deploy-66cdbcd8d9' },
    },
    {
      namespace: 'default',
      name: 'web-client',
      node: 'node-2',
      ip: '10.244.2.3',
      labels: { run: 'web-client', app: 'legacy-client' },
      image: 'busybox',
      command: ['sleep', '3600000'],
    },
    {
      namespace: 'kube-system',
      name: 'nginx-ingress-controller-7d9fb',
      node: 'node-1',
      ip: '10.244.1.5',
      labels: { app: 'nginx-ingress' },
      image: 'registry.k8s.io/ingress-nginx/controller:v1.10.1',
      ports: [{ containerPort: 80, name: 'http' }],
    },
    {
      namespace: 'default',
      name: 'my-pod',
      node: 'node-2',
      hostNetwork: true,
      labels: { run: 'my-pod' },
      image: 'my-image',
      command: ['sleep', '3600000'],
    },
    ...flannelPods,
    // kubeadm's CoreDNS (one replica, picked), behind the kube-dns Service the emulator seeds.
    // The lab runs its cluster DNS server in this pod's network namespace.
    {
      namespace: 'kube-system',
      name: 'coredns-7db6d8ff4d-4xk2p',
      node: 'controlplane',
      ip: '10.244.0.2',
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7db6d8ff4d' },
      image: 'registry.k8s.io/coredns/coredns:v1.11.1',
      ports: corednsPorts,
      owner: { kind: 'ReplicaSet', name: 'coredns-7db6d8ff4d' },
      dnsPolicy: 'Default',
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
    },
  ],
  services: [
    {
      namespace: 'default',
      name: 'httpd',
      type: 'ClusterIP',
      clusterIP: '10.96.100.10',
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
      selector: { run: 'httpd' },
    },
    {
      namespace: 'default',
      name: 'k8s-go-demo-svc',
      type: 'ClusterIP',
      clusterIP: '10.96.212.203',
      ports: [{ name: 'http', port: 80, targetPort: 38001, protocol: 'TCP' }],
      selector: { app: 'k8s-go-demo' },
    },
    {
      namespace: 'default',
      name: 'k8s-go-demo-svc-headless',
      type: 'ClusterIP',
      clusterIP: 'None',
      ports: [{ name: 'http', port: 80, targetPort: 38001, protocol: 'TCP' }],
      selector: { app: 'k8s-go-demo' },
    },
    {
      namespace: 'default',
      name: 'k8s-go-demo-slb',
      type: 'LoadBalancer',
      clusterIP: '10.96.38.1',
      ports: [{ port: 38001, targetPort: 38001, nodePort: 31801, protocol: 'TCP' }],
      selector: { app: 'k8s-go-demo' },
      loadBalancerIngress: ['192.168.56.241'],
      externalTrafficPolicy: 'Cluster',
    },
    {
      namespace: 'kube-system',
      name: 'nginx-ingress-lb',
      type: 'LoadBalancer',
      clusterIP: '10.96.50.5',
      ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: 30080, protocol: 'TCP' }],
      selector: { app: 'nginx-ingress' },
      loadBalancerIngress: ['192.168.56.240'],
      externalTrafficPolicy: 'Local',
    },
    {
      namespace: 'default',
      name: 'legacy-api',
      type: 'ClusterIP',
      clusterIP: '10.96.77.7',
      ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }],
      selector: { app: 'legacy-api' },
    },
  ],
  networkPolicies: [],
  daemonSets: [
    {
      namespace: 'kube-system',
      name: 'kube-flannel-ds',
      labels: { app: 'flannel', tier: 'node' },
      image: 'docker.io/flannel/flannel:v0.25.1',
      hostNetwork: true,
    },
  ],
  defects: { noHairpin: true, hostNetworkExternalIPNotCaptured: true, noPodEgressMasquerade: true },
};
