/**
 * The k3s cluster (flannel vxlan, flannel.1 emulated with veth at layer 3): the cross-node
 * trace shows cni0 of the source node, flannel.1 of the target node, the pod; S5 and its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDnsService } from '../emulator/controllers/seed';
import { k3sScenario } from '../scenarios/k3s';
import type { NetworkLab } from './lab';
import {
  assertRoot,
  connect,
  hopAddresses,
  labTestsOff,
  quickTraceroute,
  runContainer,
  sandbox,
} from './lab-test-support';
import { startLab } from './lab';
import { endpointSliceObject, scenarioServiceObjects, serviceObject } from './scenario-objects';

const client = { pod: { namespace: 'default', name: 'client' } };

describe.skipIf(labTestsOff)('k3s cluster lab', () => {
  let lab: NetworkLab;

  beforeAll(async () => {
    assertRoot();
    lab = await startLab(k3sScenario);
    // The scenario's Services plus kube-dns with its CoreDNS pod, as the API has them.
    const objects = scenarioServiceObjects(k3sScenario);
    const dns = clusterDnsService(k3sScenario);
    await lab.syncServices(
      [...objects.services, serviceObject(dns)],
      [...objects.endpointSlices, endpointSliceObject(k3sScenario, dns)],
    );
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('cross-node trace: 10.42.2.1, 10.42.1.0 (flannel.1 of the target node), the pod', async () => {
    const spec = sandbox('default', 'traceroute', 'k3s-agent-2', { podIP: '10.42.2.20' });
    await lab.runtime.createSandbox(spec);
    const { exit, stdout } = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'busybox',
      argv: quickTraceroute('10.42.1.5'),
    });
    expect(exit.exitCode).toBe(0);
    expect(hopAddresses(stdout)).toEqual(['10.42.2.1', '10.42.1.0', '10.42.1.5']);
    await lab.runtime.removeSandbox(spec);

    const flannel = await lab.exec({ node: 'k3s-agent-2' }, [
      'ip',
      'route',
      'show',
      '10.42.1.0/24',
    ]);
    expect(flannel.stdout).toContain('10.42.1.0/24 via 10.42.1.0 dev flannel.1 onlink');
  });

  it('the Service and cluster DNS work across the overlay', async () => {
    const byName = await lab.exec(client, connect('web.default.svc.cluster.local', 80, 2));
    expect(byName.code).toBe(0);
    expect(byName.stderr).toContain('(10.43.20.80)');
    // 10.43.0.10 leads to CoreDNS on the server (10.42.0.2), across the overlay.
    const lookup = await lab.exec(client, ['nslookup', 'web']);
    expect(lookup.stdout).toContain('10.43.0.10#53');
    expect(lookup.stdout).toContain('Address: 10.43.20.80');
    const sockets = await lab.exec(
      { pod: { namespace: 'kube-system', name: 'coredns-6799fbcd5-9hqkz' } },
      ['ss', '-Hlnt'],
    );
    expect(sockets.stdout).toContain('10.42.0.2:53');
  });

  it('S5: the pod trace stops after 10.42.2.1, the node reaches 192.168.2.10, MASQUERADE fixes it', async () => {
    const broken = await lab.exec(client, quickTraceroute('192.168.2.10'));
    const hops = hopAddresses(broken.stdout);
    expect(hops[0]).toBe('10.42.2.1');
    expect(hops.slice(1)).toEqual(Array(7).fill('*'));

    const fromNode = await lab.exec({ node: 'k3s-agent-2' }, quickTraceroute('192.168.2.10'));
    expect(hopAddresses(fromNode.stdout)).toEqual(['192.168.1.1', '192.168.2.10']);

    await lab.applyFix({ kind: 'masquerade-pod-egress' });
    const rule = await lab.exec({ node: 'k3s-agent-2' }, [
      'iptables',
      '-t',
      'nat',
      '-S',
      'POSTROUTING',
    ]);
    expect(rule.stdout).toContain(
      '-A POSTROUTING -s 10.42.0.0/16 ! -d 10.42.0.0/16 -o eth0 -j MASQUERADE',
    );
    const fixed = await lab.exec(client, quickTraceroute('192.168.2.10'));
    expect(hopAddresses(fixed.stdout)).toEqual(['10.42.2.1', '192.168.1.1', '192.168.2.10']);
    const ping = await lab.exec(client, ['ping', '-c', '1', '-W', '2', '192.168.2.10']);
    expect(ping.code).toBe(0);
  });
});

describe.skipIf(labTestsOff)('a scenario without a CoreDNS pod', () => {
  let lab: NetworkLab | undefined;

  afterAll(async () => {
    await lab?.close();
  });

  it('gets the private DNS namespace behind kube-dns, whose API slice is empty', async () => {
    assertRoot();
    const scenario = {
      ...k3sScenario,
      pods: k3sScenario.pods.filter((p) => p.labels?.['k8s-app'] !== 'kube-dns'),
    };
    lab = await startLab(scenario);
    const objects = scenarioServiceObjects(scenario);
    const dns = clusterDnsService(scenario);
    const emptySlice = endpointSliceObject(scenario, dns);
    expect(emptySlice.endpoints).toEqual([]);
    await lab.syncServices(
      [...objects.services, serviceObject(dns)],
      [...objects.endpointSlices, emptySlice],
    );
    const lookup = await lab.exec(client, ['nslookup', 'web']);
    expect(lookup.stdout).toContain('10.43.0.10#53');
    expect(lookup.stdout).toContain('Address: 10.43.20.80');
    const rules = await lab.exec({ node: 'k3s-agent-2' }, ['iptables', '-t', 'nat', '-S']);
    expect(rules.stdout).toContain('-j DNAT --to-destination 10.42.0.254:53');
  });
});
