import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore, type KubeObject } from '../store';
import {
  desiredEndpointSlices,
  reconcileServiceSlices,
  resolveTargetPort,
  startEndpointSliceController,
  type EndpointSliceController,
} from './endpointslices';
import type { Pod, ServiceObject } from './kube';
import { waitFor } from './testing';

function service(name: string, spec: Partial<ServiceObject['spec']>): ServiceObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { type: 'ClusterIP', clusterIP: '10.96.1.1', ...spec },
  };
}

function pod(
  name: string,
  opts: {
    labels: Record<string, string>;
    ip?: string;
    ready?: boolean;
    node?: string;
    ports?: { name?: string; containerPort: number }[];
    phase?: 'Running' | 'Succeeded' | 'Failed' | 'Pending';
  },
): Pod {
  const ready = opts.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: opts.labels },
    spec: {
      nodeName: opts.node ?? 'node-1',
      containers: [{ name: 'c', image: 'x', ports: opts.ports }],
    },
    status: {
      phase: opts.phase ?? 'Running',
      ...(opts.ip ? { podIP: opts.ip, podIPs: [{ ip: opts.ip }] } : {}),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

const demo = { app: 'k8s-go-demo' };

describe('desired endpoint slices', () => {
  it('lists ready and not-ready pods with their conditions, node and target', () => {
    const svc = service('k8s-go-demo-svc', {
      selector: demo,
      ports: [{ name: 'http', port: 80, targetPort: 38001, protocol: 'TCP' }],
    });
    const slices = desiredEndpointSlices(svc, [
      pod('a', { labels: demo, ip: '10.244.1.4', node: 'node-1' }),
      pod('b', { labels: demo, ip: '10.244.2.4', node: 'node-2', ready: false }),
      pod('starting', { labels: demo }),
      pod('done', { labels: demo, ip: '10.244.2.9', phase: 'Succeeded' }),
      pod('other', { labels: { app: 'other' }, ip: '10.244.1.9' }),
    ]);
    expect(slices).toEqual([
      {
        ports: [{ name: 'http', port: 38001, protocol: 'TCP' }],
        endpoints: [
          {
            addresses: ['10.244.1.4'],
            conditions: { ready: true, serving: true, terminating: false },
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
          },
          {
            addresses: ['10.244.2.4'],
            conditions: { ready: false, serving: false, terminating: false },
            nodeName: 'node-2',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' },
          },
        ],
      },
    ]);
  });

  it('marks a terminating pod as serving but not ready, unless not-ready addresses are published', () => {
    const leaving = pod('leaving', { labels: demo, ip: '10.244.1.4' });
    leaving.metadata.deletionTimestamp = '2026-11-21T12:00:00Z';
    const svc = service('s', { selector: demo, ports: [{ port: 80 }] });
    expect(desiredEndpointSlices(svc, [leaving])[0]?.endpoints[0]?.conditions).toEqual({
      ready: false,
      serving: true,
      terminating: true,
    });
    const publish = service('s', {
      selector: demo,
      ports: [{ port: 80 }],
      publishNotReadyAddresses: true,
    });
    expect(desiredEndpointSlices(publish, [leaving])[0]?.endpoints[0]?.conditions.ready).toBe(true);
  });

  it('resolves named target ports per pod and groups pods by the ports they resolve to', () => {
    const svc = service('web', {
      selector: { app: 'web' },
      ports: [{ name: 'web', port: 80, targetPort: 'http' }],
    });
    const a = pod('a', {
      labels: { app: 'web' },
      ip: '10.244.1.2',
      ports: [{ name: 'http', containerPort: 8080 }],
    });
    const b = pod('b', {
      labels: { app: 'web' },
      ip: '10.244.1.3',
      ports: [{ name: 'http', containerPort: 9090 }],
    });
    const c = pod('c', {
      labels: { app: 'web' },
      ip: '10.244.1.4',
      ports: [{ name: 'metrics', containerPort: 9100 }],
    });
    expect(resolveTargetPort(a, { port: 80, targetPort: 'http' })).toBe(8080);
    expect(resolveTargetPort(c, { port: 80, targetPort: 'http' })).toBeNull();
    expect(resolveTargetPort(c, { port: 80 })).toBe(80);
    const slices = desiredEndpointSlices(svc, [a, b, c]);
    expect(
      slices.map((s) => [s.ports.map((p) => p.port), s.endpoints.map((e) => e.targetRef.name)]),
    ).toEqual([
      [[8080], ['a']],
      [[9090], ['b']],
      // A pod without the named port still is an endpoint, with no ports.
      [[], ['c']],
    ]);
  });

  it('gives a selector that matches nothing one empty placeholder slice (S6)', () => {
    const svc = service('legacy-api', {
      selector: { app: 'legacy-api' },
      ports: [{ port: 8080, targetPort: 8080 }],
    });
    expect(
      desiredEndpointSlices(svc, [
        pod('web-client', { labels: { run: 'web-client' }, ip: '10.244.2.3' }),
      ]),
    ).toEqual([{ ports: [], endpoints: [] }]);
  });
});

describe('endpointslice controller', () => {
  let store: ObjectStore;
  let controller: EndpointSliceController;
  afterEach(() => controller?.stop());

  const slicesOf = (svc: string) =>
    store
      .list('endpointslices.discovery.k8s.io', 'default')
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);

  it('writes a slice per Service with the controller labels, name and owner', () => {
    store = new ObjectStore();
    const svc = store.create(
      'services',
      service('legacy-api', {
        selector: { app: 'legacy-api' },
        ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }],
      }),
    );
    reconcileServiceSlices(store, 'default', 'legacy-api');
    const [slice] = slicesOf('legacy-api') as [KubeObject];
    expect(slice.metadata.name).toMatch(/^legacy-api-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice.metadata.labels).toEqual({
      'kubernetes.io/service-name': 'legacy-api',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'legacy-api',
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      endpoints: [],
      ports: [],
    });
    // Reconciling again with nothing changed writes nothing.
    const rv = store.resourceVersion;
    reconcileServiceSlices(store, 'default', 'legacy-api');
    expect(store.resourceVersion).toBe(rv);
  });

  it('follows pods becoming ready, going away, and the Service being deleted', async () => {
    store = new ObjectStore();
    store.create(
      'services',
      service('httpd', {
        selector: { run: 'httpd' },
        ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
      }),
    );
    controller = startEndpointSliceController(store);
    await waitFor(() => slicesOf('httpd').length === 1, 1000, 'placeholder');
    const name = slicesOf('httpd')[0]?.metadata.name;

    store.create(
      'pods',
      pod('httpd', { labels: { run: 'httpd' }, ip: '10.244.1.3', ready: false }),
    );
    await waitFor(
      () => (slicesOf('httpd')[0]?.endpoints as unknown[] | undefined)?.length === 1,
      1000,
      'endpoint',
    );
    expect(slicesOf('httpd')[0]).toMatchObject({
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['10.244.1.3'],
          conditions: { ready: false, serving: false, terminating: false },
        },
      ],
    });
    store.mutate('pods', 'default', 'httpd', (p) => {
      ((p as Pod).status?.conditions ?? [])[0]!.status = 'True';
    });
    await waitFor(
      () =>
        (slicesOf('httpd')[0]?.endpoints as { conditions: { ready: boolean } }[])[0]?.conditions
          .ready,
      1000,
      'ready',
    );
    // Same slice, updated in place.
    expect(slicesOf('httpd').map((s) => s.metadata.name)).toEqual([name]);

    store.delete('pods', 'default', 'httpd');
    await waitFor(() => (slicesOf('httpd')[0]?.endpoints as unknown[]).length === 0, 1000, 'empty');

    store.delete('services', 'default', 'httpd');
    await waitFor(() => slicesOf('httpd').length === 0, 1000, 'slice deletion');
  });

  it('puts back a slice someone deleted, and ignores Services without a selector', async () => {
    store = new ObjectStore();
    store.create('services', service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }));
    store.create('services', service('external', { ports: [{ port: 5432 }] }));
    controller = startEndpointSliceController(store);
    const first = await waitFor(() => slicesOf('web')[0], 1000, 'slice');
    store.delete('endpointslices.discovery.k8s.io', 'default', first.metadata.name);
    await waitFor(
      () =>
        slicesOf('web').length === 1 && slicesOf('web')[0]?.metadata.name !== first.metadata.name,
      1000,
      'recreated',
    );
    await controller.idle();
    expect(slicesOf('external')).toEqual([]);
  });

  it('labels the slices of a headless Service', () => {
    store = new ObjectStore();
    store.create(
      'services',
      service('headless', {
        clusterIP: 'None',
        selector: demo,
        ports: [{ name: 'http', port: 80, targetPort: 38001 }],
      }),
    );
    reconcileServiceSlices(store, 'default', 'headless');
    expect(slicesOf('headless')[0]?.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
  });
});
