import { describe, expect, it } from 'vitest';
import { mergePath } from '@/lib/path';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import { parseKnownHosts } from '@/lib/resolve';
import { expectedPath } from '@/lib/topology';
import type { TraceHop } from '@/lib/trace/types';
import { KNOWN_HOSTS } from '../../topology/__fixtures__/cases';
import { diagnose } from '../diagnose';
import { extraFailed, extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult } from '../types';
import { podEgressNoSnatRule as rule } from './pod-egress-no-snat';

/** The hops up to `keep`, then silence up to traceroute's -m 20, as a trace that died there. */
function cut(hops: readonly TraceHop[], keep: number): TraceHop[] {
  const kept = hops.slice(0, keep);
  const silent = Array.from({ length: 20 - keep }, (_, i) => ({
    ttl: keep + i + 1,
    ip: null,
    rttMs: [],
    entity: null,
  }));
  return [...kept, ...silent];
}

/** The input with other hops, merged again by the real merge stage. */
function withHops(input: DiagnosisInput, hops: TraceHop[]): DiagnosisInput {
  const target = input.expected.traceTarget?.ip;
  const traceReached = hops.some((h) => h.ip !== null && h.ip === target);
  const merged = mergePath(input.expected, hops, { traceReached, connect: null });
  return { ...input, result: { ...input.result, hops, ...merged } };
}

/** The input traced from or to another endpoint of the same cluster, with the same hops. */
function reRef(input: DiagnosisInput, refs: { from?: string; to?: string }): DiagnosisInput {
  const from = refs.from
    ? resolveEndpoint(parseEndpointRef(refs.from), input.snapshot, 'from')
    : input.from;
  const to = refs.to ? resolveEndpoint(parseEndpointRef(refs.to), input.snapshot, 'to') : input.to;
  const expected = expectedPath(from, to, input.snapshot, {
    knownHosts: parseKnownHosts(KNOWN_HOSTS.demo),
  });
  const result = {
    ...input.result,
    from: { ...input.result.from, ref: from.ref, ip: from.ip, node: from.node },
    to: { ...input.result.to, ref: to.ref, kind: to.kind, ip: to.ip, node: to.node },
  };
  return withHops({ ...input, from, to, expected, result }, input.result.hops);
}

function onlyRequest(input: DiagnosisInput): ExtraProbeRequest {
  const requests = rule.probes?.(input) ?? [];
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error('no request');
  return request;
}

/** The node's own trace as the lab recorded it (s5-from-node), answering the rule's request. */
function nodeTrace(request: ExtraProbeRequest, hops: TraceHop[]): ExtraProbeResult {
  const target = request.target.ip;
  return {
    request,
    ok: true,
    error: null,
    hops,
    reached: hops.some((h) => h.ip !== null && h.ip === target),
    connect: null,
    addresses: [],
    raw: hops.map((h) => `${h.ttl} ${h.ip ?? '*'}`).join('\n'),
  };
}

const nodeHops = () => goldenInput('s5-from-node').result.hops;
const MASQUERADE =
  'iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -o eth1 -j MASQUERADE';

describe('pod-egress-no-snat', () => {
  describe('S5: web-client (node-2) -> 192.168.2.10, silent after cni0', () => {
    const input = goldenInput('s5');

    it("applies and asks for node-2's own trace to the same target", () => {
      expect(rule.applies(input)).toBe(true);
      expect(onlyRequest(input)).toEqual({
        key: 'traceroute:node:node-2:192.168.2.10',
        from: { kind: 'node', node: 'node-2' },
        kind: 'traceroute',
        target: { ip: '192.168.2.10' },
        why: 'node-versus-pod comparison',
      });
    });

    it('is an error on the link leaving node-2 when node-2 itself arrives', () => {
      const request = onlyRequest(input);
      const findings = rule.evaluate(input, extraMap(nodeTrace(request, nodeHops())));
      expect(findings).toHaveLength(1);
      const [f] = findings;
      expect(f?.rule).toBe('pod-egress-no-snat');
      expect(f?.severity).toBe('error');
      expect(f?.link).toBe(2);
      const link = input.result.links[2];
      expect(input.result.path[link?.from ?? -1]?.id).toBe('node-2/eth1');
      expect(input.result.path[link?.to ?? -1]?.id).toBe('external:192.168.56.1');
      expect(link?.state).toBe('broken');

      expect(f?.evidence[0]).toBe(
        'node-2 itself reaches 192.168.2.10 via 192.168.56.1: 1 192.168.56.1 (router gw) · 2 192.168.2.10 (host legacy-db)',
      );
      expect(f?.evidence[1]).toContain(
        "default/web-client's own trace to 192.168.2.10: 1 10.244.2.1 (cni0 of node-2 (pod gateway)) · 2 * · 3 *",
      );
      expect(f?.evidence.join('\n')).toContain('10.244.0.0/16');
      expect(f?.evidence.join('\n')).toContain('sends from 10.244.2.3');
      expect(f?.evidence.join('\n')).toContain('192.168.56.12 (its InternalIP)');
      // The newcomer's story: the router's missing way back, and why the node is different.
      expect(f?.explanation).toContain('The router gw (192.168.56.1)');
      expect(f?.explanation).toContain('no route back');
      expect(f?.explanation).toContain('10.244.2.3');
      expect(f?.explanation).toContain('192.168.56.12');
    });

    it("fixes with the cluster's own network, uplink, nodes and router", () => {
      const request = onlyRequest(input);
      const [f] = rule.evaluate(input, extraMap(nodeTrace(request, nodeHops())));
      const [masquerade, returnRoute, flannel, ...more] = f?.fix ?? [];
      expect(more).toEqual([]);
      expect(masquerade?.title).toContain('every node (controlplane, node-1, node-2)');
      expect(masquerade?.commands).toEqual([MASQUERADE]);
      const yaml = masquerade?.yaml ?? '';
      expect(yaml).toContain('kind: DaemonSet');
      expect(yaml).toContain('namespace: kube-system');
      expect(yaml).toContain('hostNetwork: true');
      expect(yaml).toContain('- operator: Exists');
      expect(yaml).toContain('NET_ADMIN');
      expect(yaml).toContain(
        'iptables -t nat -C POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -o eth1 -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING',
      );
      expect(returnRoute?.title).toContain('the router gw (192.168.56.1)');
      expect(returnRoute?.commands).toEqual([
        'ip route add 10.244.0.0/24 via 192.168.56.10',
        'ip route add 10.244.1.0/24 via 192.168.56.11',
        'ip route add 10.244.2.0/24 via 192.168.56.12',
      ]);
      expect(flannel?.title).toContain('--ip-masq');
      expect(flannel?.commands?.[0]).toContain(
        'kubectl -n kube-system patch daemonset kube-flannel-ds',
      );
    });

    it("says nothing when node-2's own trace dies too: the network beyond is broken for all", () => {
      const request = onlyRequest(input);
      // The router answers node-2, then nothing: legacy-db is down or unrouted for everyone.
      const dead = nodeTrace(request, cut(nodeHops(), 1));
      expect(dead.reached).toBe(false);
      expect(rule.evaluate(input, extraMap(dead))).toEqual([]);
    });

    it('is a warning that names the comparison when the node probe could not run', () => {
      const request = onlyRequest(input);
      const findings = rule.evaluate(
        input,
        extraMap(extraFailed(request, 'hostNetwork probes are not allowed')),
      );
      expect(findings).toHaveLength(1);
      const [f] = findings;
      expect(f?.severity).toBe('warning');
      expect(f?.link).toBe(2);
      expect(f?.title).toContain('unconfirmed');
      expect(f?.explanation).toContain('node-versus-pod comparison');
      expect(f?.explanation).toContain('hostNetwork probes are not allowed');
      expect(f?.fix[0]?.commands).toEqual(['traceroute -n 192.168.2.10']);
      expect(f?.fix[1]?.commands).toEqual([MASQUERADE]);
      // Without the node's trace there is no router to name, and nothing is claimed about one.
      expect(f?.explanation).not.toContain('gw');
    });

    it('runs end to end through diagnose with a faked engine', async () => {
      const out = await diagnose(input, [rule], async (requests) =>
        extraMap(...requests.map((r) => nodeTrace(r, nodeHops()))),
      );
      expect(out.findings.map((f) => [f.rule, f.severity, f.link])).toEqual([
        ['pod-egress-no-snat', 'error', 2],
      ]);
      expect(out.notes).toContain(
        'extra probe (node-versus-pod comparison) ran from the host network of node-2',
      );
    });
  });

  it('k3s: the same break with its own pod network, and its nodes as return routes', () => {
    const input = goldenInput('k3s-s5');
    expect(rule.applies(input)).toBe(true);
    const request = onlyRequest(input);
    expect(request.from).toEqual({ kind: 'node', node: 'k3s-agent-2' });
    const [f] = rule.evaluate(input, extraMap(extraFailed(request, 'timed out')));
    expect(f?.fix[1]?.commands).toEqual([
      'iptables -t nat -A POSTROUTING -s 10.42.0.0/16 ! -d 10.42.0.0/16 -o eth1 -j MASQUERADE',
    ]);
    expect(f?.fix[2]?.commands).toContain('ip route add 10.42.2.0/24 via 192.168.1.13');
  });

  describe('must not fire', () => {
    const quiet = (input: DiagnosisInput) => {
      expect(rule.applies(input)).toBe(false);
      expect(rule.probes?.(input)).toEqual([]);
      expect(rule.evaluate(input, new Map())).toEqual([]);
    };

    it('for the healthy traces S1 and S1b, and the other scenarios', () => {
      for (const name of ['s1', 's1b', 's2', 's2-headless', 's3', 's4', 's6', 'pod-to-node']) {
        quiet(goldenInput(name));
      }
    });

    it('once S5 reaches legacy-db (after the fix)', () => {
      const s5 = goldenInput('s5');
      const fixed = withHops(s5, [s5.result.hops[0] as TraceHop, ...nodeHops()].map(renumber));
      expect(fixed.result.status).toBe('reachable');
      quiet(fixed);
    });

    it('from the node itself, or from a hostNetwork pod (their packets carry the node address)', () => {
      quiet(withHops(goldenInput('s5-from-node'), cut(nodeHops(), 1)));
      const hostPod = reRef(goldenInput('s5'), { from: 'pod:default/my-pod' });
      expect(hostPod.from.hostNetwork).toBe(true);
      quiet(hostPod);
    });

    it('for a target inside the pod network, even one no pod has', () => {
      const inside = reRef(goldenInput('s5'), { to: 'ip:10.244.3.7' });
      expect(inside.result.status).toBe('unreachable');
      quiet(inside);
    });

    it('for a node or Service address, and a cross-node pod trace cut after cni0 (no-route)', () => {
      quiet(reRef(goldenInput('s5'), { to: 'ip:192.168.56.11' }));
      quiet(reRef(goldenInput('s5'), { to: 'ip:10.96.0.99' }));
      const s1 = goldenInput('s1');
      quiet(withHops(s1, cut(s1.result.hops, 1)));
    });

    it('when the trace died somewhere beyond the node (the router answered)', () => {
      const s5 = goldenInput('s5');
      const beyond = withHops(
        s5,
        cut([s5.result.hops[0] as TraceHop, ...nodeHops()].map(renumber), 2),
      );
      expect(beyond.result.status).toBe('unreachable');
      quiet(beyond);
    });
  });
});

function renumber(hop: TraceHop, i: number): TraceHop {
  return { ...hop, ttl: i + 1 };
}
