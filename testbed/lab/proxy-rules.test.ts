import { describe, expect, it } from 'vitest';
import { clusterDnsService } from '../emulator/controllers/seed';
import { demoScenario } from '../scenarios/demo';
import { nodeProxyRules, portChainName, stageProxyRules } from './proxy-rules';
import { endpointSliceObject, scenarioServiceObjects, serviceObject } from './scenario-objects';
import { dnsServices, proxyServicePorts } from './service-model';

const objects = scenarioServiceObjects(demoScenario);
const ports = proxyServicePorts(objects.services, objects.endpointSlices);
const defects = { hairpinMasquerade: true, captureHostExternalIPs: false };
const tcp = (id: string) => ({ id, protocol: 'TCP' as const });

/** The emulator's kube-dns Service and the slice its CoreDNS pod gives it. */
const kubeDns = clusterDnsService(demoScenario);
const withDns = {
  services: [...objects.services, serviceObject(kubeDns)],
  slices: [...objects.endpointSlices, endpointSliceObject(demoScenario, kubeDns)],
};

describe('service model', () => {
  it('reads ClusterIPs, ports, LB ingress, policy and ready endpoints; skips headless', () => {
    const svc = ports.find((p) => p.id === 'default/k8s-go-demo-svc:http');
    expect(svc).toMatchObject({ clusterIP: '10.96.212.203', port: 80, protocol: 'TCP' });
    expect(svc?.endpoints).toEqual([
      { ip: '10.244.1.4', port: 38001, nodeName: 'node-1' },
      { ip: '10.244.2.4', port: 38001, nodeName: 'node-2' },
    ]);
    const lb = ports.find((p) => p.id === 'kube-system/nginx-ingress-lb:http');
    expect(lb).toMatchObject({
      externalIPs: ['192.168.56.240'],
      nodePort: 30080,
      externalTrafficPolicy: 'Local',
    });
    expect(ports.some((p) => p.service === 'k8s-go-demo-svc-headless')).toBe(false);
    expect(ports.find((p) => p.service === 'legacy-api')?.endpoints).toEqual([]);
  });

  it('drops endpoints that are not ready', () => {
    const slices = structuredClone(objects.endpointSlices);
    const slice = slices.find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'httpd',
    )!;
    (slice.endpoints as { conditions: { ready: boolean } }[])[0]!.conditions.ready = false;
    expect(
      proxyServicePorts(objects.services, slices).find((p) => p.service === 'httpd')?.endpoints,
    ).toEqual([]);
  });

  it('gives DNS the ClusterIP, or the pods of a headless Service', () => {
    const dns = dnsServices(objects.services, objects.endpointSlices);
    expect(dns.find((d) => d.name === 'k8s-go-demo-svc-headless')?.addresses).toEqual([
      '10.244.1.4',
      '10.244.2.4',
    ]);
    expect(dns.find((d) => d.name === 'httpd')?.addresses).toEqual(['10.96.100.10']);
  });
});

describe('node proxy rules', () => {
  const node2 = nodeProxyRules({ nodeName: 'node-2', ports, options: defects, previousChains: [] });
  const node1 = nodeProxyRules({ nodeName: 'node-1', ports, options: defects, previousChains: [] });
  const svc = portChainName('KUBE-SVC-', tcp('default/k8s-go-demo-svc:http'));

  it('spreads a ClusterIP over its endpoints with statistic mode random', () => {
    expect(node2.text).toContain(
      `-A KUBE-SERVICES -d 10.96.212.203/32 -p tcp -m tcp --dport 80 -m comment --comment "default/k8s-go-demo-svc:http cluster IP" -j ${svc}`,
    );
    const balance = node2.text.split('\n').filter((l) => l.startsWith(`-A ${svc} `));
    expect(balance).toHaveLength(2);
    expect(balance[0]).toContain('-m statistic --mode random --probability 0.5000000000');
    expect(balance[1]).not.toContain('statistic');
    expect(node2.text).toContain(
      '-s 10.244.1.4/32 -m comment --comment "default/k8s-go-demo-svc:http" -j KUBE-MARK-MASQ',
    );
    expect(node2.text).toContain('-j DNAT --to-destination 10.244.1.4:38001');
  });

  it('switches hairpin masquerade off on request', () => {
    const off = nodeProxyRules({
      nodeName: 'node-2',
      ports,
      options: { ...defects, hairpinMasquerade: false },
      previousChains: [],
    });
    expect(off.text).not.toMatch(/-s 10\.244\.\d+\.\d+\/32 .*KUBE-MARK-MASQ/);
  });

  it('drops Local-policy LB traffic where there is no local endpoint, DNATs where there is', () => {
    expect(node2.text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -d 192.168.56.240/32 -p tcp -m tcp --dport 80 -m comment --comment "kube-system/nginx-ingress-lb:http has no local endpoints" -j DROP',
    );
    const svl = portChainName('KUBE-SVL-', tcp('kube-system/nginx-ingress-lb:http'));
    expect(node1.text).toContain(`-j ${svl}`);
    expect(node1.text).not.toContain('has no local endpoints');
  });

  it('leaves host traffic to LB IPs alone when the S4 defect is on, captures it otherwise', () => {
    expect(node2.text).toMatch(/-d 192\.168\.56\.241\/32 .*-m addrtype ! --src-type LOCAL/);
    const fixed = nodeProxyRules({
      nodeName: 'node-2',
      ports,
      options: { ...defects, captureHostExternalIPs: true },
      previousChains: [],
    });
    expect(fixed.text).not.toContain('! --src-type LOCAL');
  });

  it('rejects Services without endpoints and routes NodePorts', () => {
    expect(node2.text).toContain(
      '"default/legacy-api has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(node2.text).toMatch(/-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 .* -j KUBE-EXT-/);
    expect(
      node2.text
        .trim()
        .split('\n')
        .filter((l) => l === 'COMMIT'),
    ).toHaveLength(2);
  });

  it('deletes chains that are gone on the next sync, in the same transaction', () => {
    const without = proxyServicePorts(
      objects.services.filter((s) => s.metadata.name !== 'httpd'),
      objects.endpointSlices,
    );
    const next = nodeProxyRules({
      nodeName: 'node-2',
      ports: without,
      options: defects,
      previousChains: node2.chains,
    });
    const gone = portChainName('KUBE-SVC-', tcp('default/httpd'));
    expect(next.text).toContain(`:${gone} - [0:0]`);
    expect(next.text).toContain(`-X ${gone}`);
    expect(next.chains).not.toContain(gone);
  });

  it('is deterministic', () => {
    expect(
      nodeProxyRules({ nodeName: 'node-2', ports, options: defects, previousChains: [] }),
    ).toEqual(node2);
  });
});

describe('stage rules', () => {
  it('holds ClusterIPs only, without masquerade marks', () => {
    const stage = stageProxyRules({ ports, previousChains: [] });
    expect(stage.text).toContain('-d 10.96.38.1/32');
    expect(stage.text).not.toContain('192.168.56.241');
    expect(stage.text).not.toContain('KUBE-MARK-MASQ');
  });
});

describe('kube-dns: UDP and TCP ports of one Service, as kube-proxy writes them', () => {
  const dnsPorts = proxyServicePorts(withDns.services, withDns.slices);
  const node2 = nodeProxyRules({
    nodeName: 'node-2',
    ports: dnsPorts,
    options: defects,
    previousChains: [],
  });
  const udpSep = portChainName(
    'KUBE-SEP-',
    { id: 'kube-system/kube-dns:dns', protocol: 'UDP' },
    '10.244.0.2:53',
  );
  const tcpSep = portChainName('KUBE-SEP-', tcp('kube-system/kube-dns:dns-tcp'), '10.244.0.2:53');

  it('reads one proxy port per Service port, each with the CoreDNS pod behind it', () => {
    const dns = dnsPorts.filter((p) => p.service === 'kube-dns');
    expect(dns.map((p) => [p.id, p.protocol, p.port])).toEqual([
      ['kube-system/kube-dns:dns', 'UDP', 53],
      ['kube-system/kube-dns:dns-tcp', 'TCP', 53],
      ['kube-system/kube-dns:metrics', 'TCP', 9153],
    ]);
    for (const port of dns) {
      expect(port.endpoints).toEqual([
        { ip: '10.244.0.2', port: port.port, nodeName: 'controlplane' },
      ]);
    }
  });

  it('sends UDP to 10.96.0.10:53 through KUBE-SVC/KUBE-SEP chains named as in real clusters', () => {
    // KUBE-SVC-TCOU7JCQXEZGVUNU and KUBE-SVC-ERIFXISQEP7F7OF4 are kube-dns's chains in every
    // kube-proxy: the names hash the port name and the lower-case protocol.
    expect(node2.text).toContain(
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment "kube-system/kube-dns:dns cluster IP" -j KUBE-SVC-TCOU7JCQXEZGVUNU',
    );
    expect(node2.text).toContain(
      `-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.0.2:53" -j ${udpSep}`,
    );
    expect(node2.text).toContain(
      `-A ${udpSep} -p udp -m udp -m comment --comment "kube-system/kube-dns:dns" -j DNAT --to-destination 10.244.0.2:53`,
    );
    expect(node2.text).toContain(
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 53 -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -j KUBE-SVC-ERIFXISQEP7F7OF4',
    );
    expect(node2.text).toContain(
      `-A ${tcpSep} -p tcp -m tcp -m comment --comment "kube-system/kube-dns:dns-tcp" -j DNAT --to-destination 10.244.0.2:53`,
    );
    expect(udpSep).not.toBe(tcpSep);
    expect(node2.chains).toEqual(
      expect.arrayContaining(['KUBE-SVC-TCOU7JCQXEZGVUNU', 'KUBE-SVC-ERIFXISQEP7F7OF4', udpSep]),
    );
    const stage = stageProxyRules({ ports: dnsPorts, previousChains: [] });
    expect(stage.text).toContain(
      `-A ${udpSep} -p udp -m udp -m comment --comment "kube-system/kube-dns:dns" -j DNAT --to-destination 10.244.0.2:53`,
    );
  });

  it('rejects UDP to kube-dns while CoreDNS is not ready', () => {
    const slices = structuredClone(withDns.slices);
    const slice = slices.find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns',
    )!;
    (slice.endpoints as { conditions: { ready: boolean } }[])[0]!.conditions.ready = false;
    const rules = nodeProxyRules({
      nodeName: 'node-2',
      ports: proxyServicePorts(withDns.services, slices),
      options: defects,
      previousChains: node2.chains,
    });
    expect(rules.text).toContain(
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment "kube-system/kube-dns:dns has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(rules.text).toContain('-X KUBE-SVC-TCOU7JCQXEZGVUNU');
  });
});
