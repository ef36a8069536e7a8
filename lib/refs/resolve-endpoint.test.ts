/**
 * Endpoint references against the demo and k3s clusters. The golden file
 * __golden__/endpoints.json records, for each reference and role, the TraceEndpoint fields and
 * the names of the inventory objects found, or the error; regenerate it after an intended change
 * with
 *   UPDATE_GOLDEN=1 npx vitest run lib/refs
 * and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { fixtureSnapshot } from '../topology/__fixtures__/load';
import { RefError } from './errors';
import { parseEndpointRef } from './parse';
import { resolveEndpoint } from './resolve-endpoint';
import type { EndpointRole, ResolvedEndpoint } from './types';

const demo = fixtureSnapshot('demo');
const k3s = fixtureSnapshot('k3s');

const resolve = (text: string, role: EndpointRole, snap: InventorySnapshot = demo) =>
  resolveEndpoint(parseEndpointRef(text), snap, role);

const error = (text: string, role: EndpointRole, snap: InventorySnapshot = demo) => {
  try {
    resolve(text, role, snap);
  } catch (e) {
    if (e instanceof RefError) return { code: e.code, status: e.status, message: e.message };
    throw e;
  }
  throw new Error(`${text} resolved as ${role}`);
};

describe('resolveEndpoint: pods and nodes', () => {
  it('resolves a pod with its node', () => {
    const ep = resolve('pod:default/web-client', 'from');
    expect(ep).toMatchObject({
      ref: 'pod:default/web-client',
      kind: 'pod',
      ip: '10.244.2.3',
      node: 'node-2',
      hostNetwork: false,
    });
    expect(ep.pod?.name).toBe('web-client');
    expect(ep.inventoryNode?.internalIP).toBe('192.168.56.12');
  });

  it('answers 404 for a missing pod, with a hint', () => {
    expect(error('pod:default/nginx-ingress-controller-7d9fb', 'to')).toEqual({
      code: 'not-found',
      status: 404,
      message:
        'no pod default/nginx-ingress-controller-7d9fb; did you mean pod:kube-system/nginx-ingress-controller-7d9fb?',
    });
    expect(error('pod:prod/web', 'to').message).toMatch(/no pods in namespace prod/);
    expect(error('node:node-9', 'from')).toMatchObject({ code: 'not-found', status: 404 });
  });

  it('refuses pods that cannot take part', () => {
    const web = demo.pods.find((p) => p.name === 'web-client');
    if (!web) throw new Error('fixture lacks web-client');
    const snap: InventorySnapshot = {
      ...demo,
      pods: [
        { ...web, name: 'pending', ip: null, ips: [], nodeName: null, phase: 'Pending' },
        { ...web, name: 'starting', ip: null, ips: [], phase: 'Pending' },
        { ...web, name: 'done', phase: 'Succeeded' },
      ],
    };
    expect(error('pod:default/pending', 'from', snap).code).toBe('not-running');
    expect(error('pod:default/starting', 'to', snap).code).toBe('no-address');
    expect(error('pod:default/done', 'to', snap)).toMatchObject({
      code: 'not-running',
      status: 400,
    });
  });
});

describe('resolveEndpoint: Services', () => {
  it('takes the first port by default, else the named or numbered one', () => {
    expect(resolve('service:default/k8s-go-demo-svc', 'to')).toMatchObject({
      kind: 'service',
      ip: '10.96.212.203',
      port: 80,
      servicePort: { name: 'http', port: 80, targetPort: 38001 },
    });
    expect(resolve('service:default/k8s-go-demo-svc:http', 'to').port).toBe(80);
    expect(resolve('service:default/k8s-go-demo-svc:80', 'to').port).toBe(80);
  });

  it('says which ports exist when the named one does not', () => {
    expect(error('service:default/k8s-go-demo-svc:8080', 'to')).toEqual({
      code: 'no-port',
      status: 400,
      message: 'Service default/k8s-go-demo-svc has no port "8080"; its ports: 80 (http)',
    });
  });

  it('refuses a Service as a source', () => {
    expect(error('service:default/httpd', 'from')).toMatchObject({ code: 'bad-role', status: 400 });
  });

  it('gives a headless Service no address', () => {
    expect(resolve('service:default/k8s-go-demo-svc-headless', 'to')).toMatchObject({
      ip: null,
      port: 80,
    });
  });
});

describe('resolveEndpoint: addresses and names', () => {
  it('finds the LoadBalancer behind an ingress address and its port', () => {
    const ep = resolve('ip:192.168.56.240:80', 'to');
    expect(ep.loadBalancer?.service.name).toBe('nginx-ingress-lb');
    expect(ep.loadBalancer?.port?.port).toBe(80);
  });

  it('takes a hostNetwork address as its node, and a NodePort on a node address', () => {
    const ep = resolve('ip:192.168.56.11:30080', 'to');
    expect(ep).toMatchObject({ node: 'node-1' });
    expect(ep.pod).toBeUndefined();
    expect(ep.nodePort?.service.name).toBe('nginx-ingress-lb');
  });

  it('suggests the right reference when an address is used as a source', () => {
    expect(error('ip:10.244.2.3', 'from').message).toMatch(/use pod:default\/web-client/);
    expect(error('ip:192.168.56.12', 'from').message).toMatch(/use node:node-2/);
  });

  it('knows a cluster Service name before the lookup, but not its address', () => {
    const ep = resolve('dns:k8s-go-demo-slb.default.svc.cluster.local:38001', 'to');
    expect(ep).toMatchObject({ kind: 'dns', ip: null, port: 38001 });
    expect(ep.service?.name).toBe('k8s-go-demo-slb');
    expect(ep.servicePort?.port).toBe(38001);
    expect(resolve('dns:example.org', 'to').service).toBeUndefined();
  });
});

describe('golden: scenario references', () => {
  const CASES: [string, EndpointRole, 'demo' | 'k3s'][] = [
    ['pod:default/web-client', 'from', 'demo'],
    ['pod:default/httpd', 'to', 'demo'],
    ['pod:default/nginx', 'from', 'demo'],
    ['pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql', 'from', 'demo'],
    ['service:default/k8s-go-demo-svc:80', 'to', 'demo'],
    ['service:default/k8s-go-demo-svc-headless', 'to', 'demo'],
    ['ip:192.168.56.240:80', 'to', 'demo'],
    ['pod:default/my-pod', 'from', 'demo'],
    ['pod:default/my-pod', 'to', 'demo'],
    ['ip:192.168.56.241:38001', 'to', 'demo'],
    ['ip:192.168.2.10', 'to', 'demo'],
    ['ip:10.96.100.10:80', 'to', 'demo'],
    ['service:default/legacy-api:8080', 'to', 'demo'],
    ['node:node-2', 'from', 'demo'],
    ['node:node-1', 'to', 'demo'],
    ['service:default/legacy-api:80', 'to', 'demo'],
    ['service:default/legacy-api', 'from', 'demo'],
    ['ip:192.168.2.10', 'from', 'demo'],
    ['dns:legacy-db.example', 'from', 'demo'],
    ['pod:default/client', 'from', 'k3s'],
    ['pod:default/web', 'to', 'k3s'],
    ['ip:192.168.2.10:80', 'to', 'k3s'],
  ];

  it('matches __golden__/endpoints.json', () => {
    const actual = CASES.map(([text, role, cluster]) => {
      const snap = cluster === 'demo' ? demo : k3s;
      try {
        return { ref: text, role, cluster, endpoint: summary(resolve(text, role, snap)) };
      } catch (e) {
        if (!(e instanceof RefError)) throw e;
        return { ref: text, role, cluster, error: e.toBody().error, status: e.status };
      }
    });
    const file = fileURLToPath(new URL('./__golden__/endpoints.json', import.meta.url));
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});

/** The endpoint with inventory objects reduced to their names, so the golden stays readable. */
function summary(ep: ResolvedEndpoint): Record<string, unknown> {
  const { pod, inventoryNode, service, servicePort, loadBalancer, nodePort, ...rest } = ep;
  return {
    ...rest,
    ...(pod ? { pod: `${pod.namespace}/${pod.name}` } : {}),
    ...(inventoryNode ? { inventoryNode: inventoryNode.name } : {}),
    ...(service ? { service: `${service.namespace}/${service.name}` } : {}),
    ...(servicePort ? { servicePort } : {}),
    ...(loadBalancer
      ? {
          loadBalancer: {
            service: `${loadBalancer.service.namespace}/${loadBalancer.service.name}`,
            port: loadBalancer.port,
          },
        }
      : {}),
    ...(nodePort
      ? {
          nodePort: {
            service: `${nodePort.service.namespace}/${nodePort.service.name}`,
            port: nodePort.port,
          },
        }
      : {}),
  };
}
