import { describe, expect, it } from 'vitest';
import type { KubeObject } from './store';
import { humanDuration, tableColumns, toTable } from './tables';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const ago = (seconds: number) =>
  new Date(NOW - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const opts = { includeObject: 'None' as const, resourceVersion: '1234' };

type Rows = { cells: unknown[]; object?: unknown; conditions?: unknown[] }[];
const rowsOf = (resource: string, objects: KubeObject[]) =>
  (toTable(resource, objects, opts, NOW).rows as Rows).map((r) => r.cells);
const shape = (resource: string) => tableColumns(resource).map((c) => [c.name, c.type, c.priority]);

/** Column names, types and priorities of kubernetes/pkg/printers/internalversion/printers.go. */
const realColumns: Record<string, [string, string, number][]> = {
  pods: [
    ['Name', 'string', 0],
    ['Ready', 'string', 0],
    ['Status', 'string', 0],
    ['Restarts', 'string', 0],
    ['Age', 'string', 0],
    ['IP', 'string', 1],
    ['Node', 'string', 1],
    ['Nominated Node', 'string', 1],
    ['Readiness Gates', 'string', 1],
  ],
  nodes: [
    ['Name', 'string', 0],
    ['Status', 'string', 0],
    ['Roles', 'string', 0],
    ['Age', 'string', 0],
    ['Version', 'string', 0],
    ['Internal-IP', 'string', 1],
    ['External-IP', 'string', 1],
    ['OS-Image', 'string', 1],
    ['Kernel-Version', 'string', 1],
    ['Container-Runtime', 'string', 1],
  ],
  services: [
    ['Name', 'string', 0],
    ['Type', 'string', 0],
    ['Cluster-IP', 'string', 0],
    ['External-IP', 'string', 0],
    ['Port(s)', 'string', 0],
    ['Age', 'string', 0],
    ['Selector', 'string', 1],
  ],
  'endpointslices.discovery.k8s.io': [
    ['Name', 'string', 0],
    ['AddressType', 'string', 0],
    ['Ports', 'string', 0],
    ['Endpoints', 'string', 0],
    ['Age', 'string', 0],
  ],
  namespaces: [
    ['Name', 'string', 0],
    ['Status', 'string', 0],
    ['Age', 'string', 0],
  ],
  configmaps: [
    ['Name', 'string', 0],
    ['Data', 'string', 0],
    ['Age', 'string', 0],
  ],
  'networkpolicies.networking.k8s.io': [
    ['Name', 'string', 0],
    ['Pod-Selector', 'string', 0],
    ['Age', 'string', 0],
  ],
  'daemonsets.apps': [
    ['Name', 'string', 0],
    ['Desired', 'integer', 0],
    ['Current', 'integer', 0],
    ['Ready', 'integer', 0],
    ['Up-to-date', 'integer', 0],
    ['Available', 'integer', 0],
    ['Node Selector', 'string', 0],
    ['Age', 'string', 0],
    ['Containers', 'string', 1],
    ['Images', 'string', 1],
    ['Selector', 'string', 1],
  ],
  'deployments.apps': [
    ['Name', 'string', 0],
    ['Ready', 'string', 0],
    ['Up-to-date', 'string', 0],
    ['Available', 'string', 0],
    ['Age', 'string', 0],
    ['Containers', 'string', 1],
    ['Images', 'string', 1],
    ['Selector', 'string', 1],
  ],
  'replicasets.apps': [
    ['Name', 'string', 0],
    ['Desired', 'integer', 0],
    ['Current', 'integer', 0],
    ['Ready', 'integer', 0],
    ['Age', 'string', 0],
    ['Containers', 'string', 1],
    ['Images', 'string', 1],
    ['Selector', 'string', 1],
  ],
  events: [
    ['Last Seen', 'string', 0],
    ['Type', 'string', 0],
    ['Reason', 'string', 0],
    ['Object', 'string', 0],
    ['Subobject', 'string', 1],
    ['Source', 'string', 1],
    ['Message', 'string', 0],
    ['First Seen', 'string', 1],
    ['Count', 'string', 1],
    ['Name', 'string', 1],
  ],
};

function pod(
  name: string,
  status: Record<string, unknown>,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: ago(330), uid: `uid-${name}` },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] },
    status,
    ...extra,
  };
}

const running = { running: { startedAt: ago(300) } };

describe('column definitions', () => {
  it.each(Object.keys(realColumns))('%s has the real printer columns', (resource) => {
    expect(shape(resource)).toEqual(realColumns[resource]);
  });

  it('marks Name as the name column and carries the API field documentation', () => {
    const [name, , , , age] = tableColumns('pods');
    expect(name).toMatchObject({
      format: 'name',
      description: expect.stringMatching(/^Name must be unique within a namespace/),
    });
    expect(age?.description).toMatch(/^CreationTimestamp is a timestamp/);
    expect(tableColumns('pods').find((c) => c.name === 'IP')?.description).toBe(
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
    );
    expect(tableColumns('nodes')[1]).toEqual({
      name: 'Status',
      type: 'string',
      format: '',
      description: 'The status of the node',
      priority: 0,
    });
  });

  it('answers the API server default table for resources without a printer', () => {
    expect(shape('leases.coordination.k8s.io')).toEqual([
      ['Name', 'string', 0],
      ['Created At', 'date', 0],
    ]);
    const lease: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1', creationTimestamp: ago(60) },
    };
    expect(rowsOf('leases.coordination.k8s.io', [lease])).toEqual([
      ['node-1', '2026-11-21T11:59:00Z'],
    ]);
  });
});

describe('pod rows', () => {
  const cs = (state: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    name: 'c',
    state,
    lastState: {},
    ready: 'running' in state,
    restartCount: 0,
    image: 'busybox',
    imageID: '',
    ...more,
  });

  it.each([
    ['unscheduled', { phase: 'Pending' }, 'Pending'],
    [
      'creating',
      { phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ContainerCreating' } })] },
      'ContainerCreating',
    ],
    [
      'running',
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [cs(running)],
      },
      'Running',
    ],
    [
      'completed',
      {
        phase: 'Succeeded',
        containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })],
      },
      'Completed',
    ],
    [
      'error',
      {
        phase: 'Failed',
        containerStatuses: [cs({ terminated: { exitCode: 1, reason: 'Error' } })],
      },
      'Error',
    ],
    [
      'cannot-run',
      {
        phase: 'Failed',
        containerStatuses: [cs({ terminated: { exitCode: 128, reason: 'ContainerCannotRun' } })],
      },
      'ContainerCannotRun',
    ],
    [
      'no-reason',
      { phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 2 } })] },
      'ExitCode:2',
    ],
    [
      'signal',
      { phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 137, signal: 9 } })] },
      'Signal:9',
    ],
    [
      'crashloop',
      { phase: 'Running', containerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } })] },
      'CrashLoopBackOff',
    ],
    [
      'config',
      {
        phase: 'Pending',
        containerStatuses: [cs({ waiting: { reason: 'CreateContainerConfigError' } })],
      },
      'CreateContainerConfigError',
    ],
    ['deadline', { phase: 'Failed', reason: 'DeadlineExceeded' }, 'DeadlineExceeded'],
  ])('%s pod shows STATUS as kubectl does', (name, status, want) => {
    expect(rowsOf('pods', [pod(name, status)])[0]?.[2]).toBe(want);
  });

  it('shows Terminating for a pod being deleted, and NotReady for a completed container beside a running one', () => {
    const deleting = pod('bye', { phase: 'Running', containerStatuses: [cs(running)] });
    deleting.metadata.deletionTimestamp = ago(1);
    expect(rowsOf('pods', [deleting])[0]?.[2]).toBe('Terminating');
    const twoContainers = pod(
      'sidecar',
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          cs(running),
          cs({ terminated: { exitCode: 0, reason: 'Completed' } }, { name: 'd', ready: false }),
        ],
      },
      { spec: { containers: [{ name: 'c' }, { name: 'd' }] } },
    );
    expect(rowsOf('pods', [twoContainers])[0]?.slice(1, 3)).toEqual(['1/2', 'NotReady']);
  });

  it('shows init container progress', () => {
    const init = pod(
      'init',
      {
        phase: 'Pending',
        initContainerStatuses: [cs({ waiting: { reason: 'PodInitializing' } }, { name: 'i' })],
      },
      { spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'c' }] } },
    );
    expect(rowsOf('pods', [init])[0]?.[2]).toBe('Init:0/1');
  });

  it('fills READY, RESTARTS with the last restart, AGE and the wide columns', () => {
    const p = pod('web-client', {
      phase: 'Running',
      podIP: '10.244.2.3',
      podIPs: [{ ip: '10.244.2.3' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        cs(running, {
          restartCount: 2,
          lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } },
        }),
      ],
    });
    expect(rowsOf('pods', [p])[0]).toEqual([
      'web-client',
      '1/1',
      'Running',
      '2 (90s ago)',
      '5m30s',
      '10.244.2.3',
      'node-1',
      '<none>',
      '<none>',
    ]);
    const pending = pod('p', { phase: 'Pending' }, { spec: { containers: [{ name: 'c' }] } });
    expect(rowsOf('pods', [pending])[0]).toEqual([
      'p',
      '0/1',
      'Pending',
      '0',
      '5m30s',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });

  it('marks terminal pods with the Completed row condition', () => {
    const table = toTable(
      'pods',
      [pod('done', { phase: 'Succeeded' }), pod('failed', { phase: 'Failed' })],
      opts,
      NOW,
    );
    const rows = table.rows as Rows;
    expect(rows[0]?.conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
    expect(rows[1]?.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ]);
  });
});

describe('other rows', () => {
  it('prints nodes with sorted roles, status and the wide columns', () => {
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'k3s-server',
        creationTimestamp: ago(3 * 86400 + 7200),
        labels: {
          'node-role.kubernetes.io/master': 'true',
          'node-role.kubernetes.io/control-plane': 'true',
        },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.11' }],
        nodeInfo: {
          kubeletVersion: 'v1.30.2+k3s1',
          osImage: 'Ubuntu 22.04.4 LTS',
          kernelVersion: '5.15.0',
          containerRuntimeVersion: 'containerd://1.7.17-k3s1',
        },
      },
    };
    expect(rowsOf('nodes', [node])).toEqual([
      [
        'k3s-server',
        'Ready,SchedulingDisabled',
        'control-plane,master',
        '3d2h',
        'v1.30.2+k3s1',
        '192.168.1.11',
        '<none>',
        'Ubuntu 22.04.4 LTS',
        '5.15.0',
        'containerd://1.7.17-k3s1',
      ],
    ]);
  });

  it('prints Services: LoadBalancer ingress, pending LB, node ports, headless and selector', () => {
    const svc = (
      name: string,
      spec: Record<string, unknown>,
      status: Record<string, unknown> = {},
    ): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', creationTimestamp: ago(7200) },
      spec,
      status,
    });
    expect(
      rowsOf('services', [
        svc(
          'k8s-go-demo-slb',
          {
            type: 'LoadBalancer',
            clusterIPs: ['10.96.38.1'],
            ports: [{ port: 38001, nodePort: 31801, protocol: 'TCP' }],
            selector: { app: 'k8s-go-demo' },
          },
          { loadBalancer: { ingress: [{ ip: '192.168.56.241' }] } },
        ),
        svc('pending', {
          type: 'LoadBalancer',
          clusterIPs: ['10.96.0.50'],
          ports: [{ port: 80, nodePort: 30001, protocol: 'TCP' }],
        }),
        svc('headless', {
          type: 'ClusterIP',
          clusterIPs: ['None'],
          ports: [
            { port: 80, protocol: 'TCP' },
            { port: 53, protocol: 'UDP' },
          ],
          selector: { b: '2', a: '1' },
        }),
      ]),
    ).toEqual([
      [
        'k8s-go-demo-slb',
        'LoadBalancer',
        '10.96.38.1',
        '192.168.56.241',
        '38001:31801/TCP',
        '120m',
        'app=k8s-go-demo',
      ],
      ['pending', 'LoadBalancer', '10.96.0.50', '<pending>', '80:30001/TCP', '120m', '<none>'],
      ['headless', 'ClusterIP', 'None', '<none>', '80/TCP,53/UDP', '120m', 'a=1,b=2'],
    ]);
  });

  it('prints EndpointSlices with <unset> when empty and "+ N more..." past three', () => {
    const slice = (name: string, endpoints: unknown[], ports: unknown[]): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace: 'default', creationTimestamp: ago(10) },
      addressType: 'IPv4',
      endpoints,
      ports,
    });
    const ep = (ip: string) => ({ addresses: [ip] });
    expect(
      rowsOf('endpointslices.discovery.k8s.io', [
        slice('legacy-api-x7k2p', [], []),
        slice('many-abcde', ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map(ep), [
          { port: 80 },
          { name: 'dns' },
          {},
        ]),
      ]),
    ).toEqual([
      ['legacy-api-x7k2p', 'IPv4', '<unset>', '<unset>', '10s'],
      ['many-abcde', 'IPv4', '80,dns,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '10s'],
    ]);
  });

  it('prints workloads, namespaces, ConfigMaps, NetworkPolicies and events', () => {
    const template = {
      spec: { containers: [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.1' }] },
    };
    const meta = (name: string) => ({
      name,
      namespace: 'kube-system',
      creationTimestamp: ago(600),
    });
    expect(
      rowsOf('daemonsets.apps', [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: meta('kube-flannel-ds'),
          spec: { selector: { matchLabels: { app: 'flannel' } }, template },
          status: {
            desiredNumberScheduled: 3,
            currentNumberScheduled: 3,
            numberReady: 2,
            updatedNumberScheduled: 3,
            numberAvailable: 2,
          },
        },
      ]),
    ).toEqual([
      [
        'kube-flannel-ds',
        3,
        3,
        2,
        3,
        2,
        '<none>',
        '10m',
        'kube-flannel',
        'docker.io/flannel/flannel:v0.25.1',
        'app=flannel',
      ],
    ]);
    expect(
      rowsOf('deployments.apps', [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: meta('d'),
          spec: {
            replicas: 2,
            selector: {
              matchLabels: { app: 'x' },
              matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }],
            },
            template,
          },
          status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
        },
      ]),
    ).toEqual([
      [
        'd',
        '1/2',
        2,
        1,
        '10m',
        'kube-flannel',
        'docker.io/flannel/flannel:v0.25.1',
        'app=x,tier in (api,web)',
      ],
    ]);
    expect(
      rowsOf('replicasets.apps', [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: meta('rs'),
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'x', 'pod-template-hash': 'h' } },
            template,
          },
          status: { replicas: 2, readyReplicas: 0 },
        },
      ]),
    ).toEqual([
      [
        'rs',
        2,
        2,
        0,
        '10m',
        'kube-flannel',
        'docker.io/flannel/flannel:v0.25.1',
        'app=x,pod-template-hash=h',
      ],
    ]);
    expect(
      rowsOf('namespaces', [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'default', creationTimestamp: ago(600) },
          status: { phase: 'Active' },
        },
      ]),
    ).toEqual([['default', 'Active', '10m']]);
    expect(
      rowsOf('configmaps', [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: meta('coredns'),
          data: { Corefile: '.:53 {}', NodeHosts: '' },
        },
      ]),
    ).toEqual([['coredns', 2, '10m']]);
    expect(
      rowsOf('networkpolicies.networking.k8s.io', [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: meta('default-deny'),
          spec: { podSelector: {} },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: meta('db'),
          spec: { podSelector: { matchLabels: { app: 'db' } } },
        },
      ]),
    ).toEqual([
      ['default-deny', '<none>', '10m'],
      ['db', 'app=db', '10m'],
    ]);
    expect(
      rowsOf('events', [
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'web-client.17a', namespace: 'default' },
          involvedObject: {
            kind: 'Pod',
            name: 'web-client',
            fieldPath: 'spec.containers{web-client}',
          },
          reason: 'Started',
          message: 'Started container web-client\n',
          source: { component: 'kubelet', host: 'node-2' },
          firstTimestamp: ago(120),
          lastTimestamp: ago(60),
          count: 1,
          type: 'Normal',
        },
      ]),
    ).toEqual([
      [
        '60s',
        'Normal',
        'Started',
        'pod/web-client',
        'spec.containers{web-client}',
        'kubelet, node-2',
        'Started container web-client',
        '2m',
        1,
        'web-client.17a',
      ],
    ]);
  });
});

describe('table envelope', () => {
  const p = pod('x', { phase: 'Pending' });

  it('carries resourceVersion, continue and remainingItemCount', () => {
    const table = toTable(
      'pods',
      [p],
      { includeObject: 'None', resourceVersion: '42', continueToken: 'abc', remainingItemCount: 7 },
      NOW,
    );
    expect(table).toMatchObject({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '42', continue: 'abc', remainingItemCount: 7 },
    });
    expect(toTable('pods', [], opts, NOW).metadata).toEqual({ resourceVersion: '1234' });
  });

  it('includes no object, PartialObjectMetadata or the whole object per includeObject', () => {
    const none = toTable('pods', [p], { ...opts, includeObject: 'None' }, NOW).rows as Rows;
    expect(none[0]).not.toHaveProperty('object');
    const meta = toTable('pods', [p], { ...opts, includeObject: 'Metadata' }, NOW).rows as Rows;
    expect(meta[0]?.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: p.metadata,
    });
    const full = toTable('pods', [p], { ...opts, includeObject: 'Object' }, NOW).rows as Rows;
    expect(full[0]?.object).toEqual(p);
    expect(full[0]?.object).not.toBe(p);
  });
});

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [-1500, '0s'],
    [-5000, '<invalid>'],
    [119_000, '119s'],
    [120_000, '2m'],
    [330_000, '5m30s'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3600_000, '3h'],
    [7 * 3600_000 + 59 * 60_000, '7h59m'],
    [47 * 3600_000, '47h'],
    [3 * 86400_000 + 2 * 3600_000, '3d2h'],
    [8 * 86400_000, '8d'],
    [(2 * 365 + 3) * 86400_000, '2y3d'],
    [9 * 365 * 86400_000, '9y'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
