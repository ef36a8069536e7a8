import { expect, test } from '@playwright/test';
import { kubectl, onNode } from './support/demo-lab';
import { findingSummary, runTrace } from './support/trace-api';

// Journey: S5 of shared/scenarios.md on the live lab. web-client's trace to legacy-db dies
// right after its node while the node's own trace arrives (the node-versus-pod comparison);
// podpath says `pod-egress-no-snat` on the link leaving the node, with the node's trace as
// evidence. The article's MASQUERADE on every node (the finding's first fix) turns it green.

const TARGET = '192.168.2.10';
const S5 = { from: 'pod:default/web-client', to: `ip:${TARGET}` };

interface ClusterFacts {
  nodes: string[];
  /** The cluster's pod network: the /16 every node's podCIDR lies in. */
  podNetwork: string;
  /** flanneld's --iface: the node interface pod traffic leaves by. */
  uplink: string;
}

/** The cluster's names and addresses as kubectl shows them, not the scenario's literals. */
async function clusterFacts(): Promise<ClusterFacts> {
  const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as {
    items: { metadata: { name: string }; spec: { podCIDRs?: string[]; podCIDR?: string } }[];
  };
  const cidrs = nodes.items.flatMap((n) => n.spec.podCIDRs ?? [n.spec.podCIDR ?? '']);
  const sixteens = new Set(cidrs.map((c) => c.split('.').slice(0, 2).join('.')));
  expect(sixteens.size, `podCIDRs ${cidrs.join(', ')} in one /16`).toBe(1);
  const ds = JSON.parse(
    await kubectl('-n', 'kube-system', 'get', 'daemonset', 'kube-flannel-ds', '-o', 'json'),
  ) as { spec: { template: { spec: { containers: { args?: string[] }[] } } } };
  const args = ds.spec.template.spec.containers.flatMap((c) => c.args ?? []);
  const uplink = args.find((a) => a.startsWith('--iface='))?.slice('--iface='.length);
  if (!uplink) throw new Error(`flannel runs without --iface: ${args.join(' ')}`);
  return {
    nodes: nodes.items.map((n) => n.metadata.name),
    podNetwork: `${[...sixteens][0]}.0.0/16`,
    uplink,
  };
}

test.describe('diagnosis S5: pod egress without SNAT', () => {
  test.describe.configure({ mode: 'serial', timeout: 400_000 });

  test.beforeAll(async ({ playwright }, info) => {
    const request = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
    const { dataPlane } = (await (await request.get('/api/inventory')).json()) as {
      dataPlane: string | null;
    };
    await request.dispose();
    // The fix runs in the lab's node namespaces; recorded replays have none.
    test.skip(dataPlane !== 'lab', 'needs the live network lab');
  });

  test('pod-egress-no-snat on the link leaving node-2; MASQUERADE on every node turns it green', async ({
    request,
  }) => {
    const facts = await clusterFacts();
    const r = await runTrace(request, S5);
    expect(r.status).toBe('unreachable');
    const node = r.from.node!;
    expect(findingSummary(r)).toEqual([
      ['pod-egress-no-snat', 'error', expect.stringMatching(/^external:/)],
    ]);
    const [f] = r.findings;
    const link = r.links[f!.link!]!;
    // The link that leaves the source node, the broken one of the merged path.
    expect(link.state).toBe('broken');
    expect(r.path[link.from]?.node).toBe(node);
    expect(r.path[link.to]?.node).toBeUndefined();

    // The node-versus-pod comparison ran, and its successful trace is the evidence.
    expect(r.notes).toContain(
      `extra probe (node-versus-pod comparison) ran from the host network of ${node}`,
    );
    expect(r.raw[`extra:traceroute:node:${node}:${TARGET}`]).toContain(`traceroute to ${TARGET}`);
    const [nodeTrace, podTrace] = f!.evidence;
    expect(nodeTrace).toMatch(
      new RegExp(`^${node} itself reaches ${TARGET.replace(/\./g, '\\.')} via [\\d.]+: 1 `),
    );
    expect(podTrace).toContain(`default/web-client's own trace to ${TARGET}: 1 `);
    expect(podTrace).toContain(`(cni0 of ${node}`);
    expect(podTrace).toContain('· 2 *');

    // The first fix with the cluster's own pod network and flannel's uplink.
    const spec = [
      'POSTROUTING',
      '-s',
      facts.podNetwork,
      '!',
      '-d',
      facts.podNetwork,
      '-o',
      facts.uplink,
      '-j',
      'MASQUERADE',
    ];
    expect(f!.fix[0]?.commands).toEqual([['iptables', '-t', 'nat', '-A', ...spec].join(' ')]);
    expect(f!.fix[0]?.yaml).toContain('kind: DaemonSet');

    const applied: string[] = [];
    try {
      for (const n of facts.nodes) {
        await onNode(n, ['iptables', '-t', 'nat', '-A', ...spec]);
        applied.push(n);
      }
      const fixed = await runTrace(request, S5);
      expect(fixed.status).toBe('reachable');
      expect(fixed.links.every((l) => l.state === 'ok')).toBe(true);
      expect(fixed.findings).toEqual([]);
      expect(fixed.hops.at(-1)?.ip).toBe(TARGET);
    } finally {
      for (const n of applied) await onNode(n, ['iptables', '-t', 'nat', '-D', ...spec]);
    }
  });
});
