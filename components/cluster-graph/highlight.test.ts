import { describe, expect, it } from 'vitest';
import { demoSnapshot } from './__fixtures__/demo-snapshot';
import { buildGraphElements } from './elements';
import { highlightClasses } from './highlight';

const model = buildGraphElements(demoSnapshot(), { namespace: null });
const withClass = (m: Map<string, string[]>, cls: string) =>
  [...m.entries()]
    .filter(([, c]) => c.includes(cls))
    .map(([id]) => id)
    .sort();

describe('highlightClasses', () => {
  it('is empty without selection or search', () => {
    expect(highlightClasses(model, { selected: null, matches: null }).size).toBe(0);
  });

  it('lights the selected pod and its way out of the node', () => {
    const h = highlightClasses(model, { selected: 'pod:default/httpd', matches: null });
    expect(withClass(h, 'is-selected')).toEqual(['pod:default/httpd']);
    expect(withClass(h, 'on-path')).toEqual(
      [
        'edge:node-1/cni0->node-1/eth1',
        'edge:node-1/eth1->network:nodes',
        'edge:pod:default/httpd->node-1/cni0',
        'edge:service:default/httpd->pod:default/httpd',
        'network:nodes',
        'node-1/cni0',
        'node-1/eth1',
        'service:default/httpd',
      ].sort(),
    );
  });

  it('takes a host-network pod straight to the uplink, past cni0', () => {
    const h = highlightClasses(model, { selected: 'pod:default/my-pod', matches: null });
    const onPath = withClass(h, 'on-path');
    expect(onPath).toContain('node-2/eth1');
    expect(onPath).not.toContain('node-2/cni0');
  });

  it('ignores a selection that is not drawn (filtered out)', () => {
    const ks = buildGraphElements(demoSnapshot(), { namespace: 'kube-system' });
    expect(highlightClasses(ks, { selected: 'pod:default/httpd', matches: null }).size).toBe(0);
  });

  it('dims pods that do not match a search, and Services that only serve them', () => {
    const matches = new Set(['pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql']);
    const h = highlightClasses(model, { selected: null, matches });
    expect(withClass(h, 'match')).toEqual([...matches]);
    const dimmed = withClass(h, 'dimmed');
    expect(dimmed).toContain('pod:default/httpd');
    expect(dimmed).toContain('service:default/httpd');
    expect(dimmed).toContain('edge:pod:default/httpd->node-1/cni0');
    expect(dimmed).not.toContain('service:default/k8s-go-demo-svc');
    expect(dimmed).not.toContain('node-1/cni0');
  });

  it('never dims the selected pod', () => {
    const h = highlightClasses(model, {
      selected: 'pod:default/httpd',
      matches: new Set(['pod:default/nginx']),
    });
    expect(h.get('pod:default/httpd')).toEqual(['is-selected']);
    expect(h.get('edge:pod:default/httpd->node-1/cni0')).toEqual(['on-path']);
  });
});
