import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { mergePath } from '@/lib/path';
import type { TraceHop } from '@/lib/trace/types';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { extraFailed, extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult } from '../types';
import { noRouteRule as rule } from './no-route';
import { podEgressNoSnatRule } from './pod-egress-no-snat';

// The lab has no split-segment scenario: these inputs are the lab's real cross-node traces cut
// after their first hop (the source node's cni0 answered, nothing after), as a trace looks when
// the source node has no route onward.

/** The hops up to `keep`, then silence up to traceroute's -m 20. */
function cut(hops: readonly TraceHop[], keep: number): TraceHop[] {
  const silent = Array.from({ length: 20 - keep }, (_, i) => ({
    ttl: keep + i + 1,
    ip: null,
    rttMs: [],
    entity: null,
  }));
  return [...hops.slice(0, keep), ...silent];
}

/** A golden's trace cut after its first hop, merged again by the real merge stage. */
function cutGolden(name: string, snapshot?: InventorySnapshot, keep = 1): DiagnosisInput {
  const input = goldenInput(name, snapshot);
  const hops = cut(input.result.hops, keep);
  const merged = mergePath(input.expected, hops, { traceReached: false, connect: null });
  return { ...input, result: { ...input.result, hops, ...merged } };
}

function onlyRequest(input: DiagnosisInput): ExtraProbeRequest {
  const requests = rule.probes?.(input) ?? [];
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error('no request');
  return request;
}

function nodeTrace(request: ExtraProbeRequest, hops: TraceHop[]): ExtraProbeResult {
  return {
    request,
    ok: true,
    error: null,
    hops,
    reached: hops.some((h) => h.ip !== null && h.ip === request.target.ip),
    connect: null,
    addresses: [],
    raw: '',
  };
}

const renumber = (hops: TraceHop[]) => hops.map((h, i) => ({ ...h, ttl: i + 1 }));
/** node-1's eth1 as node-2's traces saw it (S1's second hop). */
const node1Hop = () => goldenInput('s1').result.hops[1] as TraceHop;
/** The router gw as node-2's own trace saw it (s5-from-node's first hop). */
const gwHop = () => goldenInput('s5-from-node').result.hops[0] as TraceHop;

describe('no-route', () => {
  describe('S1 cut after cni0: web-client (node-2) -> httpd (node-1), flannel host-gw', () => {
    const input = cutGolden('s1');

    it('applies and asks whether node-2 reaches node-1 at all', () => {
      expect(input.result.status).toBe('unreachable');
      expect(rule.applies(input)).toBe(true);
      expect(onlyRequest(input)).toEqual({
        key: 'traceroute:node:node-2:192.168.56.11',
        from: { kind: 'node', node: 'node-2' },
        kind: 'traceroute',
        target: { ip: '192.168.56.11' },
        why: 'does the node reach its peer node directly',
      });
    });

    it('is an error on the link leaving node-2 when node-1 sits behind a router', () => {
      const request = onlyRequest(input);
      const run = nodeTrace(request, renumber([gwHop(), node1Hop()]));
      const findings = rule.evaluate(input, extraMap(run));
      expect(findings).toHaveLength(1);
      const [f] = findings;
      expect(f?.rule).toBe('no-route');
      expect(f?.severity).toBe('error');
      expect(f?.link).toBe(2);
      const link = input.result.links[2];
      expect(input.result.path[link?.from ?? -1]?.id).toBe('node-2/eth1');
      expect(input.result.path[link?.to ?? -1]?.id).toBe('node-1/eth1');
      expect(f?.title).toContain('host-gw needs the nodes on one L2 segment');
      expect(f?.evidence).toEqual([
        expect.stringContaining(
          "default/web-client's trace to 10.244.1.3 on node-1: 1 10.244.2.1 (cni0 of node-2 (pod gateway)) · 2 *",
        ),
        'flannel backend host-gw on node-2 and node-1 (node annotation flannel.alpha.coreos.com/backend-type)',
        expect.stringContaining("routes 10.244.1.0/24 via node-1's own address 192.168.56.11"),
        expect.stringContaining('share a /24'),
        'node-2 reaches node-1 (192.168.56.11) only through 1 router(s) in between: 1 192.168.56.1 (router gw) · 2 192.168.56.11 (eth1 of node-1)',
      ]);
      expect(f?.explanation).toContain('layer-2 segment');
      expect(f?.explanation).toContain('vxlan');
    });

    it('fixes: the vxlan backend in net-conf.json, then the routes where the network allows', () => {
      const request = onlyRequest(input);
      const [f] = rule.evaluate(
        input,
        extraMap(nodeTrace(request, renumber([gwHop(), node1Hop()]))),
      );
      const [vxlan, routes, ...more] = f?.fix ?? [];
      expect(more).toEqual([]);
      expect(vxlan?.yaml).toContain('"Type": "vxlan"');
      expect(vxlan?.yaml).toContain('"Network": "10.244.0.0/16"');
      expect(vxlan?.commands).toEqual([
        'kubectl -n kube-system patch configmap kube-flannel-cfg --type merge --patch-file vxlan.yaml',
        'kubectl -n kube-system rollout restart daemonset kube-flannel-ds',
        'kubectl -n kube-system rollout status daemonset kube-flannel-ds',
      ]);
      expect(routes?.commands).toEqual([
        'ip route add 10.244.1.0/24 via 192.168.56.11   # on node-2',
        'ip route add 10.244.2.0/24 via 192.168.56.12   # on node-1',
      ]);
    });

    it('is an error too when node-2 does not reach node-1 at all', () => {
      const request = onlyRequest(input);
      const run = nodeTrace(request, cut([gwHop()], 1));
      const [f] = rule.evaluate(input, extraMap(run));
      expect(f?.severity).toBe('error');
      expect(f?.evidence.at(-1)).toContain('node-2 does not reach node-1 (192.168.56.11) at all');
    });

    it('is only a warning when node-1 is a direct neighbour (host-gw can work; the route is missing)', () => {
      const request = onlyRequest(input);
      const run = nodeTrace(request, renumber([node1Hop()]));
      const [f, ...more] = rule.evaluate(input, extraMap(run));
      expect(more).toEqual([]);
      expect(f?.severity).toBe('warning');
      expect(f?.link).toBe(2);
      expect(f?.evidence.at(-1)).toContain('node-2 reaches node-1 (192.168.56.11) directly');
      expect(f?.explanation).toContain('probably missing on node-2');
      // Restarting flannel's own pod on node-2 (by its real name) reinstalls the route.
      expect(f?.fix[0]?.commands?.[0]).toBe(
        'kubectl -n kube-system delete pod kube-flannel-ds-b8r5t',
      );
      expect(f?.fix.some((x) => x.yaml?.includes('vxlan'))).toBe(false);
    });

    it('is a warning that names the node-to-node trace when it could not run', () => {
      const request = onlyRequest(input);
      const [f] = rule.evaluate(input, extraMap(extraFailed(request, 'privilege')));
      expect(f?.severity).toBe('warning');
      expect(f?.title).toContain('unconfirmed');
      expect(f?.explanation).toContain('a traceroute from node-2 to 192.168.56.11 would tell');
      expect(f?.evidence.at(-1)).toContain('could not run: privilege');
    });
  });

  it('says when the InternalIPs are on different /24s (a node moved to another segment)', () => {
    const demo = fixtureSnapshot('demo');
    const moved: InventorySnapshot = {
      ...demo,
      nodes: demo.nodes.map((n) =>
        n.name === 'node-1'
          ? { ...n, internalIP: '192.168.57.11', cni: { ...n.cni, publicIP: '192.168.57.11' } }
          : n,
      ),
    };
    const input = cutGolden('s1', moved);
    const request = onlyRequest(input);
    expect(request.target).toEqual({ ip: '192.168.57.11' });
    const [f] = rule.evaluate(input, extraMap(nodeTrace(request, cut([gwHop()], 1))));
    expect(f?.severity).toBe('error');
    expect(f?.evidence).toContainEqual(
      expect.stringContaining('share only the first 23 bits: different /24s'),
    );
    expect(f?.fix[1]?.commands?.[0]).toBe(
      'ip route add 10.244.1.0/24 via 192.168.57.11   # on node-2',
    );
  });

  it('pod to node across nodes cut after cni0 applies as well', () => {
    const input = cutGolden('pod-to-node');
    expect(rule.applies(input)).toBe(true);
    expect(onlyRequest(input).target).toEqual({ ip: '192.168.56.11' });
  });

  it('k3s (vxlan): a warning only, even when the peer is unreachable; no vxlan switch offered', () => {
    const input = cutGolden('k3s-cross-node');
    const request = onlyRequest(input);
    expect(request.from).toEqual({ kind: 'node', node: 'k3s-agent-2' });
    const [f] = rule.evaluate(input, extraMap(nodeTrace(request, cut([], 0))));
    expect(f?.severity).toBe('warning');
    expect(f?.explanation).toContain('UDP port 8472');
    expect(f?.fix.some((x) => x.yaml?.includes('"Type": "vxlan"'))).toBe(false);
  });

  describe('must not fire', () => {
    const quiet = (input: DiagnosisInput) => {
      expect(rule.applies(input)).toBe(false);
      expect(rule.probes?.(input)).toEqual([]);
      expect(rule.evaluate(input, new Map())).toEqual([]);
    };

    it('when the trace reached: S1, S1b and the other healthy traces', () => {
      for (const name of ['s1', 's1b', 's2-headless', 'pod-to-node', 'k3s-cross-node']) {
        quiet(goldenInput(name));
      }
    });

    it('for the other scenarios (S2 to S6), whose breaks are not a missing route', () => {
      for (const name of ['s2', 's3', 's4', 's5', 's6', 'k3s-s5']) quiet(goldenInput(name));
    });

    it('for a same-node trace that went silent', () => {
      quiet(cutGolden('s1b', undefined, 0));
    });

    it('for a target outside the cluster (pod-egress-no-snat takes S5)', async () => {
      const s5 = goldenInput('s5');
      quiet(s5);
      const out = await diagnose(s5, [rule, podEgressNoSnatRule], async (requests) =>
        extraMap(...requests.map((r) => nodeTrace(r, goldenInput('s5-from-node').result.hops))),
      );
      expect(out.findings.map((f) => f.rule)).toEqual(['pod-egress-no-snat']);
    });

    it('when the trace died beyond the source node (node-1 answered)', () => {
      quiet(cutGolden('s1', undefined, 2));
    });
  });

  it('S1 cut: only no-route fires when both rules run', async () => {
    const input = cutGolden('s1');
    const out = await diagnose(input, [rule, podEgressNoSnatRule], async (requests) =>
      extraMap(...requests.map((r) => nodeTrace(r, renumber([gwHop(), node1Hop()])))),
    );
    expect(out.findings.map((f) => [f.rule, f.severity, f.link])).toEqual([
      ['no-route', 'error', 2],
    ]);
  });
});
