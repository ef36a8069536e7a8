import { describe, expect, it } from 'vitest';
import s1 from '@/lib/path/__golden__/s1.json';
import s2 from '@/lib/path/__golden__/s2.json';
import s4 from '@/lib/path/__golden__/s4.json';
import type { Finding, PathElement, PathLink, TraceHop } from '@/lib/trace/types';
import { demoSnapshot } from './__fixtures__/demo-snapshot';
import { buildGraphElements, NETWORK_ID } from './elements';
import { layoutGraph } from './layout';
import {
  linkLabel,
  overlayTrace,
  seenElementIds,
  traceLinkId,
  traceOnlyModel,
  type TraceDrawing,
} from './trace-overlay';
import type { GraphModel } from './types';

const cluster = buildGraphElements(demoSnapshot(), { namespace: null });

function drawing(
  golden: { path: unknown; links: unknown; hops: unknown },
  findings: Finding[] = [],
): TraceDrawing {
  return {
    path: golden.path as PathElement[],
    links: golden.links as PathLink[],
    hops: (golden.hops as Partial<TraceHop>[]).map((h) => ({ rttMs: [], ...h }) as TraceHop),
    findings,
  };
}

const classes = (model: GraphModel, id: string) =>
  [...model.nodes, ...model.edges].find((e) => e.data.id === id)?.classes ?? null;

const hairpin: Finding = {
  rule: 'hairpin',
  severity: 'error',
  link: 1,
  title: 'Hairpin',
  explanation: '',
  evidence: [],
  fix: [],
};

describe('overlayTrace on the cluster graph', () => {
  it('marks the S1 path, fades the rest and joins the six elements with green links', () => {
    const out = overlayTrace(cluster, drawing(s1));
    expect(classes(out, 'pod:default/web-client')).toEqual(
      expect.arrayContaining(['on-trace', 'trace-source']),
    );
    expect(classes(out, 'pod:default/httpd')).toEqual(
      expect.arrayContaining(['on-trace', 'trace-target']),
    );
    for (const id of ['node-2/cni0', 'node-2/eth1', 'node-1/eth1', 'node-1/cni0']) {
      expect(classes(out, id)).toContain('on-trace');
    }
    expect(classes(out, 'pod:default/nginx')).toContain('faded');
    expect(classes(out, 'service:default/httpd')).toContain('faded');
    // The boxes holding the path and the network bar it crosses stay.
    expect(classes(out, 'node:node-1')).not.toContain('faded');
    expect(classes(out, NETWORK_ID)).not.toContain('faded');
    expect(classes(out, 'node:controlplane')).toContain('faded');

    const links = out.edges.filter((e) => e.data.kind === 'trace');
    expect(links.map((e) => [e.data.source, e.data.target, e.data.state])).toEqual([
      ['pod:default/web-client', 'node-2/cni0', 'ok'],
      ['node-2/cni0', 'node-2/eth1', 'ok'],
      ['node-2/eth1', 'node-1/eth1', 'ok'],
      ['node-1/eth1', 'node-1/cni0', 'ok'],
      ['node-1/cni0', 'pod:default/httpd', 'ok'],
    ]);
    expect(
      out.edges.filter((e) => e.data.kind !== 'trace').every((e) => e.classes.includes('faded')),
    ).toBe(true);
    // Nothing was added: the shape, so the layout, stays put.
    expect(out.nodes.map((n) => n.data.id)).toEqual(cluster.nodes.map((n) => n.data.id));
  });

  it('labels the S2 Service link with its ratio and the hairpin finding, and marks it active', () => {
    const out = overlayTrace(cluster, drawing(s2, [hairpin]), { activeLink: 1 });
    const link = out.edges.find((e) => e.data.id === traceLinkId(1));
    expect(link?.data).toMatchObject({
      source: 'node-1/cni0',
      target: 'service:default/k8s-go-demo-svc',
      state: 'intermittent',
      label: '16/20 hairpin',
    });
    expect(link?.classes).toEqual(['trace-link', 'state-intermittent', 'active-link']);
    // Source and target are the same pod: it is both ends.
    expect(classes(out, 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql')).toEqual(
      expect.arrayContaining(['trace-source', 'trace-target', 'on-trace']),
    );
  });

  it('adds what the graph does not draw (a LoadBalancer IP) as a hop node above the network', () => {
    const out = overlayTrace(cluster, drawing(s4));
    const lb = out.nodes.find((n) => n.data.id === 'loadbalancer:192.168.56.241');
    expect(lb?.data).toMatchObject({ kind: 'hop', hopKind: 'loadbalancer', ip: '192.168.56.241' });
    expect(lb?.classes).toEqual(expect.arrayContaining(['hop', 'hop-loadbalancer', 'on-trace']));
    const laid = layoutGraph(out);
    const lbAt = laid.nodes.find((n) => n.data.id === lb?.data.id)?.position;
    const networkAt = laid.nodes.find((n) => n.data.id === NETWORK_ID)?.position;
    expect(lbAt && networkAt && lbAt.y < networkAt.y).toBe(true);
  });

  it('while hops arrive, lights what they name and fades nothing', () => {
    const running: TraceDrawing = { ...drawing(s1), path: [], links: [] };
    running.hops = running.hops.slice(0, 2);
    const out = overlayTrace(cluster, running);
    expect(classes(out, 'node-2/cni0')).toContain('hop-seen');
    expect(classes(out, 'node-1/eth1')).toContain('hop-seen');
    expect(classes(out, 'node-2/eth1')).not.toContain('hop-seen');
    expect(classes(out, 'pod:default/httpd')).not.toContain('hop-seen');
    expect(out.nodes.some((n) => n.classes.includes('faded'))).toBe(false);
    expect(seenElementIds(running.hops)).toEqual(new Set(['node-2/cni0', 'node-1/eth1']));
  });

  it('returns the model untouched without a trace', () => {
    expect(overlayTrace(cluster, null)).toBe(cluster);
  });
});

describe('traceOnlyModel', () => {
  it('draws S1 from the trace alone: two node boxes, their interfaces and the two pods', () => {
    const out = traceOnlyModel(drawing(s1));
    const ids = out.nodes.map((n) => `${n.data.kind}:${n.data.id}<${n.data.parent ?? ''}>`);
    expect(ids).toEqual([
      `network:${NETWORK_ID}<>`,
      'k8s-node:node:node-2<>',
      'k8s-node:node:node-1<>',
      'pod:pod:default/web-client<node:node-2>',
      'interface:node-2/cni0<node:node-2>',
      'interface:node-2/eth1<node:node-2>',
      'interface:node-1/eth1<node:node-1>',
      'interface:node-1/cni0<node:node-1>',
      'pod:pod:default/httpd<node:node-1>',
    ]);
    expect(out.edges.filter((e) => e.data.kind === 'trace')).toHaveLength(5);
    const eth = out.nodes.find((n) => n.data.id === 'node-1/eth1');
    expect(eth?.data).toMatchObject({ ip: '192.168.56.11' });
    expect(eth?.classes).toEqual(['interface', 'uplink', 'on-trace']);
    // Every leaf gets a position: nothing lands on top of another at 0,0.
    const laid = layoutGraph(out);
    const leaves = laid.nodes.filter((n) => n.data.kind !== 'k8s-node');
    expect(leaves.every((n) => n.position)).toBe(true);
    // The source's node is drawn first (left), and the link between the two nodes bows up
    // towards the network instead of cutting through the boxes.
    const x = (id: string) => laid.nodes.find((n) => n.data.id === id)?.position?.x ?? NaN;
    expect(x('node-2/eth1')).toBeLessThan(x('node-1/eth1'));
    const across = laid.edges.find(
      (e) => e.data.source === 'node-2/eth1' && e.data.target === 'node-1/eth1',
    );
    expect(across?.classes).toContain('via-network');
    expect(across?.data.bend).toBe(-64);
    const inside = laid.edges.find((e) => e.data.source === 'node-2/cni0');
    expect(inside?.classes).not.toContain('via-network');
  });
});

describe('linkLabel', () => {
  const f = [hairpin];
  it('says what a reader needs first: finding, ratio, RTT', () => {
    expect(linkLabel({ from: 0, to: 1, state: 'ok', rttMs: 0.412 }, 0, [])).toBe('0.41 ms');
    expect(linkLabel({ from: 0, to: 1, state: 'ok', rttMs: 31.7 }, 0, [])).toBe('32 ms');
    expect(linkLabel({ from: 1, to: 2, state: 'broken' }, 1, f)).toBe('✕ hairpin');
    expect(
      linkLabel(
        { from: 1, to: 2, state: 'intermittent', successRatio: { ok: 7, total: 10 } },
        3,
        [],
      ),
    ).toBe('7/10');
    expect(linkLabel({ from: 1, to: 2, state: 'unknown' }, 3, [])).toBe('');
  });
});
