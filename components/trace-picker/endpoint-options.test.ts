import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '@/components/cluster-graph/__fixtures__/demo-snapshot';
import {
  endpointOptions,
  graphIdForRef,
  refForGraphId,
  searchEndpoints,
  typedEndpoint,
} from './endpoint-options';

const options = endpointOptions(demoSnapshot());
const byRef = (ref: string) => options.find((o) => o.ref === ref);

describe('endpointOptions', () => {
  it('offers pods, nodes, Services and LoadBalancer IPs with their graph elements', () => {
    expect(byRef('pod:default/web-client')).toMatchObject({
      kind: 'pod',
      graphId: 'pod:default/web-client',
      label: 'default/web-client',
      detail: '10.244.2.3 · on node-2',
    });
    expect(byRef('node:node-1')).toMatchObject({ kind: 'node', graphId: 'node:node-1' });
    expect(byRef('service:default/k8s-go-demo-svc')).toMatchObject({
      kind: 'service',
      detail: 'ClusterIP · 10.96.212.203 · 80',
    });
    expect(byRef('ip:192.168.56.240:80')).toMatchObject({
      kind: 'loadbalancer',
      graphId: 'service:kube-system/nginx-ingress-lb',
      detail: 'LoadBalancer of kube-system/nginx-ingress-lb · policy Local',
    });
    expect(options.filter((o) => o.kind === 'pod')).toHaveLength(10);
  });
});

describe('searchEndpoints', () => {
  it('matches every word and ranks name prefixes first', () => {
    expect(searchEndpoints(options, 'httpd').map((o) => o.ref)).toEqual([
      'pod:default/httpd',
      'service:default/httpd',
    ]);
    expect(searchEndpoints(options, 'node-2 flannel').map((o) => o.ref)).toEqual([
      'pod:kube-system/kube-flannel-ds-b8r5t',
    ]);
    expect(searchEndpoints(options, '192.168.56.241').map((o) => o.ref)).toEqual([
      'ip:192.168.56.241:38001',
    ]);
    expect(searchEndpoints(options, '', 3)).toHaveLength(3);
  });
});

describe('typedEndpoint', () => {
  it('reads addresses, names and written-out references', () => {
    expect(typedEndpoint('203.0.113.9')?.ref).toBe('ip:203.0.113.9');
    expect(typedEndpoint(' 10.96.0.10:53 ')?.ref).toBe('ip:10.96.0.10:53');
    expect(typedEndpoint('example.org:443')).toMatchObject({
      ref: 'dns:example.org:443',
      kind: 'dns',
    });
    expect(typedEndpoint('pod:default/httpd')?.ref).toBe('pod:default/httpd');
    expect(typedEndpoint('no spaces allowed here')).toBeNull();
    expect(typedEndpoint('999.1.1.1')).toBeNull();
    expect(typedEndpoint('')).toBeNull();
  });
});

describe('graph ids and refs', () => {
  it('map both ways', () => {
    expect(refForGraphId('pod:default/httpd')).toBe('pod:default/httpd');
    expect(refForGraphId('loadbalancer:192.168.56.241')).toBe('ip:192.168.56.241');
    expect(refForGraphId('external:203.0.113.9')).toBe('ip:203.0.113.9');
    expect(refForGraphId('node-1/eth1')).toBeNull();
    expect(graphIdForRef('service:default/httpd:80', options)).toBe('service:default/httpd');
    expect(graphIdForRef('ip:10.244.1.3', options)).toBe('pod:default/httpd');
    expect(graphIdForRef('ip:192.168.56.241', options)).toBe('service:default/k8s-go-demo-slb');
    expect(graphIdForRef('dns:example.org', options)).toBeNull();
  });
});
