import { describe, expect, it } from 'vitest';
import { demoSnapshot } from './__fixtures__/demo-snapshot';
import { diffGraph } from './diff';
import { buildGraphElements } from './elements';
import { layoutGraph } from './layout';

const all = { namespace: null };
const draw = (snap = demoSnapshot(), filter: { namespace: string | null } = all) =>
  layoutGraph(buildGraphElements(snap, filter));

describe('diffGraph', () => {
  it('adds everything on first draw, parents before children, nodes before edges', () => {
    const next = draw();
    const d = diffGraph(null, next);
    expect(d.shapeChanged).toBe(true);
    expect(d.remove).toEqual([]);
    expect(d.add).toHaveLength(next.nodes.length + next.edges.length);
    const seen = new Set<string>();
    for (const el of d.add) {
      if (el.group === 'nodes' && el.data.parent) expect(seen.has(el.data.parent)).toBe(true);
      if (el.group === 'edges') {
        expect(seen.has(el.data.source)).toBe(true);
        expect(seen.has(el.data.target)).toBe(true);
      }
      seen.add(el.data.id);
    }
  });

  it('finds nothing to do for the same picture', () => {
    const d = diffGraph(draw(), draw());
    expect(d).toEqual({
      add: [],
      remove: [],
      updateData: [],
      updateClasses: [],
      shapeChanged: false,
    });
  });

  it('updates a pod that turned unready in place, without a new layout', () => {
    const snap = demoSnapshot();
    const httpd = snap.pods.find((p) => p.name === 'httpd')!;
    httpd.ready = false;
    // The EndpointSlice controller follows the pod's readiness.
    snap.endpointSlices.find((s) => s.serviceName === 'httpd')!.endpoints[0]!.ready = false;
    const d = diffGraph(draw(), draw(snap));
    expect(d.shapeChanged).toBe(false);
    expect(d.add).toEqual([]);
    expect(d.remove).toEqual([]);
    expect(d.updateData.map((e) => e.data.id)).toEqual([
      'pod:default/httpd',
      'service:default/httpd',
    ]);
    expect(d.updateClasses).toContainEqual({
      id: 'pod:default/httpd',
      classes: ['pod', 'not-ready'],
    });
    // The Service loses its only ready endpoint: its label and classes change, and the edge
    // to the pod is drawn as not ready.
    expect(d.updateClasses.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'service:default/httpd',
        'edge:service:default/httpd->pod:default/httpd',
      ]),
    );
  });

  it('removes a deleted pod and its edges and asks for a new layout', () => {
    const snap = demoSnapshot();
    snap.pods = snap.pods.filter((p) => p.name !== 'web-client');
    const d = diffGraph(draw(), draw(snap));
    expect(d.shapeChanged).toBe(true);
    expect(d.remove.sort()).toEqual([
      'edge:pod:default/web-client->node-2/cni0',
      'pod:default/web-client',
    ]);
  });

  it('removes what a namespace filter hides', () => {
    const d = diffGraph(draw(), draw(demoSnapshot(), { namespace: 'kube-system' }));
    expect(d.remove).toContain('pod:default/httpd');
    expect(d.remove).toContain('service:default/legacy-api');
    expect(d.remove).not.toContain('node:node-1');
    expect(d.add).toEqual([]);
  });

  it('re-adds an element whose parent changed', () => {
    const snap = demoSnapshot();
    const web = snap.pods.find((p) => p.name === 'web-client')!;
    web.nodeName = 'node-1';
    const d = diffGraph(draw(), draw(snap));
    expect(d.remove).toContain('pod:default/web-client');
    expect(d.add.map((e) => e.data.id)).toContain('pod:default/web-client');
  });
});
