import { afterEach, describe, expect, it } from 'vitest';
import { createNullRuntime } from '../../runtime/null-runtime';
import { demoScenario } from '../../scenarios/demo';
import { k3sScenario } from '../../scenarios/k3s';
import { ObjectStore, type KubeObject } from '../store';
import { startControllers, type Controllers } from './index';
import type { Pod } from './kube';
import { DEFAULT_CLUSTER_CA_PEM, seedScenario } from './seed';
import { waitFor } from './testing';

type Json = Record<string, unknown>;
const spec = (o: KubeObject | undefined) => (o?.spec ?? {}) as Json;
const status = (o: KubeObject | undefined) => (o?.status ?? {}) as Json;

function seeded(scenario = demoScenario): ObjectStore {
  const store = new ObjectStore();
  seedScenario(store, scenario);
  return store;
}

describe('seeding the demo scenario', () => {
  it('writes nodes as a kubeadm cluster with flannel host-gw shows them', () => {
    const store = seeded();
    const cp = store.get('nodes', undefined, 'controlplane') as KubeObject;
    const n1 = store.get('nodes', undefined, 'node-1') as KubeObject;
    expect(cp.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'controlplane',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node-role.kubernetes.io/control-plane': '',
    });
    expect(n1.metadata.labels?.['node-role.kubernetes.io/control-plane']).toBeUndefined();
    expect(n1.metadata.annotations).toMatchObject({
      'flannel.alpha.coreos.com/backend-type': 'host-gw',
      'flannel.alpha.coreos.com/public-ip': '192.168.56.11',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/backend-data': 'null',
    });
    expect(spec(n1)).toMatchObject({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(spec(cp).taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
    expect(spec(n1).taints).toBeUndefined();
    expect(status(n1).addresses).toEqual([
      { type: 'InternalIP', address: '192.168.56.11' },
      { type: 'Hostname', address: 'node-1' },
    ]);
    expect(status(n1).conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'KubeletReady' }),
    );
    expect(status(n1).nodeInfo).toMatchObject({
      kubeletVersion: 'v1.30.2',
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\//),
      osImage: expect.any(String),
      kernelVersion: expect.any(String),
    });
    expect(status(n1).capacity).toMatchObject({ pods: '110' });
    expect(status(n1).allocatable).toMatchObject({ pods: '110' });
  });

  it('writes the Services with cluster IPs, policies and load balancer status', () => {
    const store = seeded();
    const slb = store.get('services', 'default', 'k8s-go-demo-slb') as KubeObject;
    expect(spec(slb)).toMatchObject({
      type: 'LoadBalancer',
      clusterIP: '10.96.38.1',
      clusterIPs: ['10.96.38.1'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Cluster',
      selector: { app: 'k8s-go-demo' },
      ports: [{ port: 38001, targetPort: 38001, nodePort: 31801, protocol: 'TCP' }],
    });
    expect(status(slb)).toEqual({
      loadBalancer: { ingress: [{ ip: '192.168.56.241', ipMode: 'VIP' }] },
    });
    const lb = store.get('services', 'kube-system', 'nginx-ingress-lb') as KubeObject;
    expect(spec(lb)).toMatchObject({
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: expect.any(Number),
    });
    const headless = store.get('services', 'default', 'k8s-go-demo-svc-headless') as KubeObject;
    expect(spec(headless)).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    expect(spec(headless).externalTrafficPolicy).toBeUndefined();
    const dns = store.get('services', 'kube-system', 'kube-dns') as KubeObject;
    expect(spec(dns)).toMatchObject({
      clusterIP: '10.96.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      // kubeadm's port names, which kube-proxy's chains and the EndpointSlice ports carry.
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    });
    expect(spec(store.get('services', 'default', 'kubernetes'))).toMatchObject({
      clusterIP: '10.96.0.1',
    });
  });

  it('writes the cluster ConfigMaps: a real Corefile and the root CA in every namespace', () => {
    const store = seeded();
    const coredns = store.get('configmaps', 'kube-system', 'coredns') as KubeObject;
    const corefile = (coredns.data as Record<string, string>).Corefile;
    expect(corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa {');
    expect(corefile).toContain('forward . /etc/resolv.conf');
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const ca = store.get('configmaps', ns, 'kube-root-ca.crt') as KubeObject;
      expect((ca.data as Record<string, string>)['ca.crt']).toBe(DEFAULT_CLUSTER_CA_PEM);
    }
    const withOwnCA = new ObjectStore();
    seedScenario(withOwnCA, demoScenario, { caCertPem: 'PEM' });
    expect(
      (withOwnCA.get('configmaps', 'default', 'kube-root-ca.crt')?.data as Json)['ca.crt'],
    ).toBe('PEM');
  });

  it('writes flannel as a DaemonSet without --ip-masq, and the demo Deployment and ReplicaSet', () => {
    const store = seeded();
    const ds = store.get('daemonsets.apps', 'kube-system', 'kube-flannel-ds') as KubeObject;
    const container = ((spec(ds).template as Json).spec as { containers: Json[] }).containers[0];
    expect(container).toMatchObject({
      name: 'kube-flannel',
      image: 'docker.io/flannel/flannel:v0.25.1',
    });
    expect(container?.args).toEqual(['--kube-subnet-mgr', '--iface=eth1']);
    const deploy = store.get('deployments.apps', 'default', 'k8s-go-demo-deploy') as KubeObject;
    const rs = store.get(
      'replicasets.apps',
      'default',
      'k8s-go-demo-deploy-66cdbcd8d9',
    ) as KubeObject;
    expect(spec(deploy)).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'k8s-go-demo' } },
    });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'k8s-go-demo-deploy',
      uid: deploy.metadata.uid,
    });
    const p = store.get('pods', 'default', 'k8s-go-demo-deploy-66cdbcd8d9-fxrql') as KubeObject;
    expect(p.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ReplicaSet',
      name: rs.metadata.name,
      uid: rs.metadata.uid,
      controller: true,
    });
    const flannelPod = store.get('pods', 'kube-system', 'kube-flannel-ds-m4q9d') as Pod;
    expect(flannelPod.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DaemonSet',
      uid: ds.metadata.uid,
    });
    expect(flannelPod.spec.hostNetwork).toBe(true);
    expect(flannelPod.spec.containers[0]?.args).toEqual(['--kube-subnet-mgr', '--iface=eth1']);
  });

  it('writes CoreDNS as kubeadm deploys it: Deployment, ReplicaSet and a pod kube-dns selects', () => {
    const store = seeded();
    const deploy = store.get('deployments.apps', 'kube-system', 'coredns') as KubeObject;
    const rs = store.get('replicasets.apps', 'kube-system', 'coredns-7db6d8ff4d') as KubeObject;
    const pod = store.get('pods', 'kube-system', 'coredns-7db6d8ff4d-4xk2p') as Pod;
    expect(deploy.metadata.labels).toEqual({ 'k8s-app': 'kube-dns' });
    expect(spec(deploy)).toMatchObject({
      replicas: 1,
      selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    });
    const template = (spec(deploy).template as { spec: Json }).spec;
    expect(template).toMatchObject({
      dnsPolicy: 'Default',
      priorityClassName: 'system-cluster-critical',
      serviceAccountName: 'coredns',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
      volumes: [
        {
          name: 'config-volume',
          configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] },
        },
      ],
    });
    expect((template.containers as Json[])[0]).toMatchObject({
      name: 'coredns',
      image: 'registry.k8s.io/coredns/coredns:v1.11.1',
      args: ['-conf', '/etc/coredns/Corefile'],
      ports: [
        { containerPort: 53, name: 'dns', protocol: 'UDP' },
        { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
        { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
      ],
      volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
    });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'coredns',
      uid: deploy.metadata.uid,
    });
    expect(spec(rs).selector).toEqual({
      matchLabels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '7db6d8ff4d' },
    });

    expect(pod.metadata.labels).toEqual({
      'k8s-app': 'kube-dns',
      'pod-template-hash': '7db6d8ff4d',
    });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ReplicaSet',
      name: 'coredns-7db6d8ff4d',
      uid: rs.metadata.uid,
    });
    // Placed on the tainted control plane, whose NoSchedule taint CoreDNS tolerates.
    expect(pod.spec).toMatchObject({
      nodeName: 'controlplane',
      dnsPolicy: 'Default',
      priority: 2000000000,
      priorityClassName: 'system-cluster-critical',
      serviceAccountName: 'coredns',
    });
    expect(pod.spec.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    const container = pod.spec.containers[0] as unknown as Json;
    expect(container).toMatchObject({ name: 'coredns', args: ['-conf', '/etc/coredns/Corefile'] });
    expect((container.volumeMounts as Json[]).map((m) => m.mountPath)).toEqual([
      '/etc/coredns',
      '/var/run/secrets/kubernetes.io/serviceaccount',
    ]);
    expect(pod.status?.qosClass).toBe('Burstable');
    // The other Deployments keep the plain kubectl create deployment shape.
    const demo = store.get('pods', 'default', 'k8s-go-demo-deploy-66cdbcd8d9-fxrql') as Pod;
    expect(demo.spec).toMatchObject({ dnsPolicy: 'ClusterFirst', priority: 0 });
    expect(demo.spec.tolerations?.map((t) => t.key)).toEqual([
      'node.kubernetes.io/not-ready',
      'node.kubernetes.io/unreachable',
    ]);
  });

  it('writes the pods bound to their nodes and Pending, with no trace of their fixed IPs', () => {
    const store = seeded();
    const pods = store.list('pods') as Pod[];
    expect(pods).toHaveLength(demoScenario.pods.length);
    for (const p of pods) {
      const want = demoScenario.pods.find((s) => s.name === p.metadata.name);
      expect(p.spec.nodeName).toBe(want?.node);
      expect(p.status?.phase).toBe('Pending');
      expect(p.status?.podIP).toBeUndefined();
    }
    // The scenario IP map lives in the controllers, not in annotations the API would show.
    expect(JSON.stringify(pods)).not.toContain('10.244.1.3');
    expect(store.get('pods', 'default', 'my-pod')?.spec).toMatchObject({ hostNetwork: true });
  });
});

describe('seeding NetworkPolicies', () => {
  it('writes them in their namespaces, creating namespaces the scenario only mentions there', () => {
    const store = new ObjectStore();
    seedScenario(store, {
      ...demoScenario,
      networkPolicies: [
        {
          namespace: 'secure',
          name: 'default-deny-ingress',
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [],
        },
        {
          namespace: 'secure',
          name: 'allow-web',
          podSelector: { app: 'db' },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: 'web' } } }],
              ports: [{ port: 5432, protocol: 'TCP' }],
            },
          ],
        },
      ],
    });
    expect(store.get('namespaces', undefined, 'secure')).toBeDefined();
    expect(store.get('configmaps', 'secure', 'kube-root-ca.crt')).toBeDefined();
    expect(
      store.get('networkpolicies.networking.k8s.io', 'secure', 'default-deny-ingress'),
    ).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [] },
    });
    expect(spec(store.get('networkpolicies.networking.k8s.io', 'secure', 'allow-web'))).toEqual({
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: 'web' } } }],
          ports: [{ port: 5432, protocol: 'TCP' }],
        },
      ],
    });
  });
});

describe('seeding the k3s scenario', () => {
  it('writes vxlan backend data, k3s roles and the k3s cluster DNS address', () => {
    const store = seeded(k3sScenario);
    const server = store.get('nodes', undefined, 'k3s-server') as KubeObject;
    expect(server.metadata.labels).toMatchObject({
      'node-role.kubernetes.io/control-plane': 'true',
      'node-role.kubernetes.io/master': 'true',
    });
    const data = JSON.parse(
      server.metadata.annotations?.['flannel.alpha.coreos.com/backend-data'] ?? '',
    );
    expect(data.VNI).toBe(1);
    expect(data.VtepMAC).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(server.metadata.annotations?.['flannel.alpha.coreos.com/backend-type']).toBe('vxlan');
    expect(spec(store.get('services', 'kube-system', 'kube-dns'))).toMatchObject({
      clusterIP: '10.43.0.10',
    });
    const coredns = store.get('configmaps', 'kube-system', 'coredns')?.data as Record<
      string,
      string
    >;
    expect(coredns.NodeHosts).toContain('192.168.1.12 k3s-agent-1');
    expect(status(server).nodeInfo).toMatchObject({ kubeletVersion: 'v1.30.2+k3s1' });
  });

  it('writes k3s CoreDNS on the server with the NodeHosts file and the master toleration', () => {
    const store = seeded(k3sScenario);
    const pod = store.get('pods', 'kube-system', 'coredns-6799fbcd5-9hqkz') as Pod;
    expect(pod.spec.nodeName).toBe('k3s-server');
    expect(pod.spec.containers[0]).toMatchObject({
      name: 'coredns',
      image: 'rancher/mirrored-coredns-coredns:1.10.1',
    });
    expect(pod.spec.tolerations?.map((t) => t.key)).toContain('node-role.kubernetes.io/master');
    const volumes = pod.spec.volumes as { name: string; configMap?: Json }[];
    expect(volumes.find((v) => v.name === 'config-volume')?.configMap).toMatchObject({
      name: 'coredns',
      items: [
        { key: 'Corefile', path: 'Corefile' },
        { key: 'NodeHosts', path: 'NodeHosts' },
      ],
    });
    expect(store.get('deployments.apps', 'kube-system', 'coredns')).toBeDefined();
  });
});

describe('a seeded cluster with its controllers', () => {
  let controllers: Controllers | undefined;
  afterEach(async () => {
    await controllers?.stop();
  });

  it('runs every scenario pod with its scenario IP and fills the Services endpoints', async () => {
    const store = seeded();
    controllers = startControllers({
      store,
      runtime: createNullRuntime(),
      scenario: demoScenario,
      timing: { stepDelayMs: 1 },
    });
    await waitFor(
      () => (store.list('pods') as Pod[]).every((p) => p.status?.phase === 'Running'),
      5000,
      'all Running',
    );
    for (const want of demoScenario.pods) {
      const p = store.get('pods', want.namespace, want.name) as Pod;
      const node = demoScenario.nodes.find((n) => n.name === want.node);
      const expected = want.hostNetwork ? node?.eth1.split('/')[0] : want.ip;
      expect(p.status?.podIP, `${want.namespace}/${want.name}`).toBe(expected);
    }
    await controllers.settled();
    const slices = store.list('endpointslices.discovery.k8s.io', 'default');
    const of = (svc: string) =>
      slices.find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
    expect(of('legacy-api')?.endpoints).toEqual([]);
    const demo = of('k8s-go-demo-svc')?.endpoints as { addresses: string[] }[];
    expect(demo.map((e) => e.addresses[0]).sort()).toEqual(['10.244.1.4', '10.244.2.4']);
    expect(of('k8s-go-demo-svc')?.ports).toEqual([{ name: 'http', port: 38001, protocol: 'TCP' }]);
    // kube-dns has its CoreDNS pod behind it, as in any real cluster.
    const dns = store
      .list('endpointslices.discovery.k8s.io', 'kube-system')
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns');
    expect(dns).toHaveLength(1);
    expect(dns[0]?.endpoints).toEqual([
      expect.objectContaining({
        addresses: ['10.244.0.2'],
        conditions: expect.objectContaining({ ready: true }),
        nodeName: 'controlplane',
        targetRef: expect.objectContaining({ kind: 'Pod', name: 'coredns-7db6d8ff4d-4xk2p' }),
      }),
    ]);
    expect(
      (dns[0]?.ports as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual([
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ]);
    await waitFor(
      () => status(store.get('deployments.apps', 'kube-system', 'coredns')).readyReplicas === 1,
      2000,
      'coredns ready',
    );
    await waitFor(
      () =>
        status(store.get('deployments.apps', 'default', 'k8s-go-demo-deploy')).readyReplicas === 2,
      2000,
      'deployment ready',
    );
    await waitFor(
      () =>
        status(store.get('daemonsets.apps', 'kube-system', 'kube-flannel-ds')).numberReady === 3,
      2000,
      'daemonset ready',
    );
    expect(
      status(store.get('daemonsets.apps', 'kube-system', 'kube-flannel-ds')).desiredNumberScheduled,
    ).toBe(3);
  });
});
