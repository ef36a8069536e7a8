import { describe, expect, it } from 'vitest';
import { demoScenario } from '../scenarios/demo';
import { k3sScenario } from '../scenarios/k3s';
import { cidrContains, networkOf, nthAddress, parseCidr } from './cidr';
import { fixCommands } from './fixes';
import { labNames, newLabPrefix } from './names';
import { clusterDnsIP, macFor, planLab } from './plan';

describe('cidr', () => {
  it('does IPv4 network arithmetic', () => {
    expect(networkOf('10.244.1.1/24')).toBe('10.244.1.0/24');
    expect(cidrContains('10.244.0.0/16', '10.244.2.3')).toBe(true);
    expect(cidrContains('10.96.0.0/12', '10.112.0.1')).toBe(false);
    expect(nthAddress('10.244.0.0/24', 254)).toBe('10.244.0.254');
    expect(() => parseCidr('10.0.0.300/8')).toThrow();
  });
});

describe('names', () => {
  it('uses one pp<4 hex>- prefix for every namespace', () => {
    const prefix = newLabPrefix();
    expect(prefix).toMatch(/^pp[0-9a-f]{4}-$/);
    const names = labNames(prefix);
    expect(names.node(2)).toBe(`${prefix}n2`);
    expect(() => labNames('lab-')).toThrow(/pp1a2b-/);
  });
});

describe('planLab', () => {
  const demo = planLab(demoScenario, 'pp0abc-', false);

  it('gives every node, pod, router and host its own namespace, all with the prefix', () => {
    expect(demo.namespaces.every((n) => n.startsWith('pp0abc-'))).toBe(true);
    expect(demo.pods.map((p) => p.name)).toContain('web-client');
    expect(demo.pods.some((p) => p.name === 'my-pod')).toBe(false); // hostNetwork
    expect(new Set(demo.namespaces).size).toBe(demo.namespaces.length);
  });

  it('routes other nodes pod CIDRs via their eth1 (host-gw) and adds the static routes', () => {
    const node2 = demo.nodeSetups[2]!.ip;
    expect(node2).toContain('route add 10.244.1.0/24 via 192.168.56.11 dev eth1');
    expect(node2).toContain('route add 192.168.2.0/24 via 192.168.56.1 dev eth1');
    expect(node2).toContain('addr add 10.244.2.1/24 dev cni0');
    expect(node2).toContain('link add vp5 mtu 1500 type veth peer name eth0 netns pp0abc-p5');
    expect(node2.some((l) => l.includes('hairpin on'))).toBe(false);
  });

  it('keeps interface names within 15 characters', () => {
    const all = [demo.switchSetup, ...demo.nodeSetups, ...demo.leafSetups].flatMap((s) => s.ip);
    for (const line of all) {
      for (const m of line.matchAll(/(?:link add|name|dev) (\S+)/g))
        expect(m[1]!.length).toBeLessThanOrEqual(15);
    }
  });

  it('gives the router no route back to the pod network (S5)', () => {
    const gw = demo.leafSetups.find((s) => s.ns === demo.hosts.find((h) => h.name === 'gw')!.ns)!;
    expect(gw.ip.some((l) => l.includes('10.244'))).toBe(false);
    expect(demo.sysctls.get(demo.hosts[0]!.ns)).toContain('net.ipv4.ip_forward=1');
  });

  it('runs cluster DNS in the CoreDNS pod: its own namespace and address, nothing private', () => {
    const coredns = demo.pods.find((p) => p.name === 'coredns-7db6d8ff4d-4xk2p')!;
    expect(coredns).toMatchObject({ node: 'controlplane', ip: '10.244.0.2' });
    expect(demo.dns).toEqual({
      clusterIP: '10.96.0.10',
      servers: [
        {
          ns: coredns.ns,
          ip: '10.244.0.2',
          node: 'controlplane',
          pod: { namespace: 'kube-system', name: 'coredns-7db6d8ff4d-4xk2p' },
        },
      ],
      private: false,
    });
    // Port 53 (UDP and TCP) is the DNS server's; only the metrics port gets a listener.
    expect(coredns.listenPorts).toEqual([9153]);
    expect(demo.namespaces).not.toContain('pp0abc-dns');
    const all = [demo.switchSetup, ...demo.nodeSetups, ...demo.leafSetups].flatMap((s) => s.ip);
    expect(all.some((l) => l.includes('vdns') || l.includes('10.244.0.254'))).toBe(false);
    expect(demo.nodeSetups[0]!.ip).toContain(
      `link add vp${coredns.serial} mtu 1500 type veth peer name eth0 netns ${coredns.ns}`,
    );
    const k3s = planLab(k3sScenario, 'pp0abc-', false);
    expect(k3s.dns.servers.map((d) => [d.ip, d.node, d.pod?.name])).toEqual([
      ['10.42.0.2', 'k3s-server', 'coredns-6799fbcd5-9hqkz'],
    ]);
  });

  it('falls back to a private DNS namespace when the scenario has no CoreDNS pod', () => {
    const plan = planLab(
      {
        ...demoScenario,
        pods: demoScenario.pods.filter((p) => p.labels?.['k8s-app'] !== 'kube-dns'),
      },
      'pp0abc-',
      false,
    );
    expect(plan.dns).toEqual({
      clusterIP: '10.96.0.10',
      servers: [{ ns: 'pp0abc-dns', ip: '10.244.0.254', node: 'controlplane', pod: null }],
      private: true,
    });
    expect(plan.namespaces).toContain('pp0abc-dns');
    expect(plan.nodeSetups[0]!.ip).toContain(
      'link add vdns mtu 1500 type veth peer name eth0 netns pp0abc-dns',
    );
    expect(plan.leafSetups.find((s) => s.ns === 'pp0abc-dns')?.ip).toContain(
      'addr add 10.244.0.254/24 dev eth0',
    );
  });

  it('emulates flannel.1 for vxlan with onlink routes and permanent neighbours', () => {
    const k3s = planLab(k3sScenario, 'pp0abc-', false);
    const agent2 = k3s.nodeSetups[2]!.ip;
    expect(agent2).toContain('addr add 10.42.2.0/32 dev flannel.1');
    expect(agent2).toContain('route add 10.42.1.0/24 via 10.42.1.0 dev flannel.1 onlink');
    expect(agent2).toContain(
      `neigh add 10.42.1.0 lladdr ${macFor('10.42.1.0', '0e:fa')} dev flannel.1 nud permanent`,
    );
    expect(k3s.switchSetup.ip).toContain('link add ovl type bridge');
    expect(clusterDnsIP(k3sScenario)).toBe('10.43.0.10');
  });
});

describe('fixes', () => {
  const ctx = {
    podNetwork: '10.244.0.0/16',
    nodeInterface: 'eth1',
    nodes: [
      { name: 'node-1', podPorts: ['vp1', 'vp2'] },
      { name: 'node-2', podPorts: ['vp5'] },
    ],
  };
  it('are the articles literal commands', () => {
    expect(fixCommands({ kind: 'masquerade-pod-egress' }, ctx)[1]).toEqual({
      node: 'node-2',
      argv: 'iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -o eth1 -j MASQUERADE'.split(
        ' ',
      ),
    });
    expect(
      fixCommands(
        { kind: 'output-dnat', node: 'node-2', from: '192.168.56.241', to: '10.96.38.1' },
        ctx,
      ),
    ).toEqual([
      {
        node: 'node-2',
        argv: 'iptables -t nat -A OUTPUT -d 192.168.56.241 -j DNAT --to-destination 10.96.38.1'.split(
          ' ',
        ),
      },
    ]);
    expect(fixCommands({ kind: 'hairpin-mode' }, ctx).map((c) => c.argv.join(' '))).toEqual([
      'ip link set vp1 type bridge_slave hairpin on',
      'ip link set vp2 type bridge_slave hairpin on',
      'ip link set vp5 type bridge_slave hairpin on',
    ]);
    expect(() =>
      fixCommands({ kind: 'output-dnat', node: 'nope', from: 'a', to: 'b' }, ctx),
    ).toThrow();
  });
});
