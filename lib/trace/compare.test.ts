import { describe, expect, it } from 'vitest';
import {
  compareTraces,
  describeChange,
  linkEnds,
  median,
  msText,
  pathRttMs,
  type CompareChange,
} from './compare';
import type { Finding, TraceResult } from './types';

const WEB_CLIENT = {
  ref: 'pod:default/web-client',
  kind: 'pod' as const,
  ip: '10.244.2.3',
  node: 'node-2',
};

/** S1 of scenarios.md: web-client to httpd, all green. */
const s1: TraceResult = {
  id: 'S1S1S1S1S1S1S1S1S1S1S1S1',
  createdAt: '2026-11-21T22:34:06Z',
  finishedAt: '2026-11-21T22:34:07Z',
  cluster: 'demo',
  from: WEB_CLIENT,
  to: { ref: 'pod:default/httpd', kind: 'pod', ip: '10.244.1.3', node: 'node-1' },
  strategy: 'pod',
  status: 'reachable',
  hops: [
    { ttl: 1, ip: '10.244.2.1', rttMs: [0.41], entity: null },
    { ttl: 2, ip: '192.168.56.11', rttMs: [0.57], entity: null },
    { ttl: 3, ip: '10.244.1.3', rttMs: [0.7, 0.61, 0.5], entity: null },
  ],
  path: [
    { id: 'pod:default/web-client', kind: 'pod' },
    { id: 'node-2/cni0', kind: 'interface' },
    { id: 'node-2/eth1', kind: 'interface' },
    { id: 'node-1/eth1', kind: 'interface' },
    { id: 'node-1/cni0', kind: 'interface' },
    { id: 'pod:default/httpd', kind: 'pod' },
  ],
  links: [
    { from: 0, to: 1, state: 'ok' },
    { from: 1, to: 2, state: 'ok' },
    { from: 2, to: 3, state: 'ok' },
    { from: 3, to: 4, state: 'ok' },
    { from: 4, to: 5, state: 'ok' },
  ],
  findings: [],
  raw: {},
};

const noEndpoints: Finding = {
  rule: 'no-endpoints',
  severity: 'error',
  link: 1,
  title: 'default/legacy-api has no endpoints',
  explanation: 'Its selector app=legacy-api matches no pod.',
  evidence: [],
  fix: [],
};

/** S6: web-client to legacy-api, a Service without endpoints. */
const s6: TraceResult = {
  ...s1,
  id: 'S6S6S6S6S6S6S6S6S6S6S6S6',
  createdAt: '2026-11-21T22:40:00Z',
  to: { ref: 'service:default/legacy-api:8080', kind: 'service', ip: '10.96.77.7', node: null },
  status: 'unreachable',
  hops: [
    { ttl: 1, ip: '10.244.2.1', rttMs: [0.4], entity: null },
    { ttl: 2, ip: null, rttMs: [], entity: null },
  ],
  path: [
    { id: 'pod:default/web-client', kind: 'pod' },
    { id: 'node-2/cni0', kind: 'interface' },
    { id: 'service:default/legacy-api', kind: 'service' },
  ],
  links: [
    { from: 0, to: 1, state: 'ok' },
    { from: 1, to: 2, state: 'broken', successRatio: { ok: 0, total: 20 } },
  ],
  findings: [noEndpoints],
};

/** S6 after its fix: the Service has an endpoint on node-1. */
const s6Fixed: TraceResult = {
  ...s6,
  id: 'S6fixedS6fixedS6fixed000',
  createdAt: '2026-11-21T22:45:00Z',
  status: 'reachable',
  hops: [
    { ttl: 1, ip: '10.244.2.1', rttMs: [0.4], entity: null },
    { ttl: 2, ip: '192.168.56.11', rttMs: [0.5], entity: null },
    { ttl: 3, ip: '10.244.1.9', rttMs: [1, 0.5], entity: null },
  ],
  path: [
    { id: 'pod:default/web-client', kind: 'pod' },
    { id: 'node-2/cni0', kind: 'interface' },
    { id: 'service:default/legacy-api', kind: 'service' },
    { id: 'node-2/eth1', kind: 'interface' },
    { id: 'node-1/eth1', kind: 'interface' },
    { id: 'pod:default/legacy-api', kind: 'pod' },
  ],
  links: [
    { from: 0, to: 1, state: 'ok' },
    { from: 1, to: 2, state: 'ok' },
    { from: 2, to: 3, state: 'ok' },
    { from: 3, to: 4, state: 'ok' },
    { from: 4, to: 5, state: 'ok' },
  ],
  findings: [],
};

describe('compareTraces', () => {
  it('finds nothing between a trace and itself', () => {
    expect(compareTraces(s1, s1)).toEqual({
      sameEndpoints: true,
      status: { before: 'reachable', after: 'reachable' },
      hops: { before: 3, after: 3 },
      rttMs: { before: 0.61, after: 0.61 },
      changes: [],
    });
  });

  it('S6 before and after its fix: the broken link turns ok, the finding is resolved', () => {
    const cmp = compareTraces(s6, s6Fixed);
    expect(cmp.sameEndpoints).toBe(true);
    expect(cmp.changes).toEqual<CompareChange[]>([
      { kind: 'status', before: 'unreachable', after: 'reachable' },
      {
        kind: 'link',
        link: { from: 'node-2/cni0', to: 'service:default/legacy-api' },
        before: 'broken',
        after: 'ok',
      },
      { kind: 'element-added', id: 'node-2/eth1', elementKind: 'interface' },
      { kind: 'element-added', id: 'node-1/eth1', elementKind: 'interface' },
      { kind: 'element-added', id: 'pod:default/legacy-api', elementKind: 'pod' },
      {
        kind: 'finding-resolved',
        rule: 'no-endpoints',
        severity: 'error',
        title: 'default/legacy-api has no endpoints',
        link: { from: 'node-2/cni0', to: 'service:default/legacy-api' },
      },
      { kind: 'hops', before: 2, after: 3 },
      { kind: 'rtt', before: null, after: 0.75 },
    ]);
    expect(cmp.changes.map(describeChange)).toEqual([
      'status: unreachable → reachable',
      'node-2/cni0 → service:default/legacy-api: broken → ok',
      'only after: node-2/eth1',
      'only after: node-1/eth1',
      'only after: pod:default/legacy-api',
      'resolved: no-endpoints on node-2/cni0 → service:default/legacy-api',
      'hops: 2 → 3',
      'RTT: none → 0.75 ms',
    ]);
  });

  it('two different targets: a broken link on one side only is listed, healthy ones are not', () => {
    const cmp = compareTraces(s1, s6);
    expect(cmp.sameEndpoints).toBe(false);
    expect(cmp.changes.map(describeChange)).toEqual([
      'status: reachable → unreachable',
      'node-2/cni0 → service:default/legacy-api: not on the path → broken',
      'only before: node-2/eth1',
      'only before: node-1/eth1',
      'only before: node-1/cni0',
      'only before: pod:default/httpd',
      'only after: service:default/legacy-api',
      'new: no-endpoints on node-2/cni0 → service:default/legacy-api',
      'hops: 3 → 2',
      'RTT: 0.61 ms → none',
    ]);
    // And the other way round, the broken link went away.
    expect(compareTraces(s6, s1).changes.filter((c) => c.kind === 'link')).toEqual([
      {
        kind: 'link',
        link: { from: 'node-2/cni0', to: 'service:default/legacy-api' },
        before: 'broken',
        after: null,
      },
    ]);
  });

  it('matches the n-th passage of a looping path with the n-th (hairpin)', () => {
    const loop = (second: 'ok' | 'broken'): TraceResult => ({
      ...s1,
      hops: [],
      path: [
        { id: 'pod:default/a', kind: 'pod' },
        { id: 'node-1/cni0', kind: 'interface' },
        { id: 'service:default/svc', kind: 'service' },
        { id: 'node-1/cni0', kind: 'interface' },
        { id: 'pod:default/a', kind: 'pod' },
      ],
      links: [
        { from: 0, to: 1, state: 'ok' },
        { from: 1, to: 2, state: 'ok' },
        { from: 2, to: 3, state: 'ok' },
        { from: 3, to: 4, state: second },
      ],
      findings: [
        { ...noEndpoints, rule: 'hairpin', link: 3 },
        { ...noEndpoints, rule: 'hairpin', link: 3 },
      ],
    });
    const cmp = compareTraces(loop('broken'), loop('ok'));
    expect(cmp.changes).toEqual([
      {
        kind: 'link',
        link: { from: 'node-1/cni0', to: 'pod:default/a' },
        before: 'broken',
        after: 'ok',
      },
    ]);
    const fewer = { ...loop('ok'), findings: [{ ...noEndpoints, rule: 'hairpin', link: 3 }] };
    expect(compareTraces(loop('ok'), fewer).changes.map(describeChange)).toEqual([
      'resolved: hairpin on node-1/cni0 → pod:default/a',
    ]);
  });

  it('a finding on no link, and one whose link index is out of range, match by rule alone', () => {
    const a = { ...s1, findings: [{ ...noEndpoints, rule: 'dns', link: null }] };
    const b = { ...s1, findings: [{ ...noEndpoints, rule: 'dns', link: 42 }] };
    expect(compareTraces(a, b).changes).toEqual([]);
    expect(describeChange(compareTraces(a, s1).changes[0]!)).toBe('resolved: dns');
  });

  it('reports a faster or slower path with a signed difference', () => {
    const slower: TraceResult = {
      ...s1,
      hops: [...s1.hops.slice(0, 2), { ttl: 3, ip: '10.244.1.3', rttMs: [12.25], entity: null }],
    };
    expect(compareTraces(s1, slower).changes.map(describeChange)).toEqual([
      'RTT: 0.61 ms → 12.3 ms (+11.6 ms)',
    ]);
    expect(compareTraces(slower, s1).changes.map(describeChange)).toEqual([
      'RTT: 12.3 ms → 0.61 ms (\u221211.6 ms)',
    ]);
  });
});

describe('helpers', () => {
  it('linkEnds names a link by its elements, null out of range', () => {
    expect(linkEnds(s6, 1)).toEqual({ from: 'node-2/cni0', to: 'service:default/legacy-api' });
    expect(linkEnds(s6, 5)).toBeNull();
    expect(linkEnds({ path: [], links: [{ from: 0, to: 1, state: 'ok' }] }, 0)).toBeNull();
  });

  it('pathRttMs is the last hop median, null when it is silent or has no hops', () => {
    expect(pathRttMs(s1)).toBe(0.61);
    expect(pathRttMs(s6)).toBeNull();
    expect(pathRttMs({ hops: [] })).toBeNull();
  });

  it('median and msText', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(msText(null)).toBe('none');
    expect(msText(0.6)).toBe('0.60 ms');
    expect(msText(123.45)).toBe('123.5 ms');
  });
});
