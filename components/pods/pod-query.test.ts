import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '@/components/cluster-graph/__fixtures__/demo-snapshot';
import { filterPods, namespacesOf, podMatches } from './pod-query';

const snap = demoSnapshot();
const pod = (name: string) => {
  const p = snap.pods.find((x) => x.name === name);
  if (!p) throw new Error(name);
  return p;
};

describe('podMatches', () => {
  it('matches name, namespace, IP and node substrings, case-insensitively', () => {
    expect(podMatches(pod('web-client'), 'WEB')).toBe(true);
    expect(podMatches(pod('web-client'), '10.244.2.3')).toBe(true);
    expect(podMatches(pod('web-client'), 'node-2')).toBe(true);
    expect(podMatches(pod('web-client'), 'default/web')).toBe(true);
    expect(podMatches(pod('web-client'), 'httpd')).toBe(false);
  });

  it('needs every term to match', () => {
    expect(podMatches(pod('httpd'), 'httpd node-1')).toBe(true);
    expect(podMatches(pod('httpd'), 'httpd node-2')).toBe(false);
  });

  it('matches key=value against labels exactly', () => {
    const go = pod('k8s-go-demo-deploy-66cdbcd8d9-x88b8');
    expect(podMatches(go, 'app=k8s-go-demo')).toBe(true);
    expect(podMatches(go, 'app=k8s-go')).toBe(false);
  });

  it('finds host-network pods by that word', () => {
    expect(podMatches(pod('my-pod'), 'hostnetwork')).toBe(true);
    expect(podMatches(pod('httpd'), 'hostnetwork')).toBe(false);
  });

  it('matches everything for an empty query', () => {
    expect(podMatches(pod('httpd'), '   ')).toBe(true);
  });
});

describe('filterPods', () => {
  it('filters by namespace and sorts', () => {
    expect(filterPods(snap.pods, 'kube-system', '').map((p) => p.name)).toEqual([
      'kube-flannel-ds-b8r5t',
      'kube-flannel-ds-m4q9d',
      'kube-flannel-ds-x7k2p',
      'nginx-ingress-controller-7d9fb',
    ]);
    expect(filterPods(snap.pods, null, 'nginx').map((p) => p.name)).toEqual([
      'nginx',
      'nginx-ingress-controller-7d9fb',
    ]);
  });
});

describe('namespacesOf', () => {
  it('lists namespaces with pods or Services', () => {
    expect(namespacesOf(snap)).toEqual(['default', 'kube-system']);
  });
});
