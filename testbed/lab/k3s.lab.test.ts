/**
 * The k3s cluster (flannel vxlan, flannel.1 emulated with veth at layer 3): the cross-node
 * trace shows cni0 of the source node, flannel.1 of the target node, the pod; S5 and its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { scenarioServiceObjects } from './scenario-objects';

const client = { pod: { namespace: 'default', name: 'client' } };

describe.skipIf(labTestsOff)('k3s cluster lab', () => {
  let lab: NetworkLab;

  beforeAll(async () => {
    assertRoot();
    lab = await startLab(k3sScenario);
    const objects = scenarioServiceObjects(k3sScenario);
    await lab.syncServices(objects.services, objects.endpointSlices);
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
