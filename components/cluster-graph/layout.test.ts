import { describe, expect, it } from 'vitest';
import type { InventoryPod } from '@/lib/inventory/types';
import { demoSnapshot } from './__fixtures__/demo-snapshot';
import { buildGraphElements } from './elements';
import { MAX_ROWS, layoutGraph, shapeKey, type LaidOutGraph, type LaidOutNode } from './layout';

const all = { namespace: null };

interface Box {
  id: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function box(n: LaidOutNode): Box {
  const p = n.position!;
  return {
    id: n.data.id,
    left: p.x - n.data.width / 2,
    right: p.x + n.data.width / 2,
    top: p.y - n.data.height / 2,
    bottom: p.y + n.data.height / 2,
  };
}

const leaves = (g: LaidOutGraph) => g.nodes.filter((n) => n.data.kind !== 'k8s-node');
const find = (g: LaidOutGraph, id: string) => {
  const n = g.nodes.find((x) => x.data.id === id);
  if (!n?.position) throw new Error(`no position for ${id}`);
  return n;
};

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function expectNoOverlap(g: LaidOutGraph) {
  const boxes = leaves(g).map(box);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      expect(overlaps(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
    }
  }
}

describe('layoutGraph', () => {
  const g = layoutGraph(buildGraphElements(demoSnapshot(), all));

  it('positions every leaf and leaves compound boxes to cytoscape', () => {
    for (const n of g.nodes) {
      if (n.data.kind === 'k8s-node') expect(n.position).toBeUndefined();
      else expect(n.position, n.data.id).toBeDefined();
    }
  });

  it('never overlaps two boxes', () => {
    expectNoOverlap(g);
  });

  it('puts nodes side by side, left to right, each holding only its own children', () => {
    const spans = ['controlplane', 'node-1', 'node-2'].map((name) => {
      const kids = leaves(g)
        .filter((n) => n.data.parent === `node:${name}`)
        .map(box);
      return {
        left: Math.min(...kids.map((k) => k.left)),
        right: Math.max(...kids.map((k) => k.right)),
      };
    });
    expect(spans[0]!.right).toBeLessThan(spans[1]!.left);
    expect(spans[1]!.right).toBeLessThan(spans[2]!.left);
  });

  it('puts the interfaces on one row with pods below, host-network pods under eth1', () => {
    const eth1 = find(g, 'node-2/eth1').position!;
    const cni0 = find(g, 'node-2/cni0').position!;
    expect(eth1.y).toBe(cni0.y);
    expect(eth1.x).toBeLessThan(cni0.x);
    const myPod = find(g, 'pod:default/my-pod').position!;
    const web = find(g, 'pod:default/web-client').position!;
    expect(myPod.x).toBe(eth1.x);
    expect(web.x).toBe(cni0.x);
    expect(myPod.y).toBeGreaterThan(eth1.y);
    expect(web.y).toBeGreaterThan(cni0.y);
  });

  it('spans the network bar over all nodes, above them', () => {
    const net = find(g, 'network:nodes');
    const b = box(net);
    const all = leaves(g)
      .filter((n) => n.data.parent)
      .map(box);
    expect(b.left).toBeLessThanOrEqual(Math.min(...all.map((x) => x.left)));
    expect(b.right).toBeGreaterThanOrEqual(Math.max(...all.map((x) => x.right)));
    expect(b.bottom).toBeLessThan(Math.min(...all.map((x) => x.top)));
  });

  it('puts Services below every node', () => {
    const inNodes = leaves(g)
      .filter((n) => n.data.parent)
      .map(box);
    const services = g.nodes.filter((n) => n.data.kind === 'service').map(box);
    expect(services).toHaveLength(6);
    const lowestPod = Math.max(...inNodes.map((x) => x.bottom));
    for (const s of services) expect(s.top).toBeGreaterThan(lowestPod);
  });

  it('is deterministic', () => {
    expect(layoutGraph(buildGraphElements(demoSnapshot(), all))).toEqual(g);
  });

  it('grows a node by columns when it runs many pods', () => {
    const snap = demoSnapshot();
    const template = snap.pods.find((p) => p.name === 'httpd')!;
    for (let i = 0; i < MAX_ROWS * 2 + 3; i++) {
      const p: InventoryPod = { ...template, name: `worker-${i}`, ip: `10.244.1.${50 + i}` };
      snap.pods.push(p);
    }
    const big = layoutGraph(buildGraphElements(snap, all));
    expectNoOverlap(big);
    const xs = new Set(
      big.nodes
        .filter((n) => n.data.parent === 'node:node-1' && n.data.kind === 'pod')
        .map((n) => n.position!.x),
    );
    // One host-network column plus three pod columns.
    expect(xs.size).toBe(4);
  });
});

describe('shapeKey', () => {
  const base = buildGraphElements(demoSnapshot(), all);

  it('ignores changes that do not move anything', () => {
    const snap = demoSnapshot();
    snap.pods[0]!.ready = false;
    snap.pods[0]!.labels = { changed: 'yes' };
    snap.endpointSlices = [];
    expect(shapeKey(buildGraphElements(snap, all))).toBe(shapeKey(base));
  });

  it('changes when pods come and go or the namespace filter changes', () => {
    const snap = demoSnapshot();
    snap.pods.pop();
    expect(shapeKey(buildGraphElements(snap, all))).not.toBe(shapeKey(base));
    expect(shapeKey(buildGraphElements(demoSnapshot(), { namespace: 'default' }))).not.toBe(
      shapeKey(base),
    );
  });
});
