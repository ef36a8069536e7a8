/**
 * Cluster `demo` of shared/scenarios.md as the inventory reports it, written out by hand so the
 * graph tests do not depend on the emulator (the product never imports testbed/).
 */
import type {
  InventoryEndpointSlice,
  InventoryNode,
  InventoryPod,
  InventoryService,
  InventorySnapshot,
} from '@/lib/inventory/types';

function node(name: string, octet: number, index: number, controlPlane = false): InventoryNode {
  return {
    name,
    internalIP: `192.168.56.${octet}`,
    externalIP: null,
    podCIDRs: [`10.244.${index}.0/24`],
    ready: true,
    labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    taints: controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : [],
    cni: { plugin: 'flannel', backend: 'host-gw', publicIP: `192.168.56.${octet}`, tunnelIP: null },
  };
}

function pod(
  namespace: string,
  name: string,
  nodeName: string,
  ip: string,
  labels: Record<string, string>,
  hostNetwork = false,
): InventoryPod {
  return {
    namespace,
    name,
    uid: `uid-${name}`,
    ip,
    ips: [ip],
    nodeName,
    hostNetwork,
    labels,
    phase: 'Running',
    ready: true,
    ports: [],
    owner: null,
    isProbe: false,
  };
}

function service(
  namespace: string,
  name: string,
  clusterIP: string | null,
  port: number,
  targetPort: number,
  selector: Record<string, string>,
  extra: Partial<InventoryService> = {},
): InventoryService {
  return {
    namespace,
    name,
    type: 'ClusterIP',
    clusterIP,
    headless: clusterIP === null,
    ports: [{ name: null, port, targetPort, nodePort: null, protocol: 'TCP' }],
    selector,
    loadBalancerIngress: [],
    externalIPs: [],
    externalTrafficPolicy: null,
    internalTrafficPolicy: 'Cluster',
    ...extra,
  };
}

function slice(namespace: string, serviceName: string, pods: [string, string, string][]): InventoryEndpointSlice {
  return {
    namespace,
    name: `${serviceName}-abcde`,
    serviceName,
    addressType: 'IPv4',
    endpoints: pods.map(([podName, ip, nodeName]) => ({
      addresses: [ip],
      ready: true,
      serving: true,
      terminating: false,
      nodeName,
      targetRef: { kind: 'Pod', namespace, name: podName },
    })),
    ports: [{ name: null, port: 80, protocol: 'TCP' }],
  };
}

const goA = 'k8s-go-demo-deploy-66cdbcd8d9-fxrql';
const goB = 'k8s-go-demo-deploy-66cdbcd8d9-x88b8';
const go = { app: 'k8s-go-demo' };

export function demoSnapshot(): InventorySnapshot {
  return {
    cluster: 'demo',
    revision: 42,
    nodes: [node('node-2', 12, 2), node('controlplane', 10, 0, true), node('node-1', 11, 1)],
    pods: [
      pod('default', 'nginx', 'node-1', '10.244.1.2', { run: 'nginx' }),
      pod('default', 'httpd', 'node-1', '10.244.1.3', { run: 'httpd' }),
      pod('default', goA, 'node-1', '10.244.1.4', go),
      pod('default', goB, 'node-2', '10.244.2.4', go),
      pod('default', 'web-client', 'node-2', '10.244.2.3', { run: 'web-client' }),
      pod('kube-system', 'nginx-ingress-controller-7d9fb', 'node-1', '10.244.1.5', { app: 'nginx-ingress' }),
      pod('default', 'my-pod', 'node-2', '192.168.56.12', { run: 'my-pod' }, true),
      pod('kube-system', 'kube-flannel-ds-x7k2p', 'controlplane', '192.168.56.10', { app: 'flannel' }, true),
      pod('kube-system', 'kube-flannel-ds-m4q9d', 'node-1', '192.168.56.11', { app: 'flannel' }, true),
      pod('kube-system', 'kube-flannel-ds-b8r5t', 'node-2', '192.168.56.12', { app: 'flannel' }, true),
    ],
    services: [
      service('default', 'httpd', '10.96.100.10', 80, 80, { run: 'httpd' }),
      service('default', 'k8s-go-demo-svc', '10.96.212.203', 80, 38001, go),
      service('default', 'k8s-go-demo-svc-headless', null, 80, 38001, go),
      service('default', 'k8s-go-demo-slb', '10.96.38.1', 38001, 38001, go, {
        type: 'LoadBalancer',
        loadBalancerIngress: ['192.168.56.241'],
        externalTrafficPolicy: 'Cluster',
      }),
      service('kube-system', 'nginx-ingress-lb', '10.96.50.5', 80, 80, { app: 'nginx-ingress' }, {
        type: 'LoadBalancer',
        loadBalancerIngress: ['192.168.56.240'],
        externalTrafficPolicy: 'Local',
      }),
      service('default', 'legacy-api', '10.96.77.7', 8080, 8080, { app: 'legacy-api' }),
    ],
    endpointSlices: [
      slice('default', 'httpd', [['httpd', '10.244.1.3', 'node-1']]),
      slice('default', 'k8s-go-demo-svc', [
        [goA, '10.244.1.4', 'node-1'],
        [goB, '10.244.2.4', 'node-2'],
      ]),
      slice('kube-system', 'nginx-ingress-lb', [['nginx-ingress-controller-7d9fb', '10.244.1.5', 'node-1']]),
      { ...slice('default', 'legacy-api', []), name: 'legacy-api-empty' },
    ],
    networkPolicies: [],
    daemonSets: [],
    cni: { plugin: 'flannel', backend: 'host-gw', evidence: ['node annotations'] },
  };
}
