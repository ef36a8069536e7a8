/**
 * The demo cluster in the kernel: S1's article hops, and every scenario's symptom followed by
 * the article's fix removing it. Needs root (PODPATH_LAB=off skips it on purpose).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDnsService } from '../emulator/controllers/seed';
import { demoScenario } from '../scenarios/demo';
import type { ScenarioService } from '../scenarios/types';
import type { NetworkLab } from './lab';
import {
  assertRoot,
  connect,
  countFailures,
  hopAddresses,
  labTestsOff,
  quickTraceroute,
  runContainer,
  sandbox,
} from './lab-test-support';
import { startLab } from './lab';
import { endpointSliceObject, scenarioServiceObjects, serviceObject } from './scenario-objects';

/** The scenario's Services and slices, plus kube-dns with its CoreDNS pod as the API has it. */
function clusterObjects(change?: (svc: ScenarioService) => ScenarioService) {
  const objects = scenarioServiceObjects(demoScenario, change);
  const dns = clusterDnsService(demoScenario);
  return {
    services: [...objects.services, serviceObject(dns)],
    endpointSlices: [...objects.endpointSlices, endpointSliceObject(demoScenario, dns)],
  };
}

const coredns = { pod: { namespace: 'kube-system', name: 'coredns-7db6d8ff4d-4xk2p' } };
const webClient = { pod: { namespace: 'default', name: 'web-client' } };
const fxrql = { pod: { namespace: 'default', name: 'k8s-go-demo-deploy-66cdbcd8d9-fxrql' } };
const myPod = { pod: { namespace: 'default', name: 'my-pod' } };
const nginx = { pod: { namespace: 'default', name: 'nginx' } };

describe.skipIf(labTestsOff)('demo cluster lab', () => {
  let lab: NetworkLab;

  beforeAll(async () => {
    assertRoot();
    lab = await startLab(demoScenario);
    const objects = clusterObjects();
    await lab.syncServices(objects.services, objects.endpointSlices);
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('S1: a busybox traceroute pod on node-2 prints the article three hops', async () => {
    const spec = sandbox('default', 'traceroute', 'node-2', { podIP: '10.244.2.10' });
    await lab.runtime.createSandbox(spec);
    const { exit, stdout } = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'busybox',
      argv: ['traceroute', '10.244.1.3'],
    });
    expect(exit).toEqual({ exitCode: 0, reason: 'Completed' });
    expect(stdout).toMatch(/^traceroute to 10\.244\.1\.3 \(10\.244\.1\.3\), 30 hops max/);
    expect(hopAddresses(stdout)).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);
    await lab.runtime.removeSandbox(spec);
    expect(lab.pod('default', 'traceroute')).toBeUndefined();
  });

  it('S1: the same hops through exec and through the probe image run as nobody', async () => {
    const viaExec = await lab.exec(webClient, quickTraceroute('10.244.1.3'));
    expect(viaExec.code).toBe(0);
    expect(hopAddresses(viaExec.stdout)).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);

    const spec = sandbox('podpath', 'probe-s1', 'node-2', { podIP: '10.244.2.11' });
    await lab.runtime.createSandbox(spec);
    const probe = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'ghcr.io/podpath/probe:0.1.0',
      argv: quickTraceroute('10.244.1.3'),
    });
    expect(probe.exit.exitCode).toBe(0);
    expect(probe.stdout).toContain('60 byte packets'); // Debian's traceroute, not busybox
    expect(hopAddresses(probe.stdout)).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);
    const whoami = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'ghcr.io/podpath/probe',
      argv: ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'],
    });
    expect(whoami.stdout).toContain('inet 10.244.2.11/24');
    await lab.runtime.removeSandbox(spec);
  });

  it('cluster DNS: web-client resolves the headless Service through 10.96.0.10 and CoreDNS', async () => {
    // busybox nslookup in web-client's sandbox (UDP), as podpath's probes run it.
    const spec = { ...sandbox('default', 'web-client', 'node-2'), podIP: '10.244.2.3' };
    const udp = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'busybox',
      argv: ['nslookup', 'k8s-go-demo-svc-headless'],
    });
    // busybox asks every search domain and exits 1 on their NXDOMAINs, as in a real pod.
    expect(udp.stdout).toMatch(/Server:\s+10\.96\.0\.10\nAddress:\s+10\.96\.0\.10:53\n/);
    expect(udp.stdout).toContain('Name:\tk8s-go-demo-svc-headless.default.svc.cluster.local');
    expect(udp.stdout).toContain('Address: 10.244.1.4');
    expect(udp.stdout).toContain('Address: 10.244.2.4');
    // The same over TCP (dns-tcp), with the probe image's nslookup.
    const tcp = await lab.exec(webClient, ['nslookup', '-vc', 'k8s-go-demo-svc-headless']);
    expect(tcp.code).toBe(0);
    expect(tcp.stdout).toContain('10.96.0.10#53');
    expect(tcp.stdout).toContain('Address: 10.244.1.4');
    expect(tcp.stdout).toContain('Address: 10.244.2.4');
    // CoreDNS's metrics port answers through the ClusterIP as well.
    expect((await lab.exec(webClient, connect('10.96.0.10', 9153, 2))).code).toBe(0);

    // The server runs in the CoreDNS pod on its address, reached through kube-proxy's rules.
    const sockets = await lab.exec(coredns, ['ss', '-Hlnu']);
    expect(sockets.stdout).toContain('10.244.0.2:53');
    const rules = await lab.exec({ node: 'node-2' }, ['iptables', '-t', 'nat', '-S']);
    expect(rules.stdout).toContain(
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment "kube-system/kube-dns:dns cluster IP" -j KUBE-SVC-TCOU7JCQXEZGVUNU',
    );
    expect(rules.stdout).toMatch(/-p udp -m udp .* -j DNAT --to-destination 10\.244\.0\.2:53/);
    const namespaces = await lab.exec({ node: 'node-2' }, ['ip', 'netns', 'list']);
    expect(namespaces.stdout).not.toContain(`${lab.prefix}dns`);
  });

  it('cluster DNS has no special case: without a ready CoreDNS endpoint, lookups fail', async () => {
    const objects = clusterObjects();
    const slice = objects.endpointSlices.find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns',
    )!;
    (slice.endpoints as { conditions: { ready: boolean } }[])[0]!.conditions.ready = false;
    await lab.syncServices(objects.services, objects.endpointSlices);
    const refused = await lab.exec(webClient, ['nslookup', '-timeout=2', 'httpd']);
    expect(refused.code).not.toBe(0);
    const rules = await lab.exec({ node: 'node-2' }, ['iptables', '-S', 'KUBE-SERVICES']);
    expect(rules.stdout).toContain('kube-system/kube-dns:dns has no endpoints');

    const ready = clusterObjects();
    await lab.syncServices(ready.services, ready.endpointSlices);
    const answered = await lab.exec(webClient, ['nslookup', 'httpd']);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('Address: 10.96.100.10');
  });

  it('S1b: nginx to httpd stays on node-1 (one hop)', async () => {
    const result = await lab.exec(nginx, quickTraceroute('10.244.1.3'));
    expect(hopAddresses(result.stdout)).toEqual(['10.244.1.3']);
  });

  it('probe containers fail like the real ones without NET_RAW or as non-root', async () => {
    const spec = sandbox('default', 'caps', 'node-2', { podIP: '10.244.2.12' });
    await lab.runtime.createSandbox(spec);
    const dropped = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'busybox:1.36',
      argv: quickTraceroute('10.244.1.3'),
      securityContext: { capabilities: { drop: ['NET_RAW'] } },
    });
    expect(dropped.exit.exitCode).not.toBe(0);
    expect(dropped.stderr).toContain('Operation not permitted');
    const nonRoot = await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'busybox',
      argv: quickTraceroute('10.244.1.3'),
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
    });
    expect(nonRoot.exit.exitCode).not.toBe(0);
    expect(nonRoot.stderr).toContain('Operation not permitted');
    await expect(
      lab.runtime.startContainer({
        sandbox: spec,
        name: 'curl',
        image: 'curlimages/curl',
        argv: ['curl', 'http://10.244.1.3'],
        longRunning: false,
      }),
    ).rejects.toThrow(/not available in the lab/);
    await expect(
      lab.runtime.startContainer({
        sandbox: spec,
        name: 'sh',
        image: 'busybox',
        argv: ['sh', '-c', 'id'],
        longRunning: false,
      }),
    ).rejects.toThrow(/cannot run/);
    await lab.runtime.removeSandbox(spec);
  });

  it('S2: about half of 20 connects from fxrql to its own ClusterIP fail; headless never', async () => {
    const viaClusterIP = await countFailures(20, () =>
      lab.exec(fxrql, connect('10.96.212.203', 80, 1)),
    );
    expect(viaClusterIP.failed).toBeGreaterThanOrEqual(2);
    expect(viaClusterIP.failed).toBeLessThanOrEqual(18);
    const lookup = await lab.exec(fxrql, ['nslookup', 'k8s-go-demo-svc-headless']);
    expect(lookup.stdout).toContain('10.244.1.4');
    expect(lookup.stdout).toContain('10.244.2.4');
    const viaHeadless = await countFailures(20, () =>
      lab.exec(fxrql, connect('k8s-go-demo-svc-headless', 38001, 1)),
    );
    expect(viaHeadless.failed).toBe(0);
    // Another pod's connects to the same ClusterIP always work: only the loop back fails.
    const fromElsewhere = await countFailures(10, () =>
      lab.exec(webClient, connect('10.96.212.203', 80, 1)),
    );
    expect(fromElsewhere.failed).toBe(0);
  });

  it('S2 fix: hairpin mode on the bridge ports makes every connect work', async () => {
    await lab.applyFix({ kind: 'hairpin-mode' });
    const port = await lab.exec({ node: 'node-1' }, ['ip', '-d', 'link', 'show', 'vp3']);
    expect(port.stdout).toContain('hairpin on');
    const after = await countFailures(20, () => lab.exec(fxrql, connect('10.96.212.203', 80, 1)));
    expect(after.failed).toBe(0);
  });

  it('S3: the Local-policy LB IP fails from node-2, works from node-1, and with policy Cluster', async () => {
    const fromNode2 = await lab.exec(webClient, connect('192.168.56.240', 80, 1));
    expect(fromNode2.code).not.toBe(0);
    const rules = await lab.exec({ node: 'node-2' }, ['iptables', '-S', 'KUBE-EXTERNAL-SERVICES']);
    expect(rules.stdout).toContain('kube-system/nginx-ingress-lb:http has no local endpoints');
    const fromNode1 = await lab.exec(nginx, connect('192.168.56.240', 80, 1));
    expect(fromNode1.code).toBe(0);

    const cluster = clusterObjects((svc) =>
      svc.name === 'nginx-ingress-lb' ? { ...svc, externalTrafficPolicy: 'Cluster' } : svc,
    );
    await lab.syncServices(cluster.services, cluster.endpointSlices);
    const fixed = await lab.exec(webClient, connect('192.168.56.240', 80, 1));
    expect(fixed.code).toBe(0);

    const local = clusterObjects();
    await lab.syncServices(local.services, local.endpointSlices);
    const again = await lab.exec(webClient, connect('192.168.56.240', 80, 1));
    expect(again.code).not.toBe(0);
  });

  it('S4: hostNetwork my-pod cannot reach the LB IP, web-client can, the OUTPUT DNAT fixes it', async () => {
    const broken = await lab.exec(myPod, connect('192.168.56.241', 38001, 2));
    expect(broken.code).not.toBe(0);
    const fromPod = await lab.exec(webClient, connect('192.168.56.241', 38001, 2));
    expect(fromPod.code).toBe(0);

    // The article's other fix: the Service's DNS name from a ClusterFirstWithHostNet pod.
    const spec = sandbox('default', 'dns-probe', 'node-2', {
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
    });
    await lab.runtime.createSandbox(spec);
    // Several tries, so that both endpoints (one local, one on node-1) are chosen.
    for (let i = 0; i < 4; i++) {
      const byName = await runContainer(lab.runtime, {
        sandbox: spec,
        image: 'ghcr.io/podpath/probe',
        argv: connect('k8s-go-demo-slb.default.svc.cluster.local', 38001, 2),
      });
      expect(byName.exit.exitCode).toBe(0);
      expect(byName.stderr).toContain('(10.96.38.1) 38001 port [tcp/*] succeeded');
    }
    await lab.runtime.removeSandbox(spec);

    await lab.applyFix({
      kind: 'output-dnat',
      node: 'node-2',
      from: '192.168.56.241',
      to: '10.96.38.1',
    });
    const fixed = await countFailures(6, () =>
      lab.exec(myPod, connect('192.168.56.241', 38001, 2)),
    );
    expect(fixed.failed).toBe(0);
  });

  it('S5: the pod trace stops after 10.244.2.1, node-2 reaches legacy-db, MASQUERADE fixes it', async () => {
    const broken = await lab.exec(webClient, quickTraceroute('192.168.2.10'));
    const hops = hopAddresses(broken.stdout);
    expect(hops[0]).toBe('10.244.2.1');
    expect(hops.slice(1)).toEqual(Array(7).fill('*'));

    const fromNode = await lab.exec({ node: 'node-2' }, quickTraceroute('192.168.2.10'));
    expect(hopAddresses(fromNode.stdout)).toEqual(['192.168.56.1', '192.168.2.10']);

    await lab.applyFix({ kind: 'masquerade-pod-egress' });
    const fixed = await lab.exec(webClient, quickTraceroute('192.168.2.10'));
    expect(hopAddresses(fixed.stdout)).toEqual(['10.244.2.1', '192.168.56.1', '192.168.2.10']);
    const connected = await lab.exec(webClient, connect('192.168.2.10', 5432, 2));
    expect(connected.code).toBe(0);
  });

  it('S6: the selector-less legacy-api ClusterIP refuses connections', async () => {
    const result = await lab.exec(webClient, connect('10.96.77.7', 8080, 2));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Connection refused');
    const rules = await lab.exec({ node: 'node-2' }, ['iptables', '-S', 'KUBE-SERVICES']);
    expect(rules.stdout).toContain('default/legacy-api has no endpoints');
  });
});
