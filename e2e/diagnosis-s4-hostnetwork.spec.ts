import { expect, test } from '@playwright/test';
import { onNode } from './support/demo-lab';
import { findingSummary, runTrace, serviceByExternalIp } from './support/trace-api';

// Journey: S4 of shared/scenarios.md on the live lab. my-pod (hostNetwork on node-2) cannot
// reach the LoadBalancer IP 192.168.56.241 while an ordinary pod on node-2 can; podpath says
// `hostnetwork-external-ip` on the LoadBalancer hop with that comparison as evidence. The
// article's OUTPUT DNAT on node-2 (the finding's second fix) turns the trace green.

const LB = { ip: '192.168.56.241', port: 38001 };
const S4 = { from: 'pod:default/my-pod', to: `ip:${LB.ip}:${LB.port}` };

test.describe('diagnosis S4: host network to a LoadBalancer IP', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });

  test('hostnetwork-external-ip on the LoadBalancer hop; the OUTPUT DNAT fix turns it green', async ({
    request,
  }) => {
    const r = await runTrace(request, S4);
    expect(r.status).toBe('unreachable');
    expect(r.strategy).toBe('hostNetwork');
    expect(findingSummary(r)).toEqual([
      ['hostnetwork-external-ip', 'error', `loadbalancer:${LB.ip}`],
    ]);
    const [f] = r.findings;
    expect(r.links[f!.link!]?.state).toBe('broken');
    const svc = await serviceByExternalIp(LB.ip);
    const node = r.from.node!;
    const evidence = f!.evidence.join('\n');
    expect(evidence).toContain(
      `default/my-pod has hostNetwork: true: it uses ${node}'s own network`,
    );
    expect(evidence).toContain(`0 of 20 TCP connects to ${LB.ip}:${LB.port} succeeded`);
    // The comparison: an ordinary pod on the same node reaches the same address.
    expect(evidence).toMatch(
      new RegExp(
        `an ordinary pod on ${node}: (\\d+) of \\1 TCP connects to ${LB.ip.replace(/\./g, '\\.')}:${LB.port} succeeded`,
      ),
    );
    expect(f!.fix[0]?.yaml).toContain('dnsPolicy: ClusterFirstWithHostNet');
    expect(f!.fix[0]?.title).toContain(`${svc.name}.${svc.namespace}.svc.cluster.local:${LB.port}`);

    // The article's rule with the cluster's real addresses, exactly as the finding gives it.
    const rule = ['-d', LB.ip, '-j', 'DNAT', '--to-destination', svc.clusterIP];
    expect(f!.fix[1]?.commands).toEqual([
      ['iptables', '-t', 'nat', '-A', 'OUTPUT', ...rule].join(' '),
    ]);
    let applied = false;
    try {
      await onNode(node, ['iptables', '-t', 'nat', '-A', 'OUTPUT', ...rule]);
      applied = true;
      const fixed = await runTrace(request, S4);
      expect(fixed.status).toBe('reachable');
      expect(fixed.links.every((l) => l.state === 'ok')).toBe(true);
      expect(fixed.findings).toEqual([]);
    } finally {
      if (applied) await onNode(node, ['iptables', '-t', 'nat', '-D', 'OUTPUT', ...rule]);
    }
  });
});
