import { corednsPorts } from './demo';
import type { Scenario } from './types';

const nodes = [
  { name: 'k3s-server', octet: 11, index: 0, role: 'control-plane' as const },
  { name: 'k3s-agent-1', octet: 12, index: 1, role: 'worker' as const },
  { name: 'k3s-agent-2', octet: 13, index: 2, role: 'worker' as const },
];

/**
 * Cluster `k3s` of shared/scenarios.md (article 001): flannel vxlan, whose flannel.1 device the
 * lab emulates at layer 3 with veth. Node and pod names are picked; addresses are the article's.
 */
export const k3sScenario: Scenario = {
  name: 'k3s',
  kubernetesVersion: 'v1.30.2+k3s1',
  cni: { plugin: 'flannel', backend: 'vxlan' },
  nodeInterface: 'eth0',
  podNetwork: '10.42.0.0/16',
  serviceNetwork: '10.43.0.0/16',
  segments: [
    { name: 'nodes', cidr: '192.168.1.0/24' },
    { name: 'office', cidr: '192.168.2.0/24' },
  ],
  nodes: nodes.map((n) => ({
    name: n.name,
    role: n.role,
    segment: 'nodes',
    eth1: `192.168.1.${n.octet}/24`,
    podCIDR: `10.42.${n.index}.0/24`,
    cni0: `10.42.${n.index}.1/24`,
    routes: [{ to: '192.168.2.0/24', via: '192.168.1.1' }],
  })),
  hosts: [
    {
      name: 'router',
      kind: 'router',
      legs: [
        { segment: 'nodes', address: '192.168.1.1/24' },
        { segment: 'office', address: '192.168.2.1/24' },
      ],
    },
    {
      name: 'office-host',
      kind: 'host',
      legs: [{ segment: 'office', address: '192.168.2.10/24' }],
      routes: [{ to: 'default', via: '192.168.2.1' }],
      listen: [80],
    },
  ],
  namespaces: ['default', 'kube-system', 'kube-public', 'kube-node-lease'],
  pods: [
    {
      namespace: 'default',
      name: 'web',
      node: 'k3s-agent-1',
      ip: '10.42.1.5',
      labels: { app: 'web' },
      image: 'nginx',
      ports: [{ containerPort: 80 }],
    },
    {
      namespace: 'default',
      name: 'client',
      node: 'k3s-agent-2',
      ip: '10.42.2.7',
      labels: { app: 'client' },
      image: 'busybox',
      command: ['sleep', '3600000'],
    },
    // k3s's bundled CoreDNS (replica set hash and pod suffix picked), behind kube-dns. The lab
    // runs its cluster DNS server in this pod's network namespace.
    {
      namespace: 'kube-system',
      name: 'coredns-6799fbcd5-9hqkz',
      node: 'k3s-server',
      ip: '10.42.0.2',
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '6799fbcd5' },
      image: 'rancher/mirrored-coredns-coredns:1.10.1',
      ports: corednsPorts,
      owner: { kind: 'ReplicaSet', name: 'coredns-6799fbcd5' },
      dnsPolicy: 'Default',
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
      ],
    },
  ],
  services: [
    {
      namespace: 'default',
      name: 'web',
      type: 'ClusterIP',
      clusterIP: '10.43.20.80',
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
      selector: { app: 'web' },
    },
  ],
  networkPolicies: [],
  daemonSets: [],
  defects: { noHairpin: true, hostNetworkExternalIPNotCaptured: true, noPodEgressMasquerade: true },
};
