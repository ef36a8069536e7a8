/**
 * Test support: the traces of shared/scenarios.md (S1..S6 on cluster demo, the cross-node and
 * S5 traces on cluster k3s) plus the neighbouring cases that tell them apart, as endpoint
 * references. The topology and path goldens are written for these.
 */
import type { FixtureCluster } from './load';

export interface TraceCase {
  name: string;
  cluster: FixtureCluster;
  from: string;
  to: string;
  /** What shared/scenarios.md says the trace must show. */
  expect: string;
}

/** PODPATH_KNOWN_HOSTS of each lab cluster: its routers and outside hosts (testbed/scenarios). */
export const KNOWN_HOSTS: Record<FixtureCluster, string> = {
  demo: '192.168.56.1=gw:router,192.168.2.10=legacy-db:host',
  k3s: '192.168.1.1=router:router,192.168.2.10=office-host:host',
};

export const TRACE_CASES: TraceCase[] = [
  {
    name: 's1',
    cluster: 'demo',
    from: 'pod:default/web-client',
    to: 'pod:default/httpd',
    expect: 'pod, cni0 node-2, eth1 node-2, eth1 node-1, cni0 node-1, pod; all green',
  },
  {
    name: 's1b',
    cluster: 'demo',
    from: 'pod:default/nginx',
    to: 'pod:default/httpd',
    expect: 'pod, cni0, pod: traffic never leaves node-1',
  },
  {
    name: 's2',
    cluster: 'demo',
    from: 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql',
    to: 'service:default/k8s-go-demo-svc:80',
    expect: 'intermittent with the success ratio; the Service hop marked hairpin',
  },
  {
    name: 's2-headless',
    cluster: 'demo',
    from: 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql',
    to: 'service:default/k8s-go-demo-svc-headless',
    expect: 'the headless name always works: straight to the other pod, no Service hop',
  },
  {
    name: 's3',
    cluster: 'demo',
    from: 'pod:default/web-client',
    to: 'ip:192.168.56.240:80',
    expect: 'LoadBalancer hop (Local policy) broken from node-2; the endpoint itself reachable',
  },
  {
    name: 's3-from-node-1',
    cluster: 'demo',
    from: 'pod:default/nginx',
    to: 'ip:192.168.56.240:80',
    expect: 'from a pod on node-1 (which has the endpoint) it works',
  },
  {
    name: 's4',
    cluster: 'demo',
    from: 'pod:default/my-pod',
    to: 'ip:192.168.56.241:38001',
    expect: 'hostNetwork source to the LoadBalancer IP: the LoadBalancer hop broken',
  },
  {
    name: 's4-from-pod',
    cluster: 'demo',
    from: 'pod:default/web-client',
    to: 'ip:192.168.56.241:38001',
    expect: 'a normal pod on node-2 reaches it',
  },
  {
    name: 's5',
    cluster: 'demo',
    from: 'pod:default/web-client',
    to: 'ip:192.168.2.10',
    expect: '10.244.2.1 then only stars: break on the link leaving node-2',
  },
  {
    name: 's5-from-node',
    cluster: 'demo',
    from: 'node:node-2',
    to: 'ip:192.168.2.10',
    expect: "node-2's own trace reaches legacy-db via 192.168.56.1 (the evidence for S5)",
  },
  {
    name: 's6',
    cluster: 'demo',
    from: 'pod:default/web-client',
    to: 'service:default/legacy-api:8080',
    expect: 'no endpoints on the Service hop',
  },
  {
    name: 'node-to-pod',
    cluster: 'demo',
    from: 'node:node-2',
    to: 'pod:default/httpd',
    expect: 'starts at node:node-2, then node-2/eth1',
  },
  {
    name: 'pod-to-node',
    cluster: 'demo',
    from: 'pod:default/web-client',
    to: 'node:node-1',
    expect: 'over the node network to node-1',
  },
  {
    name: 'k3s-cross-node',
    cluster: 'k3s',
    from: 'pod:default/client',
    to: 'pod:default/web',
    expect: '10.42.2.1 (cni0), 10.42.1.0 (flannel.1 of the target node), the pod',
  },
  {
    name: 'k3s-s5',
    cluster: 'k3s',
    from: 'pod:default/client',
    to: 'ip:192.168.2.10',
    expect: '10.42.2.1 then only stars: break on the link leaving k3s-agent-2',
  },
  {
    name: 'k3s-node-to-pod',
    cluster: 'k3s',
    from: 'node:k3s-agent-2',
    to: 'pod:default/web',
    expect: 'from the host network straight into flannel.1',
  },
  {
    name: 'k3s-service',
    cluster: 'k3s',
    from: 'pod:default/client',
    to: 'service:default/web:80',
    expect: 'virtual Service hop on k3s-agent-2, then vxlan to the pod',
  },
];
