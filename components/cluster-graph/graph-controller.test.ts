import cytoscape from 'cytoscape';
import { describe, expect, it, vi } from 'vitest';
import { demoSnapshot } from './__fixtures__/demo-snapshot';
import { buildGraphElements } from './elements';
import { GraphController } from './graph-controller';

// A headless cytoscape instance: the same core the browser runs, without a canvas.
function setup() {
  const cy = cytoscape({ headless: true, styleEnabled: true });
  const controller = new GraphController();
  return { cy, controller };
}

const all = { namespace: null };

describe('GraphController', () => {
  it('draws a model set before cytoscape exists once it attaches', () => {
    const { cy, controller } = setup();
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    expect(controller.getDrawn().elements).toEqual([]);
    controller.attach(cy);
    expect(cy.getElementById('pod:default/httpd').data('parent')).toBe('node:node-1');
    expect(cy.getElementById('node:node-1').isParent()).toBe(true);
    expect(cy.getElementById('node-2/cni0').data('ip')).toBe('10.244.2.1');
    expect(cy.getElementById('pod:default/httpd').position()).toEqual(
      expect.objectContaining({ x: expect.any(Number), y: expect.any(Number) }),
    );
    const drawnIds = controller.getDrawn().elements.map((e) => e.data.id);
    expect(drawnIds).toHaveLength(cy.elements().length);
  });

  it('updates changed elements in place, by id, without moving anything', () => {
    const { cy, controller } = setup();
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    const httpd = cy.getElementById('pod:default/httpd');
    const nginx = cy.getElementById('pod:default/nginx');
    const before = { ...httpd.position() };
    // A position the user cannot change (nodes are not grabbable), to prove nothing re-lays out.
    nginx.position({ x: 9999, y: 9999 });
    const added = vi.fn();
    cy.on('add', added);

    const snap = demoSnapshot();
    snap.pods.find((p) => p.name === 'httpd')!.ready = false;
    controller.setModel(buildGraphElements(snap, all));

    expect(cy.getElementById('pod:default/httpd')).toBe(httpd);
    expect(httpd.hasClass('not-ready')).toBe(true);
    expect(httpd.data('ready')).toBe(false);
    expect(httpd.position()).toEqual(before);
    expect(nginx.position()).toEqual({ x: 9999, y: 9999 });
    expect(added).not.toHaveBeenCalled();
  });

  it('re-runs the layout when the shape changes', () => {
    const { cy, controller } = setup();
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    const nginx = cy.getElementById('pod:default/nginx');
    const laidOut = { ...nginx.position() };
    nginx.position({ x: 9999, y: 9999 });

    controller.setModel(buildGraphElements(demoSnapshot(), { namespace: 'default' }));
    expect(cy.getElementById('pod:kube-system/nginx-ingress-controller-7d9fb').empty()).toBe(true);
    expect(cy.getElementById('pod:default/nginx').position()).toEqual(laidOut);
  });

  it('applies selection and search as classes and keeps them across model updates', () => {
    const { cy, controller } = setup();
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    controller.setHighlight({ selected: 'pod:default/web-client', matches: null });
    expect(cy.getElementById('pod:default/web-client').hasClass('is-selected')).toBe(true);
    expect(cy.getElementById('node-2/cni0').hasClass('on-path')).toBe(true);

    const snap = demoSnapshot();
    snap.pods.find((p) => p.name === 'web-client')!.ready = false;
    controller.setModel(buildGraphElements(snap, all));
    const web = cy.getElementById('pod:default/web-client');
    expect(web.hasClass('is-selected')).toBe(true);
    expect(web.hasClass('not-ready')).toBe(true);

    controller.setHighlight({ selected: null, matches: new Set(['pod:default/httpd']) });
    expect(web.hasClass('is-selected')).toBe(false);
    expect(web.hasClass('dimmed')).toBe(true);
    expect(cy.getElementById('pod:default/httpd').hasClass('match')).toBe(true);
    const drawnWeb = controller.getDrawn().elements.find((e) => e.data.id === web.id());
    expect(drawnWeb?.classes).toContain('dimmed');
  });

  it('reports taps on pods and on the background as selections', () => {
    const { cy, controller } = setup();
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    const selected: (string | null)[] = [];
    const off = controller.onSelect((id) => selected.push(id));
    cy.getElementById('pod:default/httpd').emit('tap');
    cy.getElementById('node-1/cni0').emit('tap');
    cy.emit('tap');
    off();
    cy.getElementById('pod:default/nginx').emit('tap');
    expect(selected).toEqual(['pod:default/httpd', null]);
  });

  it('notifies subscribers with a new drawn version on every change', () => {
    const { cy, controller } = setup();
    const listener = vi.fn();
    controller.subscribeDrawn(listener);
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    const v1 = controller.getDrawn().version;
    controller.setHighlight({ selected: 'pod:default/httpd', matches: null });
    expect(controller.getDrawn().version).toBeGreaterThan(v1);
    expect(listener).toHaveBeenCalled();
    expect(controller.getServerDrawn().elements).toEqual([]);
  });

  it('swaps the stylesheet on theme change', () => {
    const { cy, controller } = setup();
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    const pod = cy.getElementById('pod:default/httpd');
    const light = pod.style('background-color');
    controller.setTheme('dark');
    expect(pod.style('background-color')).not.toBe(light);
  });

  it('reports taps on pods, Services and node boxes as picks and rings the picked ends', () => {
    const { cy, controller } = setup();
    controller.attach(cy);
    controller.setModel(buildGraphElements(demoSnapshot(), all));
    const picked: string[] = [];
    const off = controller.onPick((id) => picked.push(id));
    cy.getElementById('pod:default/web-client').emit('tap');
    cy.getElementById('service:default/httpd').emit('tap');
    cy.getElementById('node:node-1').emit('tap');
    cy.getElementById('node-1/eth1').emit('tap');
    off();
    cy.getElementById('pod:default/httpd').emit('tap');
    expect(picked).toEqual(['pod:default/web-client', 'service:default/httpd', 'node:node-1']);

    controller.setPicks({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    expect(cy.getElementById('pod:default/web-client').hasClass('pick-from')).toBe(true);
    expect(cy.getElementById('pod:default/httpd').hasClass('pick-to')).toBe(true);
    const drawnFrom = controller
      .getDrawn()
      .elements.find((e) => e.data.id === 'pod:default/web-client');
    expect(drawnFrom?.classes).toContain('pick-from');
    controller.setPicks({ from: null, to: 'pod:default/httpd' });
    expect(cy.getElementById('pod:default/web-client').hasClass('pick-from')).toBe(false);
  });
});
